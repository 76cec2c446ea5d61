/** encrypt / decrypt / reEncrypt / data keys with symmetric master keys. */
import { KwError } from '../api/errors.ts';
import type { ParsedRequestOf, ResponseOf } from '../api/contract.ts';
import { SPEC_CAPABILITIES } from '../domain/key-specs.ts';
import { LIMITS } from '../domain/limits.ts';
import type { CallContext } from './context.ts';
import { getKeyRow, getVersion, type KeyRow } from './key-repo.ts';
import { keyStoreFor } from './keystore.ts';
import { decodeBase64, requireFamily, requireState, usableKey } from './guards.ts';
import { associatedData, blobHeader, parseBlob, type BlobAlgorithm } from './ciphertext-blob.ts';

export function usableSymmetricKey(ctx: CallContext, ref: string): KeyRow {
  return usableKey(ctx, ref, 'symmetric', 'ENCRYPT_DECRYPT');
}

export async function sealUnder(ctx: CallContext, key: KeyRow, plaintext: Uint8Array, context: Record<string, string> | undefined) {
  const versionId = key.primary_version_id;
  if (!versionId) throw new KwError('InvalidKeyState', `key ${key.id} has no primary version`);
  const version = getVersion(ctx.db, key.id, versionId);
  const iv = ctx.random.bytes(12);
  const header = blobHeader(SPEC_CAPABILITIES[key.spec].symmetricAlgorithm as BlobAlgorithm, key.id, versionId, iv);
  const sealed = await keyStoreFor(ctx.keystores, key.protection_level).symmetricSeal(key, version, iv, plaintext, associatedData(header, context));
  return { ciphertextBlob: Buffer.concat([header, sealed]).toString('base64'), cmkUuid: key.id, keyVersionId: versionId };
}

/** The caller owns (and must zero) the returned plaintext. */
export async function openBlob(ctx: CallContext, b64: string, context: Record<string, string> | undefined) {
  const blob = parseBlob(decodeBase64(b64));
  const key = getKeyRow(ctx.db, blob.keyId);
  if (!key) throw new KwError('KeyNotFound', `the key that made this ciphertext (${blob.keyId}) does not exist in this vault`);
  ctx.keyId = key.id;
  requireFamily(key, 'symmetric');
  requireState(key, 'crypto');
  if (SPEC_CAPABILITIES[key.spec].symmetricAlgorithm !== blob.algorithm) throw new KwError('InvalidCiphertext', 'ciphertextBlob algorithm does not match its key');
  const version = getVersion(ctx.db, key.id, blob.versionId);
  const plaintext = await keyStoreFor(ctx.keystores, key.protection_level).symmetricOpen(key, version, blob.iv, blob.sealed, associatedData(blob.header, context));
  return { plaintext, key, versionId: blob.versionId };
}

export async function encrypt(req: ParsedRequestOf<'encrypt'>, ctx: CallContext): Promise<ResponseOf<'encrypt'>> {
  const key = usableSymmetricKey(ctx, req.cmkUuid);
  const plaintext = decodeBase64(req.plaintext);
  try {
    if (plaintext.length > LIMITS.encryptPlaintextMaxBytes) throw new KwError('InvalidParameter', `plaintext exceeds ${LIMITS.encryptPlaintextMaxBytes} bytes`);
    if (plaintext.length < LIMITS.encryptPlaintextMinBytes) throw new KwError('InvalidParameter', 'plaintext is empty; encrypt takes 1-6144 bytes', { field: 'plaintext' });
    return await sealUnder(ctx, key, plaintext, req.encryptionContext);
  } finally {
    plaintext.fill(0);
  }
}

export async function decrypt(req: ParsedRequestOf<'decrypt'>, ctx: CallContext): Promise<ResponseOf<'decrypt'>> {
  const { plaintext, key, versionId } = await openBlob(ctx, req.ciphertextBlob, req.encryptionContext);
  try {
    return { plaintext: Buffer.from(plaintext).toString('base64'), cmkUuid: key.id, keyVersionId: versionId };
  } finally {
    plaintext.fill(0);
  }
}

export async function reEncrypt(req: ParsedRequestOf<'reEncrypt'>, ctx: CallContext): Promise<ResponseOf<'reEncrypt'>> {
  const { plaintext, key: source, versionId } = await openBlob(ctx, req.ciphertextBlob, req.sourceEncryptionContext);
  try {
    const dest = usableSymmetricKey(ctx, req.destinationCmkUuid);
    const out = await sealUnder(ctx, dest, plaintext, req.destinationEncryptionContext);
    ctx.detail = { sourceCmkUuid: source.id };
    return { ...out, sourceCmkUuid: source.id, sourceKeyVersionId: versionId };
  } finally {
    plaintext.fill(0);
  }
}

const DATA_KEY_SPEC_BYTES = { AES_256: 32, AES_128: 16, SM4: 16 } as const;

export function dataKeyLength(req: { numberOfBytes?: number | undefined; keySpec?: keyof typeof DATA_KEY_SPEC_BYTES | undefined }): number {
  if (req.numberOfBytes !== undefined && req.keySpec !== undefined) throw new KwError('InvalidParameter', 'give numberOfBytes or keySpec, not both');
  if (req.keySpec !== undefined) return DATA_KEY_SPEC_BYTES[req.keySpec];
  return req.numberOfBytes ?? LIMITS.dataKeyDefaultBytes;
}

export async function generateDataKey(req: ParsedRequestOf<'generateDataKey'>, ctx: CallContext): Promise<ResponseOf<'generateDataKey'>> {
  const key = usableSymmetricKey(ctx, req.cmkUuid);
  const dataKey = ctx.random.bytes(dataKeyLength(req));
  try {
    const out = await sealUnder(ctx, key, dataKey, req.encryptionContext);
    return { plaintext: dataKey.toString('base64'), ...out };
  } finally {
    dataKey.fill(0);
  }
}

export async function generateDataKeyWithoutPlaintext(
  req: ParsedRequestOf<'generateDataKeyWithoutPlaintext'>,
  ctx: CallContext,
): Promise<ResponseOf<'generateDataKeyWithoutPlaintext'>> {
  const key = usableSymmetricKey(ctx, req.cmkUuid);
  const dataKey = ctx.random.bytes(dataKeyLength(req));
  try {
    return await sealUnder(ctx, key, dataKey, req.encryptionContext);
  } finally {
    dataKey.fill(0);
  }
}
