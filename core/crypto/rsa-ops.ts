/**
 * RSA schemes over a raw RSA primitive, so both suites share one audited set of encodings:
 * the pure suite plugs in node-forge's arithmetic, the openssl suite node:crypto's
 * RSA_NO_PADDING operations. Verification recomputes the full expected encoding and
 * compares it byte for byte (never parses the signer's DigestInfo).
 */
import { KwError, missingCase } from '../api/errors.ts';
import { wipe } from './bytes.ts';
import { checkDigestInput } from './ec-ops.ts';
import {
  emsaPkcs1v15, emsaPssEncode, emsaPssVerify, oaepDecode, oaepEncode, pkcs1v15EncryptDecode, pkcs1v15EncryptEncode, rsaHash,
} from './rsa-padding.ts';
import { modulusBits, modulusBytes, rsaRawPrivate, rsaRawPublic, type ForgePrivateKey, type ForgePublicKey } from './rsa-pure.ts';
import type { AsymEncryptAlgorithm, MessageType, OaepParams, SignAlgorithm } from './types.ts';

/** A raw RSA operation on k-byte blocks; undefined when the input is not a valid k-byte value < n. */
export interface RsaRaw {
  readonly bits: number;
  readonly bytes: number;
  op(input: Uint8Array): Uint8Array | undefined;
}

export const forgeRaw = {
  publicKey: (key: ForgePublicKey): RsaRaw => ({ bits: modulusBits(key), bytes: modulusBytes(key), op: (x) => rsaRawPublic(key, x) }),
  privateKey: (key: ForgePrivateKey): RsaRaw => ({ bits: modulusBits(key), bytes: modulusBytes(key), op: (x) => rsaRawPrivate(key, x) }),
};

/**
 * PSS signatures are made with the digest length (32) as salt, as cloud KMSs and JCA use
 * for PSS-SHA256. Verification reads the salt length from the signature (OpenSSL's
 * saltlen:auto), so signatures made with OpenSSL's default (the maximum) verify too.
 */
export const PSS_SALT_LENGTH = 32;

type RsaSign = Extract<SignAlgorithm, 'RSA_PKCS1_SHA_256' | 'RSA_PSS_SHA_256'>;

function messageHash(input: Uint8Array, messageType: MessageType): Uint8Array {
  checkDigestInput(input, messageType, 32);
  return messageType === 'DIGEST' ? input : rsaHash('SHA-256', input);
}

/** Left-pads an encoded message to k bytes (PSS EM can be one byte short of k). */
function toBlock(em: Uint8Array, k: number): Uint8Array {
  if (em.length === k) return em;
  const out = new Uint8Array(k);
  out.set(em, k - em.length);
  return out;
}

export function rsaSignWith(alg: RsaSign, key: RsaRaw, input: Uint8Array, messageType: MessageType): Uint8Array {
  const h = messageHash(input, messageType);
  const em =
    alg === 'RSA_PKCS1_SHA_256' ? emsaPkcs1v15('SHA-256', h, key.bytes) : toBlock(emsaPssEncode('SHA-256', h, key.bits - 1, PSS_SALT_LENGTH), key.bytes);
  const sig = key.op(em);
  if (!sig) throw new KwError('InternalError', 'RSA signing failed');
  return sig;
}

export function rsaVerifyWith(alg: RsaSign, key: RsaRaw, input: Uint8Array, messageType: MessageType, signature: Uint8Array): boolean {
  const h = messageHash(input, messageType);
  const m = key.op(signature);
  if (!m) return false;
  if (alg === 'RSA_PKCS1_SHA_256') {
    const expected = emsaPkcs1v15('SHA-256', h, key.bytes);
    return Buffer.compare(m, expected) === 0;
  }
  const emBits = key.bits - 1;
  const emLen = Math.ceil(emBits / 8);
  // RFC 8017 §8.1.2 step 2c: I2OSP(m, emLen) fails when m has more bytes than emLen.
  for (let i = 0; i < m.length - emLen; i++) if (m[i] !== 0) return false;
  return emsaPssVerify('SHA-256', h, m.subarray(m.length - emLen), emBits, 'auto');
}

export function oaepParamsOf(alg: Exclude<AsymEncryptAlgorithm, 'SM2PKE' | 'RSAES_PKCS1_V1_5'>): OaepParams {
  return alg === 'RSAES_OAEP_SHA_256' ? { hash: 'SHA-256', mgf1Hash: 'SHA-256' } : { hash: 'SHA-1', mgf1Hash: 'SHA-1' };
}

export function rsaOaepEncryptWith(key: RsaRaw, params: OaepParams, plaintext: Uint8Array): Uint8Array {
  const em = oaepEncode(key.bytes, params, plaintext);
  const c = key.op(em);
  wipe(em);
  if (!c) throw new KwError('InternalError', 'RSA encryption failed');
  return c;
}

export function rsaOaepDecryptWith(key: RsaRaw, params: OaepParams, ciphertext: Uint8Array): Uint8Array {
  const em = key.op(ciphertext);
  if (!em) throw new KwError('InvalidCiphertext', 'ciphertext is not valid');
  try {
    return oaepDecode(em, params);
  } finally {
    wipe(em);
  }
}

export function rsaEncryptWith(alg: Exclude<AsymEncryptAlgorithm, 'SM2PKE'>, key: RsaRaw, plaintext: Uint8Array): Uint8Array {
  switch (alg) {
    case 'RSAES_OAEP_SHA_256':
    case 'RSAES_OAEP_SHA_1':
      return rsaOaepEncryptWith(key, oaepParamsOf(alg), plaintext);
    case 'RSAES_PKCS1_V1_5': {
      const em = pkcs1v15EncryptEncode(key.bytes, plaintext);
      const c = key.op(em);
      wipe(em);
      if (!c) throw new KwError('InternalError', 'RSA encryption failed');
      return c;
    }
    default:
      return missingCase(alg);
  }
}

export function rsaDecryptWith(alg: Exclude<AsymEncryptAlgorithm, 'SM2PKE'>, key: RsaRaw, ciphertext: Uint8Array): Uint8Array {
  switch (alg) {
    case 'RSAES_OAEP_SHA_256':
    case 'RSAES_OAEP_SHA_1':
      return rsaOaepDecryptWith(key, oaepParamsOf(alg), ciphertext);
    case 'RSAES_PKCS1_V1_5': {
      const em = key.op(ciphertext);
      if (!em) throw new KwError('InvalidCiphertext', 'ciphertext is not valid');
      try {
        return pkcs1v15EncryptDecode(em);
      } finally {
        wipe(em);
      }
    }
    default:
      return missingCase(alg);
  }
}
