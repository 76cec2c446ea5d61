/**
 * SM2 (GM/T 0003-2012, GB/T 32918) on @noble/curves point arithmetic with SM3: signatures
 * with the user-id Z value, public-key encryption with GM/T 0009 DER ciphertexts, and
 * helpers to convert to/from the raw C1C3C2 layout other tools use. Pure JS, so it runs
 * in both suites: node:crypto's SM2 signs with an empty user id and cannot export SEC1.
 * All randomness comes from node:crypto randomBytes.
 */
import { randomBytes } from 'node:crypto';
import { weierstrassN } from '@noble/curves/abstract/weierstrass';
import { invert, mapHashToField, mod } from '@noble/curves/abstract/modular';
import { kdf } from 'sm-crypto-v2';
import { KwError } from '../api/errors.ts';
import { bigIntToBytes, bytesToBigInt, concatBytes, equalBytes, utf8, wipe } from './bytes.ts';
import { DerReader, octetString, seq, TAG, uint } from './der.ts';
import { sm3 } from './hash-pure.ts';
import { baseMultiplier } from './sm2-base-mult.ts';
import { jointMultiplier } from './sm2-verify.ts';
import { SM2_DEFAULT_USER_ID } from './types.ts';

/** The recommended curve sm2p256v1, GM/T 0003.5-2012 §2. */
const CURVE = {
  p: 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn,
  a: 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn,
  b: 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n,
  n: 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n,
  Gx: 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n,
  Gy: 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n,
  h: 1n,
};
export const Sm2Point = weierstrassN(CURVE);
// k·G runs on a byte-window comb (sm2-base-mult.ts) with mixed Jacobian additions: about
// three times noble's complete-formula wNAF, with the same one-addition-per-window shape.
const base = baseMultiplier({ x: CURVE.Gx, y: CURVE.Gy }, CURVE.p);
type Point = InstanceType<typeof Sm2Point>;
const N = CURVE.n;
const joint = jointMultiplier(Sm2Point, CURVE.p, N);
const ZVALUE_PREFIX = concatBytes(...[CURVE.a, CURVE.b, CURVE.Gx, CURVE.Gy].map((v) => bigIntToBytes(v, 32)));

const invalidCiphertext = (): KwError => new KwError('InvalidCiphertext', 'ciphertext is not valid');

/** A uniform scalar in [1, upper-1] from 48 strong random bytes (bias < 2^-128). */
function randomScalarBelow(upper: bigint): bigint {
  const seed = randomBytes(48);
  const s = bytesToBigInt(mapHashToField(seed, upper));
  wipe(seed);
  return s;
}

/** Private keys are in [1, n-2] so that 1+d is invertible (GM/T 0003.1 §6.1). */
export function sm2GeneratePrivateKey(): Uint8Array {
  return bigIntToBytes(randomScalarBelow(N - 1n), 32);
}

export function sm2CheckPrivateKey(d: Uint8Array): bigint {
  const v = bytesToBigInt(d);
  if (d.length !== 32 || v < 1n || v > N - 2n) throw new KwError('InvalidKeyMaterial', 'SM2 private key out of range');
  return v;
}

/** Uncompressed public point 04||x||y of a 32-byte private scalar. */
export function sm2PublicFromPrivate(d: Uint8Array): Uint8Array {
  const { x, y } = base.multiply(sm2CheckPrivateKey(d));
  return concatBytes(Uint8Array.of(4), bigIntToBytes(x, 32), bigIntToBytes(y, 32));
}

/** Parses and validates an SEC1 point (on the curve, not infinity). */
export function sm2ParsePoint(pub: Uint8Array): Point {
  try {
    const p = Sm2Point.fromBytes(pub);
    p.assertValidity();
    return p;
  } catch {
    throw new KwError('InvalidPublicKey', 'not a point on the SM2 curve');
  }
}

