/**
 * GCM (NIST SP 800-38D) over any 128-bit block cipher given as an ECB function, with
 * GHASH from @noble/ciphers. Used for SM4-GCM in both suites (node has no sm4-gcm; it has
 * sm4-ecb) and for AES-GCM with IVs shorter than noble's 8-byte minimum. Any IV length
 * of 1 byte or more is accepted, as the standard allows; the tag is always 16 bytes.
 */
import { ghash } from '@noble/ciphers/_polyval';
import { KwError } from '../api/errors.ts';
import { equalBytes, wipe } from './bytes.ts';

/** Encrypts whole 16-byte blocks independently (ECB, no padding). */
export type EcbEncrypt = (blocks: Uint8Array) => Uint8Array;

const TAG_LEN = 16;

function lengthBlock(aBytes: number, cBytes: number): Uint8Array {
  const out = new Uint8Array(16);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(aBytes) * 8n);
  view.setBigUint64(8, BigInt(cBytes) * 8n);
  return out;
}

/** noble's GHASH reads 32-bit words, so inputs must be aligned: always hand it fresh copies. */
const aligned = (b: Uint8Array): Uint8Array => new Uint8Array(b);

function counterZero(H: Uint8Array, iv: Uint8Array): Uint8Array {
  if (iv.length === 12) {
    const j0 = new Uint8Array(16);
    j0.set(iv);
    j0[15] = 1;
    return j0;
  }
  return ghash.create(H).update(aligned(iv)).update(lengthBlock(0, iv.length)).digest();
}

/** Keystream: E(J0) followed by E(inc32^i(J0)) for i = 1..blocks; inc32 wraps mod 2^32. */
function keystream(enc: EcbEncrypt, j0: Uint8Array, dataLen: number): Uint8Array {
  const blocks = Math.ceil(dataLen / 16);
  const counters = new Uint8Array(16 * (blocks + 1));
  const view = new DataView(counters.buffer);
  const base = new DataView(j0.buffer, j0.byteOffset, 16).getUint32(12);
  for (let i = 0; i <= blocks; i++) {
    counters.set(j0.subarray(0, 12), i * 16);
    view.setUint32(i * 16 + 12, (base + i) >>> 0);
  }
  const ks = enc(counters);
  wipe(counters);
  return ks;
}

function computeTag(H: Uint8Array, mask: Uint8Array, aad: Uint8Array, ct: Uint8Array): Uint8Array {
  const s = ghash.create(H).update(aligned(aad)).update(aligned(ct)).update(lengthBlock(aad.length, ct.length)).digest();
  for (let i = 0; i < 16; i++) s[i]! ^= mask[i]!;
  return s;
}

function checkIv(iv: Uint8Array): void {
  if (iv.length === 0) throw new KwError('InvalidParameter', 'GCM IV must not be empty');
}

export function gcmSeal(enc: EcbEncrypt, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  checkIv(iv);
  const H = enc(new Uint8Array(16));
  const ks = keystream(enc, counterZero(H, iv), plaintext.length);
  const out = new Uint8Array(plaintext.length + TAG_LEN);
  for (let i = 0; i < plaintext.length; i++) out[i] = plaintext[i]! ^ ks[16 + i]!;
  out.set(computeTag(H, ks.subarray(0, 16), aad, out.subarray(0, plaintext.length)), plaintext.length);
  wipe(H, ks);
  return out;
}

export function gcmOpen(enc: EcbEncrypt, iv: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array {
  checkIv(iv);
  if (sealed.length < TAG_LEN) throw new KwError('InvalidCiphertext', 'ciphertext is not valid');
  const ct = sealed.subarray(0, sealed.length - TAG_LEN);
  const H = enc(new Uint8Array(16));
  const ks = keystream(enc, counterZero(H, iv), ct.length);
  const tag = computeTag(H, ks.subarray(0, 16), aad, ct);
  const ok = equalBytes(tag, sealed.subarray(ct.length));
  if (!ok) {
    wipe(H, ks);
    throw new KwError('InvalidCiphertext', 'ciphertext is not valid');
  }
  const pt = new Uint8Array(ct.length);
  for (let i = 0; i < ct.length; i++) pt[i] = ct[i]! ^ ks[16 + i]!;
  wipe(H, ks);
  return pt;
}
