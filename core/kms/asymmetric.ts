/** Sign/verify, asymmetric encrypt/decrypt and public keys. Asymmetric keys always name their version. */
import { createPublicKey } from 'node:crypto';
import { KwError } from '../api/errors.ts';
import type { ParsedRequestOf, ResponseOf } from '../api/contract.ts';
import { SPEC_CAPABILITIES, type KeyUsage } from '../domain/key-specs.ts';
import type { CallContext } from './context.ts';
import { getVersion, resolveKey, type KeyRow, type VersionRow } from './key-repo.ts';
import { keyStoreFor } from './keystore.ts';
import { decodeBase64, requireFamily, requireState, requireUsage } from './guards.ts';

function usableVersion(ctx: CallContext, ref: string, versionId: string, usage: KeyUsage | null): { key: KeyRow; version: VersionRow } {
  const key = resolveKey(ctx.db, ref);
  ctx.keyId = key.id;
  requireFamily(key, 'asymmetric');
  if (usage) requireUsage(key, usage);
  requireState(key, 'crypto');
  const version = getVersion(ctx.db, key.id, versionId);
  if (version.state !== 'Enabled' || !version.public_key) throw new KwError('InvalidKeyState', `version ${versionId} has no key material`);
  return { key, version };
}

function requireAlgorithm<A extends string>(key: KeyRow, alg: A, allowed: readonly string[]): void {
  if (!allowed.includes(alg)) throw new KwError('InvalidParameter', `algorithm ${alg} does not fit a ${key.spec} key (allowed: ${allowed.join(', ') || 'none'})`);
}

function checkDigestLength(alg: string, messageType: string, input: Buffer): void {
  if (messageType === 'DIGEST' && input.length !== 32) throw new KwError('InvalidParameter', `a ${alg} digest is 32 bytes, got ${input.length}`);
}

export async function asymmetricSign(req: ParsedRequestOf<'asymmetricSign'>, ctx: CallContext): Promise<ResponseOf<'asymmetricSign'>> {
  const { key, version } = usableVersion(ctx, req.cmkUuid, req.keyVersionId, 'SIGN_VERIFY');
  requireAlgorithm(key, req.algorithm, SPEC_CAPABILITIES[key.spec].signAlgorithms);
  const input = decodeBase64(req.message);
  checkDigestLength(req.algorithm, req.messageType, input);
  const sig = await keyStoreFor(ctx.keystores, key.protection_level).sign(key, version, req.algorithm, input, req.messageType);
  ctx.detail = { algorithm: req.algorithm, messageType: req.messageType };
  return { signature: Buffer.from(sig).toString('base64'), cmkUuid: key.id, keyVersionId: version.id, algorithm: req.algorithm };
}

export function asymmetricVerify(req: ParsedRequestOf<'asymmetricVerify'>, ctx: CallContext): ResponseOf<'asymmetricVerify'> {
  const { key, version } = usableVersion(ctx, req.cmkUuid, req.keyVersionId, 'SIGN_VERIFY');
  requireAlgorithm(key, req.algorithm, SPEC_CAPABILITIES[key.spec].signAlgorithms);
  const input = decodeBase64(req.message);
  checkDigestLength(req.algorithm, req.messageType, input);
  const ok = ctx.suite.verify(req.algorithm, version.public_key!, input, req.messageType, decodeBase64(req.signature));
  ctx.detail = { algorithm: req.algorithm, signatureValid: ok };
  return { signatureValid: ok, cmkUuid: key.id, keyVersionId: version.id };
}

export function asymmetricEncrypt(req: ParsedRequestOf<'asymmetricEncrypt'>, ctx: CallContext): ResponseOf<'asymmetricEncrypt'> {
  const { key, version } = usableVersion(ctx, req.cmkUuid, req.keyVersionId, 'ENCRYPT_DECRYPT');
  requireAlgorithm(key, req.algorithm, SPEC_CAPABILITIES[key.spec].encryptAlgorithms);
  const plaintext = decodeBase64(req.plaintext);
  try {
    const ct = ctx.suite.asymmetricEncrypt(req.algorithm, version.public_key!, plaintext);
    return { ciphertextBlob: Buffer.from(ct).toString('base64'), cmkUuid: key.id, keyVersionId: version.id };
  } finally {
    plaintext.fill(0);
  }
}

export async function asymmetricDecrypt(req: ParsedRequestOf<'asymmetricDecrypt'>, ctx: CallContext): Promise<ResponseOf<'asymmetricDecrypt'>> {
  const { key, version } = usableVersion(ctx, req.cmkUuid, req.keyVersionId, 'ENCRYPT_DECRYPT');
  requireAlgorithm(key, req.algorithm, SPEC_CAPABILITIES[key.spec].encryptAlgorithms);
  const pt = await keyStoreFor(ctx.keystores, key.protection_level).asymmetricDecrypt(key, version, req.algorithm, decodeBase64(req.ciphertextBlob));
  try {
    return { plaintext: Buffer.from(pt).toString('base64'), cmkUuid: key.id, keyVersionId: version.id };
  } finally {
    pt.fill(0);
  }
}

export function spkiToPem(spki: Uint8Array): string {
  const b64 = Buffer.from(spki).toString('base64').replace(/(.{64})/g, '$1\n').trimEnd();
  return `-----BEGIN PUBLIC KEY-----\n${b64}\n-----END PUBLIC KEY-----\n`;
}

export function getPublicKey(req: ParsedRequestOf<'getPublicKey'>, ctx: CallContext): ResponseOf<'getPublicKey'> {
  const { key, version } = usableVersion(ctx, req.cmkUuid, req.keyVersionId, null);
  return { publicKey: spkiToPem(version.public_key!), cmkUuid: key.id, keyVersionId: version.id, keySpec: key.spec };
}

/** Used by tests and the BYOK code to parse PEM/DER public keys through one door. */
export function publicKeyDer(pemOrDer: string | Buffer): Buffer {
  try {
    return createPublicKey(typeof pemOrDer === 'string' ? pemOrDer : { key: pemOrDer, format: 'der', type: 'spki' }).export({ format: 'der', type: 'spki' });
  } catch {
    throw new KwError('InvalidPublicKey', 'not a public key in PEM or DER SubjectPublicKeyInfo form');
  }
}
