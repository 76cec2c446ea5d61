/**
 * Wrapping and unwrapping key material under a public key, one function per direction
 * for every WrapScheme. Both directions go through the CryptoSuite port only (Electron's
 * BoringSSL lacks PKCS#1 v1.5 decryption, SM2 and AES-KWP; the suite covers them).
 */
import { KwError, missingCase } from '../api/errors.ts';
import type { CryptoSuite } from '../crypto/types.ts';
import type { Random } from '../ports/index.ts';
import type { WrapScheme } from './targets.ts';

const EPHEMERAL_AES_BYTES = 32;

/** Encrypts material under the target's public key as the scheme prescribes. */
export function wrapMaterial(suite: CryptoSuite, random: Random, scheme: WrapScheme, spki: Uint8Array, material: Uint8Array): Buffer {
  switch (scheme.kind) {
    case 'rsa-oaep':
      return Buffer.from(suite.rsaOaepEncrypt(spki, { hash: scheme.hash, mgf1Hash: scheme.hash }, material));
    case 'rsa-pkcs1':
      return Buffer.from(suite.asymmetricEncrypt('RSAES_PKCS1_V1_5', spki, material));
    case 'sm2pke':
      return Buffer.from(suite.asymmetricEncrypt('SM2PKE', spki, material));
    case 'rsa-aes-kwp': {
      const aes = random.bytes(EPHEMERAL_AES_BYTES);
      try {
        const wrappedAes = suite.rsaOaepEncrypt(spki, { hash: scheme.hash, mgf1Hash: scheme.hash }, aes);
        return Buffer.concat([wrappedAes, suite.aesKeyWrapPad(aes, material)]);
      } finally {
        aes.fill(0);
      }
    }
    default:
      return missingCase(scheme);
  }
}

export const unwrapFailed = (): KwError => new KwError('UnwrapFailed', 'the encrypted key material could not be decrypted with this import token');

/**
 * Decrypts what an officer wrapped under a wrapping key issued by getParametersForImport.
 * Every failure, whatever check failed (RSA padding, SM2 hash, KWP integrity), is the same
 * UnwrapFailed with the same message. For 'rsa-aes-kwp' the payload is the RSA block
 * followed by the KWP output (AWS's concatenation), `rsaBytes` long for the first part.
 */
export function unwrapMaterial(suite: CryptoSuite, scheme: WrapScheme, pkcs8: Uint8Array, rsaBytes: number, payload: Uint8Array): Buffer {
  try {
    switch (scheme.kind) {
      case 'rsa-oaep':
        return Buffer.from(suite.rsaOaepDecrypt(pkcs8, { hash: scheme.hash, mgf1Hash: scheme.hash }, payload));
      case 'rsa-pkcs1':
        return Buffer.from(suite.asymmetricDecrypt('RSAES_PKCS1_V1_5', pkcs8, payload));
      case 'sm2pke':
        return Buffer.from(suite.asymmetricDecrypt('SM2PKE', pkcs8, payload));
      case 'rsa-aes-kwp': {
        if (payload.length <= rsaBytes) throw unwrapFailed();
        const aes = suite.rsaOaepDecrypt(pkcs8, { hash: scheme.hash, mgf1Hash: scheme.hash }, payload.subarray(0, rsaBytes));
        try {
          if (aes.length !== EPHEMERAL_AES_BYTES) throw unwrapFailed();
          return Buffer.from(suite.aesKeyUnwrapPad(aes, payload.subarray(rsaBytes)));
        } finally {
          aes.fill(0);
        }
      }
      default:
        return missingCase(scheme);
    }
  } catch {
    throw unwrapFailed();
  }
}
