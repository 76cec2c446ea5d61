/**
 * What each key spec can do. One record per spec, so every rule that depends on the
 * algorithm (usages, rotation, versions, algorithms) reads from here and nowhere else.
 */
import { KEY_SPEC_TABLE, KEY_SPECS, type AsymEncryptAlgorithm, type KeySpec, type SignAlgorithm } from './vocabulary.ts';

export { KEY_SPECS, type KeySpec };
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
  /** EXTERNAL origin (BYOK) is offered for these specs (the vocabulary's `byok` column). */
  importable: boolean;
}

const RSA_SIGN = ['RSA_PKCS1_SHA_256', 'RSA_PSS_SHA_256'] as const;
const RSA_ENC = ['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1'] as const;

const CAPABILITIES: Record<KeySpec, Omit<SpecCapabilities, 'importable'>> = {
  AES_256: { family: 'symmetric', usages: ['ENCRYPT_DECRYPT'], materialBytes: 32, symmetricAlgorithm: 'AES_256_GCM', signAlgorithms: [], encryptAlgorithms: [] },
  SM4: { family: 'symmetric', usages: ['ENCRYPT_DECRYPT'], materialBytes: 16, symmetricAlgorithm: 'SM4_GCM', signAlgorithms: [], encryptAlgorithms: [] },
  RSA_2048: { family: 'asymmetric', usages: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'], signAlgorithms: RSA_SIGN, encryptAlgorithms: RSA_ENC },
  RSA_3072: { family: 'asymmetric', usages: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'], signAlgorithms: RSA_SIGN, encryptAlgorithms: RSA_ENC },
  RSA_4096: { family: 'asymmetric', usages: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'], signAlgorithms: RSA_SIGN, encryptAlgorithms: RSA_ENC },
  EC_P256: { family: 'asymmetric', usages: ['SIGN_VERIFY'], signAlgorithms: ['ECDSA_SHA_256'], encryptAlgorithms: [] },
  SM2: { family: 'asymmetric', usages: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'], signAlgorithms: ['SM2DSA'], encryptAlgorithms: ['SM2PKE'] },
  HMAC_SM3: { family: 'mac', usages: ['GENERATE_VERIFY_MAC'], materialBytes: 32, signAlgorithms: [], encryptAlgorithms: [], macAlgorithm: 'HMAC_SM3' },
  HMAC_SHA256: { family: 'mac', usages: ['GENERATE_VERIFY_MAC'], materialBytes: 32, signAlgorithms: [], encryptAlgorithms: [], macAlgorithm: 'HMAC_SHA_256' },
};

export const SPEC_CAPABILITIES = Object.fromEntries(KEY_SPECS.map((spec) => [spec, { ...CAPABILITIES[spec], importable: KEY_SPEC_TABLE[spec].byok }])) as Record<KeySpec, SpecCapabilities>;

export function isSymmetric(spec: KeySpec): boolean {
  return SPEC_CAPABILITIES[spec].family === 'symmetric';
}
export function isAsymmetric(spec: KeySpec): boolean {
  return SPEC_CAPABILITIES[spec].family === 'asymmetric';
}