/** Z = SM3(ENTL || ID || a || b || Gx || Gy || xA || yA), GM/T 0003.2 §5.5. */
export function sm2Z(publicPoint: Uint8Array, userId: string = SM2_DEFAULT_USER_ID): Uint8Array {
  const id = utf8(userId);
  if (id.length > 8191) throw new KwError('InvalidParameter', 'SM2 user id too long');
  const entl = Uint8Array.of((id.length * 8) >> 8, (id.length * 8) & 0xff);
  const xy = sm2ParsePoint(publicPoint).toBytes(false).subarray(1);
  return sm3(concatBytes(entl, id, ZVALUE_PREFIX, xy));
}

/** e = SM3(Z || M): what SM2 signs when handed a raw message. */
export function sm2MessageDigest(publicPoint: Uint8Array, message: Uint8Array, userId?: string): Uint8Array {
  return sm3(concatBytes(sm2Z(publicPoint, userId), message));
}

function signWithK(d: bigint, e: bigint, k: bigint): { r: bigint; s: bigint } | undefined {
  const x1 = base.multiply(k).x;
  const r = mod(e + x1, N);
  if (r === 0n || r + k === N) return undefined;
  const s = mod(invert(1n + d, N) * (k - r * d), N);
  return s === 0n ? undefined : { r, s };
}

function encodeSignature(r: bigint, s: bigint): Uint8Array {
  return seq(uint(bigIntToBytes(r, 32)), uint(bigIntToBytes(s, 32)));
}

/** Signs a 32-byte digest e; returns DER SEQUENCE { r, s } as OpenSSL writes it. */
export function sm2SignDigest(privateKey: Uint8Array, e: Uint8Array): Uint8Array {
  const d = sm2CheckPrivateKey(privateKey);
  const ev = bytesToBigInt(e);
  for (;;) {
    const sig = signWithK(d, ev, randomScalarBelow(N));
    if (sig) return encodeSignature(sig.r, sig.s);
  }
}

/** Strict DER parse of an SM2/ECDSA signature; undefined on any encoding fault. */
export function parseDerSignature(sig: Uint8Array): { r: bigint; s: bigint } | undefined {
  try {
    const outer = new DerReader(sig);
    const body = outer.readSeq();
    outer.end();
    const r = bytesToBigInt(body.readUint());
    const s = bytesToBigInt(body.readUint());
    body.end();
    return { r, s };
  } catch {
    return undefined;
  }
}

export function sm2VerifyDigest(publicPoint: Uint8Array, e: Uint8Array, signature: Uint8Array): boolean {
  const sig = parseDerSignature(signature);
  if (!sig) return false;
  const { r, s } = sig;
  if (r < 1n || r >= N || s < 1n || s >= N) return false;
  const t = mod(r + s, N);
  if (t === 0n) return false;
  const P = sm2ParsePoint(publicPoint);
  // (e + x1) mod n = r  ⟺  x1 ≡ r - e (mod n), with (x1, y1) = s·G + t·P.
  return joint.xEqualsModN(s, t, P, mod(r - bytesToBigInt(e), N));
}

function kdfBytes(z: Uint8Array, len: number): Uint8Array {
  return new Uint8Array(kdf(z, len));
}

/** SM2 public-key encryption, GM/T 0003.4 §6.1; returns GM/T 0009 DER. */
export function sm2Encrypt(publicPoint: Uint8Array, plaintext: Uint8Array): Uint8Array {
  if (plaintext.length === 0) throw new KwError('InvalidParameter', 'SM2 plaintext must not be empty');
  const P = sm2ParsePoint(publicPoint);
  for (;;) {
    const k = randomScalarBelow(N);
    const c1 = base.multiply(k);
    const shared = P.multiply(k).toBytes(false).subarray(1);
    const t = kdfBytes(shared, plaintext.length);
    if (t.every((b) => b === 0)) continue;
    const c2 = t.map((b, i) => b ^ plaintext[i]!);
    const c3 = sm3(concatBytes(shared.subarray(0, 32), plaintext, shared.subarray(32)));
    wipe(shared, t);
    return seq(uint(bigIntToBytes(c1.x, 32)), uint(bigIntToBytes(c1.y, 32)), octetString(c3), octetString(c2));
  }
}

