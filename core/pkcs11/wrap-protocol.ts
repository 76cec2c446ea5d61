/**
 * The bridge operations that generate key material on a token and let it out only
 * wrapped (BYOK preparation with source HSM). Declared apart from protocol.ts and merged
 * into `BridgeOps` there, so the worker's handler table still covers them. No pkcs11js.
 */
import type { TokenSelector } from './token-selector.ts';

/**
 * Material the token generates for a target KMS. SM4 material is 16 random bytes with
 * no SM4 mechanism involved, so it is a CKK_GENERIC_SECRET of 16 bytes on the token.
 */
export type WrapMaterialSpec = 'AES_256' | 'GENERIC_SECRET_16' | 'RSA_2048' | 'RSA_3072' | 'RSA_4096' | 'EC_P256';
export const WRAP_MATERIAL_SPECS: readonly WrapMaterialSpec[] = ['AES_256', 'GENERIC_SECRET_16', 'RSA_2048', 'RSA_3072', 'RSA_4096', 'EC_P256'];

export type WrapHash = 'SHA-1' | 'SHA-256';

/**
 * How the material leaves the token for the target (PKCS#11 v2.40 mechanisms):
 * - rsa-oaep: C_WrapKey with CKM_RSA_PKCS_OAEP (hash = MGF1 hash, empty label);
 * - rsa-pkcs1: C_WrapKey with CKM_RSA_PKCS;
 * - rsa-aes-kwp: an ephemeral token AES-256 key wrapped with CKM_RSA_PKCS_OAEP, then the
 *   material wrapped under it with CKM_AES_KEY_WRAP_PAD (RFC 5649), concatenated — what
 *   CKM_RSA_AES_KEY_WRAP does in one step on tokens that have it.
 */
export type TokenWrapScheme = { kind: 'rsa-oaep'; hash: WrapHash } | { kind: 'rsa-pkcs1' } | { kind: 'rsa-aes-kwp'; hash: WrapHash };

export interface WrapNewParams {
  token: TokenSelector;
  material: WrapMaterialSpec;
  /** The target's RSA wrapping public key, SubjectPublicKeyInfo DER. */
  targetSpki: Uint8Array;
  scheme: TokenWrapScheme;
  /** CKA_LABEL of the new escrow key (a token object). */
  escrowLabel: string;
}

export interface WrapNewResult {
  /** What the target receives. */
  wrapped: Uint8Array;
  /** CKA_ID (hex) of the non-extractable token AES key the escrow copy is wrapped under. */
  escrowKeyIdHex: string;
  /** C_WrapKey(CKM_AES_KEY_WRAP_PAD, escrow key, material): secret keys as their value, private keys as PKCS#8. */
  escrowBlob: Uint8Array;
}

export interface RewrapParams {
  token: TokenSelector;
  material: WrapMaterialSpec;
  escrowKeyIdHex: string;
  escrowBlob: Uint8Array;
  targetSpki: Uint8Array;
  scheme: TokenWrapScheme;
}

export interface WrapOps {
  byokWrapNew: { params: WrapNewParams; result: WrapNewResult };
  byokRewrap: { params: RewrapParams; result: { wrapped: Uint8Array } };
}
