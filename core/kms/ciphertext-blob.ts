/**
 * The ciphertext blob returned by encrypt and the data-key operations. It names the
 * key and version that made it, so decrypt needs no key id and rotation never breaks
 * old ciphertext.
 *
 *   offset  size  field
 *   0       2     magic 'KW'
 *   2       1     format version (1)
 *   3       1     algorithm (1 = AES-256-GCM, 2 = SM4-GCM)
 *   4       16    key id (UUID bytes)
 *   20      16    key version id (UUID bytes)
 *   36      12    IV
 *   48      n     ciphertext || 16-byte tag
 *
 * The AEAD's associated data is bytes 0..48 followed by the canonical JSON of the
 * encryption context, so changing the header or the context fails authentication.
 */
import { KwError } from '../api/errors.ts';
import { uuidFromBytes, uuidToBytes } from '../ports/index.ts';

export const BLOB_HEADER_BYTES = 48;
const MAGIC0 = 0x4b;
const MAGIC1 = 0x57;
const FORMAT = 1;

export type BlobAlgorithm = 'AES_256_GCM' | 'SM4_GCM';
const ALG_CODES: Record<BlobAlgorithm, number> = { AES_256_GCM: 1, SM4_GCM: 2 };

export interface ParsedBlob {
  header: Buffer;
  algorithm: BlobAlgorithm;
  keyId: string;
  versionId: string;
  iv: Buffer;
  sealed: Buffer;
}

export function blobHeader(algorithm: BlobAlgorithm, keyId: string, versionId: string, iv: Uint8Array): Buffer {
  const h = Buffer.alloc(BLOB_HEADER_BYTES);
  h[0] = MAGIC0;
  h[1] = MAGIC1;
  h[2] = FORMAT;
  h[3] = ALG_CODES[algorithm];
  uuidToBytes(keyId).copy(h, 4);
  uuidToBytes(versionId).copy(h, 20);
  Buffer.from(iv).copy(h, 36);
  return h;
}

export function parseBlob(blob: Buffer): ParsedBlob {
  if (blob.length < BLOB_HEADER_BYTES + 16 || blob[0] !== MAGIC0 || blob[1] !== MAGIC1 || blob[2] !== FORMAT) {
    throw new KwError('InvalidCiphertext', 'ciphertextBlob is not a Keywarden ciphertext');
  }
  const algorithm = blob[3] === 1 ? 'AES_256_GCM' : blob[3] === 2 ? 'SM4_GCM' : null;
  if (!algorithm) throw new KwError('InvalidCiphertext', 'ciphertextBlob names an unknown algorithm');
  return {
    header: blob.subarray(0, BLOB_HEADER_BYTES),
    algorithm,
    keyId: uuidFromBytes(blob.subarray(4, 20)),
    versionId: uuidFromBytes(blob.subarray(20, 36)),
    iv: blob.subarray(36, 48),
    sealed: blob.subarray(BLOB_HEADER_BYTES),
  };
}

/** Sorted keys, so the same context always gives the same bytes. */
export function canonicalContext(ctx: Record<string, string> | undefined): Buffer {
  if (!ctx || Object.keys(ctx).length === 0) return Buffer.alloc(0);
  const sorted = Object.keys(ctx)
    .sort()
    .map((k) => [k, ctx[k]]);
  return Buffer.from(JSON.stringify(sorted));
}

export function associatedData(header: Buffer, ctx: Record<string, string> | undefined): Buffer {
  return Buffer.concat([header, canonicalContext(ctx)]);
}