export interface Sm2CiphertextParts {
  c1: Uint8Array; // 04||x||y
  c3: Uint8Array; // 32 bytes
  c2: Uint8Array;
}

/** Parses GM/T 0009 DER; throws KwError('InvalidCiphertext') on any fault. */
export function sm2ParseCiphertext(der: Uint8Array): Sm2CiphertextParts {
  try {
    const outer = new DerReader(der);
    const body = outer.readSeq();
    outer.end();
    const x = body.readUint();
    const y = body.readUint();
    const c3 = body.read(TAG.OCTET_STRING);
    const c2 = body.read(TAG.OCTET_STRING);
    body.end();
    if (x.length > 32 || y.length > 32 || c3.length !== 32 || c2.length === 0) throw invalidCiphertext();
    const c1 = concatBytes(Uint8Array.of(4), bigIntToBytes(bytesToBigInt(x), 32), bigIntToBytes(bytesToBigInt(y), 32));
    return { c1, c3: c3.slice(), c2: c2.slice() };
  } catch {
    throw invalidCiphertext();
  }
}

export function sm2Decrypt(privateKey: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const d = sm2CheckPrivateKey(privateKey);
  const { c1, c3, c2 } = sm2ParseCiphertext(ciphertext);
  let C1: Point;
  try {
    C1 = sm2ParsePoint(c1);
  } catch {
    throw invalidCiphertext();
  }
  const shared = C1.multiply(d).toBytes(false).subarray(1);
  const t = kdfBytes(shared, c2.length);
  const allZero = t.every((b) => b === 0);
  const m = c2.map((b, i) => b ^ t[i]!);
  const u = sm3(concatBytes(shared.subarray(0, 32), m, shared.subarray(32)));
  wipe(shared, t);
  if (allZero || !equalBytes(u, c3)) {
    wipe(m);
    throw invalidCiphertext();
  }
  return m;
}

/** GM/T 0009 DER → raw 04||x||y||C3||C2 (the C1C3C2 order of GM/T 0003-2012). */
export function sm2CiphertextToC1C3C2(der: Uint8Array): Uint8Array {
  const { c1, c3, c2 } = sm2ParseCiphertext(der);
  return concatBytes(c1, c3, c2);
}

/** Splits raw 04||x||y||rest; the 04 prefix is required so a C1 x starting with 04 is never misread. */
function splitRaw(raw: Uint8Array): { xy: Uint8Array; rest: Uint8Array } {
  if (raw[0] !== 4 || raw.length < 1 + 64 + 32 + 1) throw invalidCiphertext();
  return { xy: raw.subarray(1, 65), rest: raw.subarray(65) };
}

/** Raw 04||x||y||C3||C2 → GM/T 0009 DER. */
export function sm2CiphertextFromC1C3C2(raw: Uint8Array): Uint8Array {
  const { xy, rest } = splitRaw(raw);
  return seq(uint(xy.subarray(0, 32)), uint(xy.subarray(32)), octetString(rest.subarray(0, 32)), octetString(rest.subarray(32)));
}

/** Raw 04||x||y||C2||C3 (the 2010 draft order, sm-crypto cipherMode 0) → GM/T 0009 DER. */
export function sm2CiphertextFromC1C2C3(raw: Uint8Array): Uint8Array {
  const { xy, rest } = splitRaw(raw);
  const c2 = rest.subarray(0, rest.length - 32);
  const c3 = rest.subarray(rest.length - 32);
  return seq(uint(xy.subarray(0, 32)), uint(xy.subarray(32)), octetString(c3), octetString(c2));
}

/**
 * Entry points that take caller-chosen nonces: only for known-answer tests against the
 * GM/T worked examples. Never use outside self-tests.
 */
export const unsafe = {
  signDigestWithK(privateKey: Uint8Array, e: Uint8Array, k: Uint8Array): Uint8Array {
    const sig = signWithK(sm2CheckPrivateKey(privateKey), bytesToBigInt(e), bytesToBigInt(k));
    if (!sig) throw new KwError('InternalError', 'bad nonce');
    return encodeSignature(sig.r, sig.s);
  },
};
