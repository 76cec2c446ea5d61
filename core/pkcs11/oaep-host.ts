/**
 * RSA-OAEP padding (RFC 8017 §7.1) done in the worker around a raw RSA operation on
 * the token, for tokens whose CKM_RSA_PKCS_OAEP accepts only SHA-1 (SoftHSM2 2.6
 * answers CKR_ARGUMENTS_BAD for SHA-256). The private key stays on the token; only
 * the padding is removed here, by the crypto layer's EME-OAEP decoder (checked against
 * the Wycheproof OAEP vectors, one error for every failure, no early exit on secrets).
 */
import { KwError } from '../api/errors.ts';
import { oaepDecode as emeOaepDecode, type RsaHash } from '../crypto/rsa-padding.ts';
import type { OaepAlgorithm } from './protocol.ts';

const HASH: Record<OaepAlgorithm, RsaHash> = { RSAES_OAEP_SHA_256: 'SHA-256', RSAES_OAEP_SHA_1: 'SHA-1' };

/** Removes OAEP padding (hash = MGF1 hash, empty label) from the token's raw RSA output. */
export function oaepDecode(alg: OaepAlgorithm, modulus: Uint8Array, block: Uint8Array): Uint8Array {
  const em = leftPad(block, modulusBytes(modulus));
  try {
    return emeOaepDecode(em, { hash: HASH[alg], mgf1Hash: HASH[alg] });
  } finally {
    em.fill(0);
  }
}

export function modulusBytes(modulus: Uint8Array): number {
  let start = 0;
  while (start < modulus.length && modulus[start] === 0) start++;
  return modulus.length - start;
}

/** Raw RSA output may drop leading zero bytes (v2.40 leaves it to the token). */
export function leftPad(block: Uint8Array, k: number): Uint8Array {
  if (block.length > k) throw new KwError('InvalidCiphertext', 'RSA block longer than the modulus');
  const out = new Uint8Array(k);
  out.set(block, k - block.length);
  return out;
}
