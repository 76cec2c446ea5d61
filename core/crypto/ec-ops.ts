/**
 * Key-level EC operations in pure JS, shared by both suites: SM2 (always; see sm2.ts for
 * why) and ECDSA P-256 via @noble/curves (the pure suite, and the openssl suite for
 * pre-hashed input, which node:crypto cannot sign). Keys arrive as PKCS#8 / SPKI DER.
 * Signing nonces are RFC 6979 hedged with 32 bytes from randomBytes (P-256) or drawn from
 * randomBytes (SM2).
 */
import { randomBytes } from 'node:crypto';
import { p256 } from '@noble/curves/nist';
import { mapHashToField } from '@noble/curves/abstract/modular';
import { sha256 } from '@noble/hashes/sha2';
import { KwError } from '../api/errors.ts';
import { bigIntToBytes, bytesToBigInt, equalBytes, wipe } from './bytes.ts';
import { seq, uint } from './der.ts';
import { decodeEcPkcs8, decodeEcSpki, encodeEcPkcs8, encodeEcSpki, type EcCurve } from './ec-keys.ts';
import * as sm2 from './sm2.ts';
import type { KeyPairDer, MessageType } from './types.ts';

const P256_N = p256.CURVE.n;

/** Checks that a caller-supplied digest has the hash's length. */
export function checkDigestInput(input: Uint8Array, messageType: MessageType, len: number): void {
  if (messageType === 'DIGEST' && input.length !== len) {
    throw new KwError('InvalidParameter', `digest must be ${len} bytes`, { actual: input.length });
  }
}

/**
 * Reads the scalar of an EC PKCS#8 key. With `checked`, any embedded public key must match
 * the scalar (one extra scalar multiplication). Signing skips that: a mismatched embedded
 * key only yields signatures that fail to verify, and publicKeyOf / the pairwise check
 * catch such keys at import. The embedded point is still validated as a curve point.
 */
function privateScalar(pkcs8: Uint8Array, curve: EcCurve, checked = true): { d: Uint8Array; publicPoint: Uint8Array } {
  const { d, publicPoint } = decodeEcPkcs8(pkcs8, curve);
  if (publicPoint && !checked) {
    if (curve === 'SM2') {
      sm2.sm2CheckPrivateKey(d);
      sm2.sm2ParsePoint(publicPoint);
    }
    return { d, publicPoint };
  }
  const derived = curve === 'SM2' ? sm2.sm2PublicFromPrivate(d) : p256PublicFromScalar(d);
  if (publicPoint && !equalBytes(publicPoint, derived)) {
    wipe(d);
    throw new KwError('InvalidKeyMaterial', 'embedded public key does not match the private key');
  }
  return { d, publicPoint: derived };
}

function p256PublicFromScalar(d: Uint8Array): Uint8Array {
  const v = bytesToBigInt(d);
  if (v < 1n || v >= P256_N) throw new KwError('InvalidKeyMaterial', 'P-256 private key out of range');
  return p256.getPublicKey(d, false);
}

export function ecGenerate(curve: EcCurve): KeyPairDer {
  let d: Uint8Array;
  if (curve === 'SM2') d = sm2.sm2GeneratePrivateKey();
  else {
    const seed = randomBytes(48);
    d = mapHashToField(seed, P256_N);
    wipe(seed);
  }
  const pub = curve === 'SM2' ? sm2.sm2PublicFromPrivate(d) : p256PublicFromScalar(d);
  const out = { privateKey: encodeEcPkcs8(curve, d, pub), publicKey: encodeEcSpki(curve, pub) };
  wipe(d);
  return out;
}

export function ecPublicKeyOf(pkcs8: Uint8Array, curve: EcCurve): Uint8Array {
  const { d, publicPoint } = privateScalar(pkcs8, curve);
  wipe(d);
  return encodeEcSpki(curve, publicPoint);
}

/** An EC private key read from PKCS#8 once (scalar and public point), for repeated use. */
export interface EcPrivateKey {
  readonly curve: EcCurve;
  readonly d: Uint8Array;
  readonly publicPoint: Uint8Array;
}

