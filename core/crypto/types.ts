/**
 * The algorithm port. Two suites implement it: `openssl` (node:crypto, fast, present
 * in plain Node) and `pure` (audited JS libraries, present everywhere including
 * Electron's BoringSSL runtime, which lacks SM2/SM3/SM4, AES key wrap and RSA
 * PKCS#1 v1.5 decryption). The KMS only ever talks to this interface.
 *
 * Key pairs travel as DER: private keys as PKCS#8, public keys as SubjectPublicKeyInfo
 * (SM2 keys use id-ecPublicKey with the curve OID 1.2.156.10197.1.301, as OpenSSL writes them).
 * Every function checks its byte inputs and throws KwError; none logs or echoes inputs.
 */
export type HashName = 'SHA-1' | 'SHA-256' | 'SM3';
export type HmacName = 'SHA-256' | 'SM3';
/** Key pair specs and algorithm names come from the one vocabulary (domain/vocabulary.ts). */
import type { AsymEncryptAlgorithm, KeyPairSpec, SignAlgorithm } from '../domain/vocabulary.ts';

export type { AsymEncryptAlgorithm, KeyPairSpec, SignAlgorithm };
export type MessageType = 'RAW' | 'DIGEST';

/** GM/T 0009 default distinguishing identifier for SM2 signatures. */
export const SM2_DEFAULT_USER_ID = '1234567812345678';

export interface Aead {
  readonly keyLength: number;
  /** Returns ciphertext || 16-byte tag. iv should be 12 bytes; any non-empty length is accepted (SP 800-38D). */
  seal(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array;
  /** Throws KwError('InvalidCiphertext') on any authentication failure. */
  open(key: Uint8Array, iv: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array;
}

export interface KeyPairDer {
  privateKey: Uint8Array; // PKCS#8 DER
  publicKey: Uint8Array; // SPKI DER
}

/**
 * A private key parsed once for repeated use: node:crypto KeyObjects (openssl suite) or
 * scalars and forge's RSA numbers (pure suite). Made by `CryptoSuite.preparePrivateKey`
 * and accepted by that suite's private-key operations in place of PKCS#8 bytes; the
 * vault's unsealed-key cache holds these (see core/vault/unsealed-keys.ts). `dispose()`
 * zeroes the scalar bytes it holds; a KeyObject's OpenSSL memory is cleared when it is
 * collected, and JS bigints cannot be wiped at all.
 */
export interface PreparedPrivateKey {
  readonly suite: 'openssl' | 'pure';
  readonly kind: 'RSA' | 'P-256' | 'SM2';
  dispose(): void;
}

/** PKCS#8 DER, or a key the same suite prepared from PKCS#8 DER. */
export type PrivateKeyInput = Uint8Array | PreparedPrivateKey;

export interface OaepParams {
  hash: 'SHA-1' | 'SHA-256';
  mgf1Hash: 'SHA-1' | 'SHA-256';
  label?: Uint8Array;
}

export interface CryptoSuite {
  /** 'composite' is defaultSuite() on a runtime whose node:crypto lacks some algorithms (Electron). */
  readonly name: 'openssl' | 'pure' | 'composite';
  readonly aes256gcm: Aead;
  readonly sm4gcm: Aead;
  digest(alg: HashName, data: Uint8Array): Uint8Array;
  hmac(alg: HmacName, key: Uint8Array, data: Uint8Array): Uint8Array;
  /** RFC 3394 (KW) and RFC 5649 (KWP) with AES; unwrap failures throw KwError('UnwrapFailed'). */
  aesKeyWrap(kek: Uint8Array, key: Uint8Array): Uint8Array;
  aesKeyUnwrap(kek: Uint8Array, wrapped: Uint8Array): Uint8Array;
  aesKeyWrapPad(kek: Uint8Array, key: Uint8Array): Uint8Array;
  aesKeyUnwrapPad(kek: Uint8Array, wrapped: Uint8Array): Uint8Array;
  generateKeyPair(spec: KeyPairSpec): KeyPairDer;
  /** Public key (SPKI DER) of a PKCS#8 private key. */
  publicKeyOf(privateKeyPkcs8: Uint8Array): Uint8Array;
  /** Parses and checks a PKCS#8 private key once; the caller disposes of it. The bytes can be zeroed afterwards. */
  preparePrivateKey(privateKeyPkcs8: Uint8Array): PreparedPrivateKey;
  /** ECDSA and SM2 signatures are DER (as OpenSSL writes them). SM2 uses userId (default GM/T id). */
  sign(alg: SignAlgorithm, privateKey: PrivateKeyInput, input: Uint8Array, messageType: MessageType, userId?: string): Uint8Array;
  verify(alg: SignAlgorithm, publicKeySpki: Uint8Array, input: Uint8Array, messageType: MessageType, signature: Uint8Array, userId?: string): boolean;
  /** SM2PKE ciphertext is GM/T 0009 DER (C1 x, C1 y, C3 hash, C2 ciphertext), as OpenSSL writes it. */
  asymmetricEncrypt(alg: AsymEncryptAlgorithm, publicKeySpki: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** Throws KwError('InvalidCiphertext') without saying which check failed. */
  asymmetricDecrypt(alg: AsymEncryptAlgorithm, privateKey: PrivateKeyInput, ciphertext: Uint8Array): Uint8Array;
  /** OAEP with separate hash/MGF1 hash and label (Wycheproof coverage, BYOK targets). */
  rsaOaepEncrypt(publicKeySpki: Uint8Array, params: OaepParams, plaintext: Uint8Array): Uint8Array;
  rsaOaepDecrypt(privateKey: PrivateKeyInput, params: OaepParams, ciphertext: Uint8Array): Uint8Array;
}
