/**
 * getParametersForImport: a fresh wrapping key pair per call, its private half sealed
 * under the root key and bound to the master key, and an import token valid for 24 hours
 * (reusable within them, as the reference KMS allows).
 */
import { KwError } from '../api/errors.ts';
import type { ParsedRequestOf, ResponseOf } from '../api/contract.ts';
import type { ImportWrappingAlgorithm, ImportWrappingKeySpec } from '../domain/vocabulary.ts';
import { SPEC_CAPABILITIES, type KeySpec } from '../domain/key-specs.ts';
import { LIMITS } from '../domain/limits.ts';
import type { CallContext } from '../kms/context.ts';
import { resolveKey, type KeyRow } from '../kms/key-repo.ts';
import { requireState } from '../kms/guards.ts';
import { uuidFrom } from '../ports/index.ts';
import { issueImportToken } from './import-token.ts';
import type { WrapScheme } from './targets.ts';

export type { ImportWrappingAlgorithm, ImportWrappingKeySpec };

export const IMPORT_SCHEMES: Record<ImportWrappingAlgorithm, WrapScheme> = {
  RSAES_OAEP_SHA_256: { kind: 'rsa-oaep', hash: 'SHA-256' },
  RSAES_OAEP_SHA_1: { kind: 'rsa-oaep', hash: 'SHA-1' },
  RSAES_PKCS1_V1_5: { kind: 'rsa-pkcs1' },
  SM2PKE: { kind: 'sm2pke' },
  RSA_AES_KEY_WRAP_SHA_256: { kind: 'rsa-aes-kwp', hash: 'SHA-256' },
  RSA_AES_KEY_WRAP_SHA_1: { kind: 'rsa-aes-kwp', hash: 'SHA-1' },
};

/** Which wrapping algorithms each kind of EXTERNAL key takes (checked before anything is made). */
function allowedAlgorithms(spec: KeySpec): readonly ImportWrappingAlgorithm[] {
  if (spec === 'AES_256') return ['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1', 'RSAES_PKCS1_V1_5', 'RSA_AES_KEY_WRAP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_1'];
  if (spec === 'SM4') return ['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1', 'RSAES_PKCS1_V1_5', 'SM2PKE', 'RSA_AES_KEY_WRAP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_1'];
  // A PKCS#8 private key is larger than one RSA block: it always travels under an ephemeral AES key.
  return ['RSA_AES_KEY_WRAP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_1'];
}

const WRAPPING_SPEC_OF: Record<ImportWrappingAlgorithm, ImportWrappingKeySpec> = {
  RSAES_OAEP_SHA_256: 'RSA_2048',
  RSAES_OAEP_SHA_1: 'RSA_2048',
  RSAES_PKCS1_V1_5: 'RSA_2048',
  SM2PKE: 'EC_SM2',
  RSA_AES_KEY_WRAP_SHA_256: 'RSA_2048',
  RSA_AES_KEY_WRAP_SHA_1: 'RSA_2048',
};

/** EXTERNAL origin, software protection, PendingImport: the gate shared by both import calls. */
export function requireImportable(key: KeyRow): void {
  if (key.origin !== 'EXTERNAL') throw new KwError('UnsupportedOperation', `key ${key.id} has KMS-generated material; only EXTERNAL keys take imported material`);
  if (key.protection_level !== 'SOFTWARE') throw new KwError('UnsupportedOperation', 'importing material into a token-protected (HSM) key is not available');
  if (!SPEC_CAPABILITIES[key.spec].importable) throw new KwError('UnsupportedOperation', `${key.spec} keys cannot take imported material`);
  requireState(key, 'importMaterial');
}

export function checkWrappingChoice(key: KeyRow, spec: ImportWrappingKeySpec, alg: ImportWrappingAlgorithm): void {
  if (WRAPPING_SPEC_OF[alg] !== spec) throw new KwError('InvalidParameter', `wrappingAlgorithm ${alg} needs wrappingKeySpec ${WRAPPING_SPEC_OF[alg]}, not ${spec}`);
  const allowed = allowedAlgorithms(key.spec);
  if (!allowed.includes(alg)) throw new KwError('InvalidParameter', `a ${key.spec} key takes wrappingAlgorithm ${allowed.join(', ')}; not ${alg}`);
}

export async function getParametersForImport(req: ParsedRequestOf<'getParametersForImport'>, ctx: CallContext): Promise<ResponseOf<'getParametersForImport'>> {
  const key = resolveKey(ctx.db, req.cmkUuid);
  ctx.keyId = key.id;
  requireImportable(key);
  checkWrappingChoice(key, req.wrappingKeySpec, req.wrappingAlgorithm);

  const pair = ctx.suite.generateKeyPair(req.wrappingKeySpec === 'EC_SM2' ? 'SM2' : 'RSA_2048');
  const wrappingKeyId = uuidFrom(ctx.random);
  try {
    return ctx.write(() => {
      const fresh = resolveKey(ctx.db, key.id);
      requireImportable(fresh);
      const now = ctx.clock.now();
      const expiresAt = now + LIMITS.importTokenValidityHours * 3600_000;
      ctx.db
        .prepare(
          `INSERT INTO import_wrapping_keys (id, key_id, wrapping_key_spec, wrapping_algorithm, public_key, sealed_private_key, created_at, expires_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(wrappingKeyId, key.id, req.wrappingKeySpec, req.wrappingAlgorithm, Buffer.from(pair.publicKey), sealWrappingKey(ctx, wrappingKeyId, key.id, pair.privateKey), now, expiresAt);
      // Wrapping keys whose tokens lapsed a week ago can no longer explain a failure; drop them.
      ctx.db.prepare('DELETE FROM import_wrapping_keys WHERE expires_at < ?').run(now - 7 * 24 * 3600_000);
      const token = issueImportToken(ctx, { wrappingKeyId, keyId: key.id, expiresAt });
      ctx.detail = { wrappingKeySpec: req.wrappingKeySpec, wrappingAlgorithm: req.wrappingAlgorithm };
      return {
        cmkUuid: key.id,
        publicKey: Buffer.from(pair.publicKey).toString('base64'),
        importToken: token.toString('base64'),
        tokenExpiresAt: new Date(expiresAt).toISOString(),
        wrappingKeySpec: req.wrappingKeySpec,
        wrappingAlgorithm: req.wrappingAlgorithm,
      };
    });
  } finally {
    pair.privateKey.fill(0);
  }
}

const wrappingSealId = (wrappingKeyId: string): string => `byok:wrapping-key:${wrappingKeyId}`;

function sealWrappingKey(ctx: CallContext, wrappingKeyId: string, keyId: string, pkcs8: Uint8Array): Buffer {
  return ctx.vault.sealer().seal(wrappingSealId(wrappingKeyId), keyId, pkcs8);
}

/** The caller zeroes the returned private key. */
export function openWrappingKey(ctx: CallContext, wrappingKeyId: string, keyId: string, sealed: Buffer): Buffer {
  return ctx.vault.sealer().open(wrappingSealId(wrappingKeyId), keyId, sealed);
}
