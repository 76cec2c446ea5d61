/**
 * Data keys out: exportDataKey re-wraps the data key inside a ciphertext blob under a
 * caller's RSA or SM2 public key; generateAndExportDataKey makes a new one and returns it
 * both sealed under the CMK and wrapped for the caller. The data key exists in the clear
 * only in this process's memory, zeroed before returning.
 */
import { KwError, missingCase } from '../api/errors.ts';
import type { ParsedRequestOf, ResponseOf } from '../api/contract.ts';
import type { EncryptionAlgorithm } from '../domain/vocabulary.ts';
import type { CallContext } from '../kms/context.ts';
import { dataKeyLength, openBlob, sealUnder, usableSymmetricKey } from '../kms/symmetric.ts';
import { parsePublicKeyParam, type ParsedPublicKey } from './public-key-input.ts';

type ExportAlgorithm = EncryptionAlgorithm;

function exportKey(alg: ExportAlgorithm, value: string): ParsedPublicKey {
  const pk = parsePublicKeyParam(value);
  const want = alg === 'SM2PKE' ? 'SM2' : 'RSA';
  if (pk.kind !== want) throw new KwError('InvalidPublicKey', `wrappingAlgorithm ${alg} needs an ${want} public key, got ${pk.kind}`);
  return pk;
}

function wrapFor(ctx: CallContext, alg: ExportAlgorithm, pk: ParsedPublicKey, dataKey: Uint8Array): string {
  switch (alg) {
    case 'RSAES_OAEP_SHA_256':
    case 'RSAES_OAEP_SHA_1':
    case 'SM2PKE':
      return Buffer.from(ctx.suite.asymmetricEncrypt(alg, pk.spki, dataKey)).toString('base64');
    default:
      return missingCase(alg);
  }
}

export async function exportDataKey(req: ParsedRequestOf<'exportDataKey'>, ctx: CallContext): Promise<ResponseOf<'exportDataKey'>> {
  // The public key is checked first: a bad one must not cost a decryption.
  const pk = exportKey(req.wrappingAlgorithm, req.publicKey);
  const { plaintext, key, versionId } = await openBlob(ctx, req.ciphertextBlob, req.encryptionContext);
  try {
    ctx.detail = { wrappingAlgorithm: req.wrappingAlgorithm };
    return { exportedDataKey: wrapFor(ctx, req.wrappingAlgorithm, pk, plaintext), cmkUuid: key.id, keyVersionId: versionId };
  } finally {
    plaintext.fill(0);
  }
}

export async function generateAndExportDataKey(
  req: ParsedRequestOf<'generateAndExportDataKey'>,
  ctx: CallContext,
): Promise<ResponseOf<'generateAndExportDataKey'>> {
  const pk = exportKey(req.wrappingAlgorithm, req.publicKey);
  const key = usableSymmetricKey(ctx, req.cmkUuid);
  const dataKey = ctx.random.bytes(dataKeyLength(req));
  try {
    const sealed = await sealUnder(ctx, key, dataKey, req.encryptionContext);
    ctx.detail = { wrappingAlgorithm: req.wrappingAlgorithm, numberOfBytes: dataKey.length };
    return { ...sealed, exportedDataKey: wrapFor(ctx, req.wrappingAlgorithm, pk, dataKey) };
  } finally {
    dataKey.fill(0);
  }
}
