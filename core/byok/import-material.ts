/**
 * importKeyMaterial and deleteKeyMaterial. A key is bound to the first material ever
 * imported into it: a keyed fingerprint (secrets.ts) is kept for the key's lifetime, so
 * after deletion or expiry (scheduler.ts clears the material) only the same material is
 * accepted again. Every check runs before the one write, so a refused call changes nothing.
 */
import { KwError } from '../api/errors.ts';
import type { ParsedRequestOf, ResponseOf } from '../api/contract.ts';
import { equalBytes } from '../crypto/bytes.ts';
import { SPEC_CAPABILITIES } from '../domain/key-specs.ts';
import type { CallContext } from '../kms/context.ts';
import { getKeyRow, listVersions, resolveKey, toMetadata, updateKey, type KeyRow, type VersionRow } from '../kms/key-repo.ts';
import { decodeBase64, requireState } from '../kms/guards.ts';
import { readImportToken } from './import-token.ts';
import { IMPORT_SCHEMES, openWrappingKey, requireImportable, type ImportWrappingAlgorithm } from './import-params.ts';
import { checkImportedPrivateKey } from './private-key-check.ts';
import { materialFingerprint } from './secrets.ts';
import { unwrapFailed, unwrapMaterial } from './wrap-schemes.ts';

interface WrappingKeyRow {
  id: string;
  key_id: string;
  wrapping_key_spec: 'RSA_2048' | 'EC_SM2';
  wrapping_algorithm: ImportWrappingAlgorithm;
  sealed_private_key: Buffer;
  expires_at: number;
}

/** RSA_2048 wrapping keys: the RSA block in front of an RSA_AES_KEY_WRAP payload. */
const RSA_2048_BLOCK = 256;

/** EXTERNAL keys never rotate and never get generated versions, so they have exactly one. */
function onlyVersion(ctx: CallContext, key: KeyRow): VersionRow {
  const versions = listVersions(ctx.db, key.id);
  const v = versions[0];
  if (versions.length !== 1 || !v) throw new KwError('InternalError', `EXTERNAL key ${key.id} has ${versions.length} versions`);
  return v;
}

function wrappingKeyFor(ctx: CallContext, key: KeyRow, tokenB64: string): WrappingKeyRow {
  const claims = readImportToken(ctx, decodeBase64(tokenB64));
  const row = ctx.db.prepare('SELECT * FROM import_wrapping_keys WHERE id = ? AND key_id = ?').get(claims.wrappingKeyId, key.id) as WrappingKeyRow | undefined;
  if (claims.keyId !== key.id || !row || row.expires_at !== claims.expiresAt) {
    throw new KwError('ImportTokenInvalid', 'the import token was not issued by this vault for this key');
  }
  if (ctx.clock.now() >= claims.expiresAt) {
    throw new KwError('ImportTokenExpired', `the import token expired at ${new Date(claims.expiresAt).toISOString()}; get new import parameters`);
  }
  return row;
}

function expiryOf(ctx: CallContext, req: ParsedRequestOf<'importKeyMaterial'>): number | null {
  if (req.expirationModel === 'KEY_MATERIAL_DOES_NOT_EXPIRE') {
    if (req.validTo !== undefined) throw new KwError('InvalidParameter', 'validTo: only with expirationModel KEY_MATERIAL_EXPIRES', { field: 'validTo' });
    return null;
  }
  if (req.validTo === undefined) throw new KwError('MissingParameter', 'validTo: is required with KEY_MATERIAL_EXPIRES', { field: 'validTo' });
  const t = Date.parse(req.validTo);
  if (!(t > ctx.clock.now())) throw new KwError('InvalidParameter', 'validTo: must be in the future', { field: 'validTo' });
  return t;
}

function payloadOf(req: ParsedRequestOf<'importKeyMaterial'>, alg: ImportWrappingAlgorithm): Buffer {
  const material = decodeBase64(req.encryptedKeyMaterial);
  if (req.ephemeralKeyCiphertext === undefined) return material;
  if (IMPORT_SCHEMES[alg].kind !== 'rsa-aes-kwp') {
    throw new KwError('InvalidParameter', `ephemeralKeyCiphertext: only with RSA_AES_KEY_WRAP_* (this token is for ${alg})`, { field: 'ephemeralKeyCiphertext' });
  }
  return Buffer.concat([decodeBase64(req.ephemeralKeyCiphertext), material]);
}

