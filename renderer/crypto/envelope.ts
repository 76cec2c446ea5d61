/**
 * File envelope encryption in the renderer with Web Crypto, for files of any size: the
 * file is read and sealed in chunks (AES-256-GCM, NIST SP 800-38D) under a data key
 * from generateDataKey; only the CMK-encrypted data key is stored, in the header.
 *
 * Layout: "KWENV1" | u32 header length | header JSON | chunks, each
 *   u32 sealed length | 12-byte random IV | ciphertext with 16-byte tag.
 * Each chunk's AAD is SHA-256(header) | u32 index | u8 final, so chunks cannot be
 * reordered, moved between files, dropped from the end or appended to.
 */

export const ENVELOPE_MAGIC = 'KWENV1';
export const DEFAULT_CHUNK_BYTES = 1024 * 1024;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface EnvelopeHeader {
  v: 1;
  alg: 'AES-256-GCM';
  chunkSize: number;
  size: number;
  cmkUuid: string;
  keyVersionId: string;
  ciphertextBlob: string;
}

export interface DataKeySource {
  /** A fresh 32-byte data key and its CMK-encrypted form. */
  generate(): Promise<{ plaintext: Uint8Array; ciphertextBlob: string; cmkUuid: string; keyVersionId: string }>;
  /** The data key back from its encrypted form. */
  unwrap(ciphertextBlob: string): Promise<Uint8Array>;
}

export interface EnvelopeOptions {
  chunkSize?: number;
  signal?: AbortSignal;
  onProgress?: (doneBytes: number, totalBytes: number) => void;
}

export class EnvelopeError extends Error {
  constructor(
    readonly reason: 'badFile' | 'tampered' | 'cancelled',
    readonly chunkIndex: number | null = null,
  ) {
    super(reason);
  }
}

async function importKey(raw: Uint8Array): Promise<CryptoKey> {
  try {
    if (raw.length !== 32) throw new EnvelopeError('badFile');
    return await crypto.subtle.importKey('raw', raw as BufferSource, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
  } finally {
    raw.fill(0);
  }
}

function aad(headerHash: Uint8Array, index: number, final: boolean): Uint8Array {
  const a = new Uint8Array(headerHash.length + 5);
  a.set(headerHash);
  new DataView(a.buffer).setUint32(headerHash.length, index);
  a[headerHash.length + 4] = final ? 1 : 0;
  return a;
}

function u32(n: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(new ArrayBuffer(4));
  new DataView(b.buffer).setUint32(0, n);
  return b;
}

function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw new EnvelopeError('cancelled');
}

export async function encryptEnvelope(file: Blob, keys: DataKeySource, o: EnvelopeOptions = {}): Promise<Blob> {
  const chunkSize = o.chunkSize ?? DEFAULT_CHUNK_BYTES;
  const dk = await keys.generate();
  const key = await importKey(dk.plaintext);
  const header: EnvelopeHeader = { v: 1, alg: 'AES-256-GCM', chunkSize, size: file.size, cmkUuid: dk.cmkUuid, keyVersionId: dk.keyVersionId, ciphertextBlob: dk.ciphertextBlob };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const headerHash = new Uint8Array(await crypto.subtle.digest('SHA-256', headerBytes));
  const parts: BlobPart[] = [new TextEncoder().encode(ENVELOPE_MAGIC), u32(headerBytes.length), headerBytes];
  const count = Math.max(1, Math.ceil(file.size / chunkSize));
  for (let i = 0; i < count; i++) {
    checkAbort(o.signal);
    const plain = new Uint8Array(await file.slice(i * chunkSize, Math.min(file.size, (i + 1) * chunkSize)).arrayBuffer());
    const iv = crypto.getRandomValues(new Uint8Array(new ArrayBuffer(IV_BYTES)));
    const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad(headerHash, i, i === count - 1) as BufferSource }, key, plain));
    plain.fill(0);
    parts.push(u32(sealed.length), iv, sealed);
    o.onProgress?.(Math.min(file.size, (i + 1) * chunkSize), file.size);
  }
  return new Blob(parts, { type: 'application/octet-stream' });
}

async function readBytes(file: Blob, at: number, n: number): Promise<Uint8Array> {
  if (at + n > file.size) throw new EnvelopeError('badFile');
  return new Uint8Array(await file.slice(at, at + n).arrayBuffer());
}

export async function readEnvelopeHeader(file: Blob): Promise<{ header: EnvelopeHeader; headerBytes: Uint8Array; offset: number }> {
  const magic = new TextDecoder().decode(await readBytes(file, 0, ENVELOPE_MAGIC.length));
  if (magic !== ENVELOPE_MAGIC) throw new EnvelopeError('badFile');
  const len = new DataView((await readBytes(file, 6, 4)).buffer).getUint32(0);
  if (len > 64 * 1024) throw new EnvelopeError('badFile');
  const headerBytes = await readBytes(file, 10, len);
  let header: EnvelopeHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(headerBytes)) as EnvelopeHeader;
  } catch {
    throw new EnvelopeError('badFile');
  }
  if (header.v !== 1 || header.alg !== 'AES-256-GCM' || !(header.chunkSize > 0) || typeof header.ciphertextBlob !== 'string') throw new EnvelopeError('badFile');
  return { header, headerBytes, offset: 10 + len };
}

export async function decryptEnvelope(file: Blob, keys: DataKeySource, o: EnvelopeOptions = {}): Promise<{ blob: Blob; header: EnvelopeHeader }> {
  const { header, headerBytes, offset: start } = await readEnvelopeHeader(file);
  const key = await importKey(await keys.unwrap(header.ciphertextBlob));
  const headerHash = new Uint8Array(await crypto.subtle.digest('SHA-256', headerBytes as BufferSource));
  const count = Math.max(1, Math.ceil(header.size / header.chunkSize));
  const parts: BlobPart[] = [];
  let offset = start;
  let done = 0;
  for (let i = 0; i < count; i++) {
    checkAbort(o.signal);
    const len = new DataView((await readBytes(file, offset, 4)).buffer).getUint32(0);
    if (len < TAG_BYTES || len > header.chunkSize + TAG_BYTES) throw new EnvelopeError('tampered', i);
    const iv = await readBytes(file, offset + 4, IV_BYTES);
    const sealed = await readBytes(file, offset + 4 + IV_BYTES, len);
    offset += 4 + IV_BYTES + len;
    let plain: ArrayBuffer;
    try {
      plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: iv as BufferSource, additionalData: aad(headerHash, i, i === count - 1) as BufferSource }, key, sealed as BufferSource);
    } catch {
      throw new EnvelopeError('tampered', i);
    }
    done += plain.byteLength;
    parts.push(plain);
    o.onProgress?.(offset, file.size);
  }
  if (offset !== file.size || done !== header.size) throw new EnvelopeError('tampered', count);
  return { blob: new Blob(parts, { type: 'application/octet-stream' }), header };
}
