/**
 * GCM (NIST SP 800-38D) over any 128-bit block cipher, with the table GHASH of
 * ghash-tables.ts. Used for SM4-GCM in both suites (node has sm4-ctr and sm4-ecb but no
 * sm4-gcm) and for AES-GCM with IVs outside what noble or OpenSSL accept. Any IV length of
 * 1 byte or more is accepted, as the standard allows; the tag is always 16 bytes.
 */
import { KwError } from '../api/errors.ts';
import { equalBytes, wipe } from './bytes.ts';
import { ghashAC } from './ghash-tables.ts';

/** Encrypts whole 16-byte blocks independently (ECB, no padding). */
export type EcbEncrypt = (blocks: Uint8Array) => Uint8Array;

/** What GCM needs of a block cipher under one key. */
export interface GcmCipher {
  /** E_K(block) for one 16-byte block. */
  encryptBlock(block: Uint8Array): Uint8Array;
  /** input ⊕ (E_K(cb), E_K(inc32(cb)), …): GCTR of §6.5, inc32 wrapping mod 2^32. */
  ctr32(counter: Uint8Array, input: Uint8Array): Uint8Array;
}

const TAG_LEN = 16;

/** inc32 applied n times (n ≥ 0). */
export function inc32(counter: Uint8Array, n = 1): Uint8Array {
  const out = counter.slice(0, 16);
  const view = new DataView(out.buffer);
  view.setUint32(12, (view.getUint32(12) + n) >>> 0);
  return out;
}

/** A GcmCipher from an ECB function: counters are laid out and encrypted in one call. */
export function gcmCipherFromEcb(enc: EcbEncrypt): GcmCipher {
  return {
    encryptBlock: (block) => enc(block),
    ctr32(counter, input) {
      const blocks = Math.ceil(input.length / 16);
      const counters = new Uint8Array(16 * blocks);
      const view = new DataView(counters.buffer);
      const base = new DataView(counter.buffer, counter.byteOffset, 16).getUint32(12);
      for (let i = 0; i < blocks; i++) {
        counters.set(counter.subarray(0, 12), i * 16);
        view.setUint32(i * 16 + 12, (base + i) >>> 0);
      }
      const ks = enc(counters);
      const out = new Uint8Array(input.length);
      for (let i = 0; i < input.length; i++) out[i] = input[i]! ^ ks[i]!;
      wipe(counters, ks);
      return out;
    },
  };
}

function counterZero(H: Uint8Array, iv: Uint8Array): Uint8Array {
  if (iv.length === 12) {
    const j0 = new Uint8Array(16);
    j0.set(iv);
    j0[15] = 1;
    return j0;
  }
  return ghashAC(H, new Uint8Array(0), iv);
}

/** The tag's mask E_K(J0) and the first data counter inc32(J0). */
function start(cipher: GcmCipher, iv: Uint8Array): { H: Uint8Array; mask: Uint8Array; first: Uint8Array } {
  const H = cipher.encryptBlock(new Uint8Array(16));
  const j0 = counterZero(H, iv);
  return { H, mask: cipher.encryptBlock(j0), first: inc32(j0) };
}

function tagOf(H: Uint8Array, mask: Uint8Array, aad: Uint8Array, ct: Uint8Array): Uint8Array {
  const s = ghashAC(H, aad, ct);
  for (let i = 0; i < 16; i++) s[i]! ^= mask[i]!;
  return s;
}

function checkIv(iv: Uint8Array): void {
  if (iv.length === 0) throw new KwError('InvalidParameter', 'GCM IV must not be empty');
}

export function gcmSeal(cipher: GcmCipher, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  checkIv(iv);
  const { H, mask, first } = start(cipher, iv);
  const ct = cipher.ctr32(first, plaintext);
  const out = new Uint8Array(plaintext.length + TAG_LEN);
  out.set(ct);
  out.set(tagOf(H, mask, aad, ct), plaintext.length);
  wipe(H, mask);
  return out;
}

export function gcmOpen(cipher: GcmCipher, iv: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array {
  checkIv(iv);
  if (sealed.length < TAG_LEN) throw new KwError('InvalidCiphertext', 'ciphertext is not valid');
  const { H, mask, first } = start(cipher, iv);
  const ct = sealed.subarray(0, sealed.length - TAG_LEN);
  const ok = equalBytes(tagOf(H, mask, aad, ct), sealed.subarray(ct.length));
  wipe(H, mask);
  if (!ok) throw new KwError('InvalidCiphertext', 'ciphertext is not valid');
  return cipher.ctr32(first, ct);
}
