/**
 * The port through which use cases other than keys (BYOK preparation, certificates)
 * reach key objects on a PKCS#11 token. Implemented in core/keystore over the token
 * bridge; absent when the vault has no token module. Secret material never crosses this
 * port: only public keys, signatures, decrypted plaintexts the caller asked for, and
 * blobs the token wrapped.
 */
import type { CertificateKeySpec, TokenEncryptionAlgorithm, TokenSignAlgorithm } from '../domain/vocabulary.ts';

/** Material the token generates for BYOK; SM4 material is a 16-byte generic secret on the token. */
export type TokenMaterialSpec = 'AES_256' | 'GENERIC_SECRET_16' | 'RSA_2048' | 'RSA_3072' | 'RSA_4096' | 'EC_P256';

/** How token material leaves for a target (see core/pkcs11/wrap-protocol.ts for the mechanisms). */
export type TokenWrapScheme = { kind: 'rsa-oaep'; hash: 'SHA-1' | 'SHA-256' } | { kind: 'rsa-pkcs1' } | { kind: 'rsa-aes-kwp'; hash: 'SHA-1' | 'SHA-256' };

/** An escrow copy held by a token: the wrapped blob and the non-extractable token key it is wrapped under. */
export interface TokenEscrow {
  tokenLabel: string;
  /** CKA_ID (hex) of the escrow key. */
  keyId: string;
  blob: Buffer;
}

/** SM2 is asked for so the token's capability check can refuse it with its own reason. */
export type TokenPairSpec = CertificateKeySpec;
export type { TokenSignAlgorithm };
export type TokenDecryptAlgorithm = TokenEncryptionAlgorithm;

export interface TokenKeyPort {
  /** The token a call goes to: the label asked for, else the vault's default. */
  tokenLabel(requested?: string | null): string;
  /** Generates material on the token; returns it wrapped for the target and the token-held escrow copy. */
  wrapNewMaterial(tokenLabel: string, material: TokenMaterialSpec, targetSpki: Uint8Array, scheme: TokenWrapScheme, escrowLabel: string): Promise<{ wrapped: Buffer; escrow: TokenEscrow }>;
  /** Unwraps the escrow copy inside the token and wraps it for a (new) target key. */
  rewrapEscrow(escrow: TokenEscrow, material: TokenMaterialSpec, targetSpki: Uint8Array, scheme: TokenWrapScheme): Promise<Buffer>;
  /** A non-extractable key pair on the token (pair-wise checked); the public key as SPKI DER. */
  generateKeyPair(tokenLabel: string, spec: TokenPairSpec, objectLabel: string): Promise<{ objectId: string; publicKey: Buffer }>;
  sign(tokenLabel: string, objectId: string, alg: TokenSignAlgorithm, input: Uint8Array, messageType: 'RAW' | 'DIGEST'): Promise<Buffer>;
  decrypt(tokenLabel: string, objectId: string, alg: TokenDecryptAlgorithm, ciphertext: Uint8Array): Promise<Buffer>;
  /** Destroys every key object carrying this CKA_ID; true when something was destroyed. */
  destroy(tokenLabel: string, objectId: string): Promise<boolean>;
}
