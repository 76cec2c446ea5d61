/**
 * What each key spec can do. One record per spec, so every rule that depends on the
 * algorithm (usages, rotation, versions, algorithms) reads from here and nowhere else.
 */
import type { AsymEncryptAlgorithm, SignAlgorithm } from '../crypto/types.ts';

export const KEY_SPECS = ['AES_256', 'SM4', 'RSA_2048', 'RSA_3072', 'RSA_4096', 'EC_P256', 'SM2', 'HMAC_SM3', 'HMAC_SHA256'] as const;
export type KeySpec = (typeof KEY_SPECS)[number];
export const KEY_USAGES = ['ENCRYPT_DECRYPT', 'SIGN_VERIFY', 'GENERATE_VERIFY_MAC'] as const;
export type KeyUsage = (typeof KEY_USAGES)[number];
export const PROTECTION_LEVELS = ['SOFTWARE', 'HSM'] as const;
export type ProtectionLevel = (typeof PROTECTION_LEVELS)[number];
export const ORIGINS = ['KMS', 'EXTERNAL'] as const;
export type Origin = (typeof ORIGINS)[number];

export type KeyFamily = 'symmetric' | 'asymmetric' | 'mac';

export interface SpecCapabilities {
  family: KeyFamily;
  usages: readonly KeyUsage[];
  /** Bytes of secret material for symmetric/MAC keys. */
  materialBytes?: number;
  symmetricAlgorithm?: 'AES_256_GCM' | 'SM4_GCM';
  signAlgorithms: readonly SignAlgorithm[];
  encryptAlgorithms: readonly AsymEncryptAlgorithm[];
  macAlgorithm?: 'HMAC_SM3' | 'HMAC_SHA_256';
  /** EXTERNAL origin (BYOK) is offered for these specs. */
  importable: boolean;
}

const RSA_SIGN = ['RSA_PKCS1_SHA_256', 'RSA_PSS_SHA_256'] as const;
const RSA_ENC = ['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1'] as const;

export const SPEC_CAPABILITIES: Record<KeySpec, SpecCapabilities> = {
  AES_256: { family: 'symmetric', usages: ['ENCRYPT_DECRYPT'], materialBytes: 32, symmetricAlgorithm: 'AES_256_GCM', signAlgorithms: [], encryptAlgorithms: [], importable: true },
  SM4: { family: 'symmetric', usages: ['ENCRYPT_DECRYPT'], materialBytes: 16, symmetricAlgorithm: 'SM4_GCM', signAlgorithms: [], encryptAlgorithms: [], importable: true },
  RSA_2048: { family: 'asymmetric', usages: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'], signAlgorithms: RSA_SIGN, encryptAlgorithms: RSA_ENC, importable: true },
  RSA_3072: { family: 'asymmetric', usages: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'], signAlgorithms: RSA_SIGN, encryptAlgorithms: RSA_ENC, importable: true },
  RSA_4096: { family: 'asymmetric', usages: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'], signAlgorithms: RSA_SIGN, encryptAlgorithms: RSA_ENC, importable: true },
  EC_P256: { family: 'asymmetric', usages: ['SIGN_VERIFY'], signAlgorithms: ['ECDSA_SHA_256'], encryptAlgorithms: [], importable: true },
  SM2: { family: 'asymmetric', usages: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'], signAlgorithms: ['SM2DSA'], encryptAlgorithms: ['SM2PKE'], importable: true },
  HMAC_SM3: { family: 'mac', usages: ['GENERATE_VERIFY_MAC'], materialBytes: 32, signAlgorithms: [], encryptAlgorithms: [], macAlgorithm: 'HMAC_SM3', importable: false },
  HMAC_SHA256: { family: 'mac', usages: ['GENERATE_VERIFY_MAC'], materialBytes: 32, signAlgorithms: [], encryptAlgorithms: [], macAlgorithm: 'HMAC_SHA_256', importable: false },
};

export function isSymmetric(spec: KeySpec): boolean {
  return SPEC_CAPABILITIES[spec].family === 'symmetric';
}
export function isAsymmetric(spec: KeySpec): boolean {
  return SPEC_CAPABILITIES[spec].family === 'asymmetric';
}
