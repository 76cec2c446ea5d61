/**
 * RSA encoding methods of PKCS #1 v2.2 (RFC 8017) on top of a raw RSA primitive, shared
 * by both suites wherever node:crypto cannot do the whole job: EMSA-PKCS1-v1_5 (§9.2),
 * EMSA-PSS (§9.1), EME-OAEP with separate MGF1 hash and label (§7.1) and EME-PKCS1-v1_5
 * decoding (§7.2.2). Decoders never say which check failed, and run their checks
 * without early exits on secret data.
 */
import { randomBytes } from 'node:crypto';
import { sha1 } from '@noble/hashes/legacy';
import { sha256 } from '@noble/hashes/sha2';
import { KwError } from '../api/errors.ts';
import { concatBytes, equalBytes, wipe } from './bytes.ts';

export type RsaHash = 'SHA-1' | 'SHA-256';
const HASHES: Record<RsaHash, (m: Uint8Array) => Uint8Array> = { 'SHA-1': sha1, 'SHA-256': sha256 };
export const hashLength = (h: RsaHash): number => (h === 'SHA-1' ? 20 : 32);
export const rsaHash = (h: RsaHash, m: Uint8Array): Uint8Array => HASHES[h](m);

/** DER DigestInfo prefixes, RFC 8017 §9.2 note 1. */
const DIGEST_INFO_PREFIX: Record<RsaHash, Uint8Array> = {
  'SHA-1': Uint8Array.from([0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14]),
  'SHA-256': Uint8Array.from([0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20]),
};

const invalidCiphertext = (): KwError => new KwError('InvalidCiphertext', 'ciphertext is not valid');

/** EMSA-PKCS1-v1_5: 00 01 FF.. 00 DigestInfo, exactly k bytes. */
export function emsaPkcs1v15(hash: RsaHash, digest: Uint8Array, k: number): Uint8Array {
  const t = concatBytes(DIGEST_INFO_PREFIX[hash], digest);
  if (k < t.length + 11) throw new KwError('InvalidParameter', 'RSA modulus too short');
  const em = new Uint8Array(k).fill(0xff);
  em[0] = 0;
  em[1] = 1;
  em[k - t.length - 1] = 0;
  em.set(t, k - t.length);
  return em;
}

export function mgf1(hash: RsaHash, seed: Uint8Array, len: number): Uint8Array {
  const out = new Uint8Array(len);
  const counter = new Uint8Array(4);
  const hLen = hashLength(hash);
  for (let i = 0, off = 0; off < len; i++, off += hLen) {
    new DataView(counter.buffer).setUint32(0, i);
    out.set(rsaHash(hash, concatBytes(seed, counter)).subarray(0, Math.min(hLen, len - off)), off);
  }
  return out;
}

/** EMSA-PSS-ENCODE with MGF1 over the same hash; emBits = modBits - 1. */
export function emsaPssEncode(hash: RsaHash, mHash: Uint8Array, emBits: number, saltLen: number): Uint8Array {
  const hLen = hashLength(hash);
  const emLen = Math.ceil(emBits / 8);
  if (emLen < hLen + saltLen + 2) throw new KwError('InvalidParameter', 'RSA modulus too short for PSS');
  const salt = randomBytes(saltLen);
  const h = rsaHash(hash, concatBytes(new Uint8Array(8), mHash, salt));
  const db = new Uint8Array(emLen - hLen - 1);
  db[emLen - saltLen - hLen - 2] = 1;
  db.set(salt, emLen - saltLen - hLen - 1);
  const mask = mgf1(hash, h, db.length);
  for (let i = 0; i < db.length; i++) db[i]! ^= mask[i]!;
  db[0]! &= 0xff >> (8 * emLen - emBits);
  return concatBytes(db, h, Uint8Array.of(0xbc));
}

/**
 * EMSA-PSS-VERIFY; em is exactly ceil(emBits/8) bytes. With saltLen 'auto' the salt
 * length is read from the encoding itself — the zero padding ends at the 0x01 byte and
 * the rest of DB is the salt — as OpenSSL's RSA_PSS_SALTLEN_AUTO does; H still binds the
 * message and that salt, so a recovered length cannot make a forged encoding verify.
 */
export function emsaPssVerify(hash: RsaHash, mHash: Uint8Array, em: Uint8Array, emBits: number, saltLen: number | 'auto'): boolean {
  const hLen = hashLength(hash);
  const emLen = Math.ceil(emBits / 8);
  if (em.length !== emLen || emLen < hLen + (saltLen === 'auto' ? 0 : saltLen) + 2) return false;
  if (em[emLen - 1] !== 0xbc) return false;
  const maskedDb = em.subarray(0, emLen - hLen - 1);
  const h = em.subarray(emLen - hLen - 1, emLen - 1);
  const topMask = 0xff << (8 - (8 * emLen - emBits)) & 0xff;
  if (maskedDb[0]! & topMask) return false;
  const db = mgf1(hash, h, maskedDb.length);
  for (let i = 0; i < db.length; i++) db[i]! ^= maskedDb[i]!;
  db[0]! &= ~topMask & 0xff;
  const psLen = saltLen === 'auto' ? db.findIndex((b) => b !== 0) : emLen - hLen - saltLen - 2;
  if (psLen < 0) return false;
  for (let i = 0; i < psLen; i++) if (db[i] !== 0) return false;
  if (db[psLen] !== 1) return false;
  const salt = db.subarray(psLen + 1);
  return equalBytes(rsaHash(hash, concatBytes(new Uint8Array(8), mHash, salt)), h);
}