/** What will be sealed, its fingerprint input, and (asymmetric keys) the public key. */
function checkMaterial(ctx: CallContext, key: KeyRow, material: Buffer, alg: ImportWrappingAlgorithm): { fingerprintInput: Buffer; publicKey: Buffer | null } {
  const caps = SPEC_CAPABILITIES[key.spec];
  if (caps.family === 'asymmetric') {
    const spki = checkImportedPrivateKey(ctx.suite, ctx.random, key.spec, key.usage, material);
    // The public key identifies a private key whatever optional fields its PKCS#8 carries.
    return { fingerprintInput: spki, publicKey: spki };
  }
  if (material.length !== caps.materialBytes) {
    // With PKCS#1 v1.5 a distinct "wrong length" answer would tell a prober that the
    // padding was valid (Bleichenbacher's oracle), so it is the same UnwrapFailed.
    if (alg === 'RSAES_PKCS1_V1_5') throw unwrapFailed();
    throw new KwError('InvalidKeyMaterial', `a ${key.spec} key takes ${caps.materialBytes} bytes of key material, got ${material.length}`);
  }
  return { fingerprintInput: material, publicKey: null };
}

export async function importKeyMaterial(req: ParsedRequestOf<'importKeyMaterial'>, ctx: CallContext): Promise<ResponseOf<'importKeyMaterial'>> {
  const key = resolveKey(ctx.db, req.cmkUuid);
  ctx.keyId = key.id;
  requireImportable(key);
  const wrapping = wrappingKeyFor(ctx, key, req.importToken);
  const expiresAt = expiryOf(ctx, req);
  const payload = payloadOf(req, wrapping.wrapping_algorithm);

  const privateKey = openWrappingKey(ctx, wrapping.id, key.id, wrapping.sealed_private_key);
  let material: Buffer;
  try {
    material = unwrapMaterial(ctx.suite, IMPORT_SCHEMES[wrapping.wrapping_algorithm], privateKey, RSA_2048_BLOCK, payload);
  } finally {
    privateKey.fill(0);
  }
  try {
    const { fingerprintInput, publicKey } = checkMaterial(ctx, key, material, wrapping.wrapping_algorithm);
    return ctx.write(() => {
      const fresh = resolveKey(ctx.db, key.id);
      requireImportable(fresh);
      const now = ctx.clock.now();
      const fingerprint = materialFingerprint(ctx, key.id, fingerprintInput);
      const bound = ctx.db.prepare('SELECT fingerprint FROM imported_material WHERE key_id = ?').get(key.id) as { fingerprint: Buffer } | undefined;
      if (bound && !equalBytes(bound.fingerprint, fingerprint)) {
        throw new KwError('KeyMaterialMismatch', `key ${key.id} is bound to the material first imported into it; only that material can be imported again`);
      }
      const version = onlyVersion(ctx, fresh);
      const sealed = ctx.vault.sealer().seal(key.id, version.id, material);
      ctx.db
        .prepare("UPDATE key_versions SET sealed_material = ?, public_key = COALESCE(?, public_key), state = 'Enabled' WHERE key_id = ? AND id = ?")
        .run(sealed, publicKey, key.id, version.id);
      updateKey(ctx.db, key.id, now, { state: 'Enabled', material_expires_at: expiresAt });
      ctx.db
        .prepare(
          `INSERT INTO imported_material (key_id, fingerprint, first_imported_at, last_imported_at, expiration_model) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (key_id) DO UPDATE SET last_imported_at = excluded.last_imported_at, expiration_model = excluded.expiration_model`,
        )
        .run(key.id, fingerprint, now, now, req.expirationModel);
      ctx.detail = { wrappingAlgorithm: wrapping.wrapping_algorithm, expirationModel: req.expirationModel, reimport: bound !== undefined };
      return { keyMetadata: toMetadata(ctx.db, getKeyRow(ctx.db, key.id)!) };
    });
  } finally {
    material.fill(0);
  }
}

export function deleteKeyMaterial(req: ParsedRequestOf<'deleteKeyMaterial'>, ctx: CallContext): ResponseOf<'deleteKeyMaterial'> {
  return ctx.write(() => {
    const key = resolveKey(ctx.db, req.cmkUuid);
    ctx.keyId = key.id;
    if (key.origin !== 'EXTERNAL') throw new KwError('UnsupportedOperation', `key ${key.id} has KMS-generated material, which is deleted only with the key`);
    requireState(key, 'deleteMaterial');
    // secure_delete overwrites the freed page, so the sealed material leaves the file too.
    ctx.db.prepare("UPDATE key_versions SET sealed_material = NULL, state = 'PendingImport' WHERE key_id = ?").run(key.id);
    ctx.vault.sealer().forgetKey(key.id);
    updateKey(ctx.db, key.id, ctx.clock.now(), { state: 'PendingImport', material_expires_at: null });
    return { keyMetadata: toMetadata(ctx.db, getKeyRow(ctx.db, key.id)!) };
  });
}