/**
 * Reads an EC private key. `checked` (for keys kept for many operations) also proves the
 * embedded public key matches the scalar; a one-off signature skips that, as privateScalar says.
 */
export function ecLoadPrivate(pkcs8: Uint8Array, curve: EcCurve, checked: boolean): EcPrivateKey {
  const { d, publicPoint } = privateScalar(pkcs8, curve, checked);
  return { curve, d, publicPoint };
}

export function sm2Sign(pkcs8: Uint8Array, input: Uint8Array, messageType: MessageType, userId?: string): Uint8Array {
  checkDigestInput(input, messageType, 32);
  const { d, publicPoint } = privateScalar(pkcs8, 'SM2', false);
  try {
    return sm2SignWith({ curve: 'SM2', d, publicPoint }, input, messageType, userId);
  } finally {
    wipe(d);
  }
}

export function sm2SignWith(key: EcPrivateKey, input: Uint8Array, messageType: MessageType, userId?: string): Uint8Array {
  checkDigestInput(input, messageType, 32);
  const e = messageType === 'DIGEST' ? input : sm2.sm2MessageDigest(key.publicPoint, input, userId);
  return sm2.sm2SignDigest(key.d, e);
}

export function sm2Verify(spki: Uint8Array, input: Uint8Array, messageType: MessageType, signature: Uint8Array, userId?: string): boolean {
  checkDigestInput(input, messageType, 32);
  const pub = decodeEcSpki(spki, 'SM2');
  sm2.sm2ParsePoint(pub);
  const e = messageType === 'DIGEST' ? input : sm2.sm2MessageDigest(pub, input, userId);
  return sm2.sm2VerifyDigest(pub, e, signature);
}

export function sm2EncryptDer(spki: Uint8Array, plaintext: Uint8Array): Uint8Array {
  return sm2.sm2Encrypt(decodeEcSpki(spki, 'SM2'), plaintext);
}

export function sm2DecryptDer(pkcs8: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const { d } = privateScalar(pkcs8, 'SM2');
  try {
    return sm2.sm2Decrypt(d, ciphertext);
  } finally {
    wipe(d);
  }
}

export function sm2DecryptWith(key: EcPrivateKey, ciphertext: Uint8Array): Uint8Array {
  return sm2.sm2Decrypt(key.d, ciphertext);
}

export function p256Sign(pkcs8: Uint8Array, input: Uint8Array, messageType: MessageType): Uint8Array {
  checkDigestInput(input, messageType, 32);
  const { d, publicPoint } = privateScalar(pkcs8, 'P-256');
  try {
    return p256SignWith({ curve: 'P-256', d, publicPoint }, input, messageType);
  } finally {
    wipe(d);
  }
}

export function p256SignWith(key: EcPrivateKey, input: Uint8Array, messageType: MessageType): Uint8Array {
  checkDigestInput(input, messageType, 32);
  const entropy = randomBytes(32);
  try {
    const digest = messageType === 'DIGEST' ? input : sha256(input);
    const sig = p256.sign(digest, key.d, { lowS: false, prehash: false, extraEntropy: entropy });
    return seq(uint(bigIntToBytes(sig.r, 32)), uint(bigIntToBytes(sig.s, 32)));
  } finally {
    wipe(entropy);
  }
}

/** Strict DER only (sm2.parseDerSignature rejects BER and trailing bytes); high S is valid for P-256. */
export function p256Verify(spki: Uint8Array, input: Uint8Array, messageType: MessageType, signature: Uint8Array): boolean {
  checkDigestInput(input, messageType, 32);
  const pub = decodeEcSpki(spki, 'P-256');
  const sig = sm2.parseDerSignature(signature);
  if (!sig || sig.r < 1n || sig.r >= P256_N || sig.s < 1n || sig.s >= P256_N) return false;
  const compact = new Uint8Array(64);
  compact.set(bigIntToBytes(sig.r, 32));
  compact.set(bigIntToBytes(sig.s, 32), 32);
  const digest = messageType === 'DIGEST' ? input : sha256(input);
  try {
    return p256.verify(compact, digest, pub, { lowS: false, prehash: false, format: 'compact' });
  } catch {
    return false;
  }
}