export interface OaepOptions {
  hash: RsaHash;
  mgf1Hash: RsaHash;
  label?: Uint8Array;
}

/** EME-OAEP encoding to k bytes (leading 00 included). */
export function oaepEncode(k: number, opts: OaepOptions, msg: Uint8Array): Uint8Array {
  const hLen = hashLength(opts.hash);
  if (msg.length > k - 2 * hLen - 2) throw new KwError('InvalidParameter', 'message too long for RSA-OAEP');
  const lHash = rsaHash(opts.hash, opts.label ?? new Uint8Array(0));
  const db = new Uint8Array(k - hLen - 1);
  db.set(lHash);
  db[db.length - msg.length - 1] = 1;
  db.set(msg, db.length - msg.length);
  const seed = randomBytes(hLen);
  const dbMask = mgf1(opts.mgf1Hash, seed, db.length);
  for (let i = 0; i < db.length; i++) db[i]! ^= dbMask[i]!;
  const seedMask = mgf1(opts.mgf1Hash, db, hLen);
  for (let i = 0; i < hLen; i++) seed[i]! ^= seedMask[i]!;
  const em = concatBytes(Uint8Array.of(0), seed, db);
  wipe(seed, dbMask);
  return em;
}

/** EME-OAEP decoding of a k-byte block; one error for every failure. */
export function oaepDecode(em: Uint8Array, opts: OaepOptions): Uint8Array {
  const k = em.length;
  const hLen = hashLength(opts.hash);
  if (k < 2 * hLen + 2) throw invalidCiphertext();
  const lHash = rsaHash(opts.hash, opts.label ?? new Uint8Array(0));
  const seed = em.slice(1, 1 + hLen);
  const db = em.slice(1 + hLen);
  const seedMask = mgf1(opts.mgf1Hash, db, hLen);
  for (let i = 0; i < hLen; i++) seed[i]! ^= seedMask[i]!;
  const dbMask = mgf1(opts.mgf1Hash, seed, db.length);
  for (let i = 0; i < db.length; i++) db[i]! ^= dbMask[i]!;
  // Scan the whole block, folding every check into one flag.
  let bad = em[0]!;
  for (let i = 0; i < hLen; i++) bad |= db[i]! ^ lHash[i]!;
  let found = 0;
  let sepIndex = 0;
  for (let i = hLen; i < db.length; i++) {
    const b = db[i]!;
    const isOne = Number(b === 1) & (found ^ 1);
    const isNonZero = Number(b !== 0);
    sepIndex |= isOne * i;
    bad |= (found ^ 1) & isNonZero & (isOne ^ 1);
    found |= isOne;
  }
  bad |= found ^ 1;
  const msg = db.slice(sepIndex + 1);
  wipe(seed, db, dbMask);
  if (bad !== 0) {
    wipe(msg);
    throw invalidCiphertext();
  }
  return msg;
}

/** EME-PKCS1-v1_5 encoding: 00 02 PS(nonzero random, >= 8) 00 M. */
export function pkcs1v15EncryptEncode(k: number, msg: Uint8Array): Uint8Array {
  if (msg.length > k - 11) throw new KwError('InvalidParameter', 'message too long for RSA PKCS#1 v1.5');
  const em = new Uint8Array(k);
  em[1] = 2;
  const psLen = k - msg.length - 3;
  let filled = 0;
  while (filled < psLen) {
    for (const b of randomBytes(psLen)) if (b !== 0 && filled < psLen) em[2 + filled++] = b;
  }
  em.set(msg, k - msg.length);
  return em;
}

/** EME-PKCS1-v1_5 decoding of a k-byte block; one error for every failure. */
export function pkcs1v15EncryptDecode(em: Uint8Array): Uint8Array {
  const k = em.length;
  let bad = em[0]! | (em[1]! ^ 2);
  let found = 0;
  let sepIndex = 0;
  for (let i = 2; i < k; i++) {
    const isZero = Number(em[i] === 0) & (found ^ 1);
    sepIndex |= isZero * i;
    found |= isZero;
  }
  bad |= found ^ 1;
  bad |= Number(sepIndex < 10); // at least 8 bytes of padding string
  const msg = em.slice(sepIndex + 1);
  if (bad !== 0) {
    wipe(msg);
    throw invalidCiphertext();
  }
  return msg;
}
