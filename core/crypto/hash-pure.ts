/**
 * Pure-JS hashes and HMACs: SHA-1/SHA-256 from @noble/hashes (FIPS 180-4, RFC 2104),
 * SM3 and HMAC-SM3 from sm-crypto-v2 (GM/T 0004-2012, GM/T 0042-2015).
 */
import { sha1 } from '@noble/hashes/legacy';
import { sha256 } from '@noble/hashes/sha2';
import { hmac } from '@noble/hashes/hmac';
import { sm3 as sm3Hex } from 'sm-crypto-v2';
import type { HashName, HmacName } from './types.ts';
import { hexToBytes } from './bytes.ts';
import { missingCase } from '../api/errors.ts';

export function sm3(data: Uint8Array): Uint8Array {
  return hexToBytes(sm3Hex(new Uint8Array(data)));
}

export function digestPure(alg: HashName, data: Uint8Array): Uint8Array {
  switch (alg) {
    case 'SHA-1':
      return sha1(data);
    case 'SHA-256':
      return sha256(data);
    case 'SM3':
      return sm3(data);
    default:
      return missingCase(alg);
  }
}

export function hmacPure(alg: HmacName, key: Uint8Array, data: Uint8Array): Uint8Array {
  switch (alg) {
    case 'SHA-256':
      return hmac(sha256, key, data);
    case 'SM3':
      return hexToBytes(sm3Hex(new Uint8Array(data), { key: new Uint8Array(key), mode: 'hmac' }));
    default:
      return missingCase(alg);
  }
}
