/**
 * What each external KMS accepts, as data. prepareByok checks a request against its
 * target's record before any material is generated; adding a target or an algorithm is
 * a table edit. Sources: the targets' public import guides (the Tianyi Cloud KMS manual,
 * Alibaba/Tencent GetParametersForImport, AWS "Importing key
 * material" steps 2-3, Google Cloud KMS import methods, Azure Key Vault BYOK
 * specification, Vault/OpenBao transit "import" endpoint).
 */
import type { ByokAlgorithm, ByokKeySpec, ByokTarget } from '../domain/vocabulary.ts';

export type { ByokAlgorithm, ByokKeySpec, ByokTarget };

export type OaepHash = 'SHA-1' | 'SHA-256';

/**
 * How bytes are wrapped, whatever the target calls it. 'rsa-aes-kwp' is PKCS#11's
 * CKM_RSA_AES_KEY_WRAP: RSA-OAEP (hash and MGF1 hash equal) of a fresh AES-256 key,
 * followed by RFC 5649 AES key wrap with padding of the material under that key.
 */
export type WrapScheme = { kind: 'rsa-oaep'; hash: OaepHash } | { kind: 'rsa-pkcs1' } | { kind: 'sm2pke' } | { kind: 'rsa-aes-kwp'; hash: OaepHash };

export type WrappingKeyRule = { kind: 'RSA'; bits: readonly number[] } | { kind: 'SM2' };
export type RegionRule = 'china-only' | 'outside-china';

export interface AlgorithmRule {
  scheme: WrapScheme;
  keySpecs: readonly ByokKeySpec[];
  wrappingKey: WrappingKeyRule;
  region?: RegionRule;
}

export type OutputFormat = 'rsa-files' | 'gcp' | 'azure' | 'vault';

export interface TargetProfile {
  target: ByokTarget;
  displayName: string;
  algorithms: Partial<Record<ByokAlgorithm, AlgorithmRule>>;
  /** Algorithms the target has dropped, with the reason given to the officer. */
  refused: Partial<Record<ByokAlgorithm, string>>;
  /** Region rules on key specs (AWS: 16-byte SM4 keys only in China regions, AES only outside). */
  keySpecRegions: Partial<Record<ByokKeySpec, RegionRule>>;
  /** Whether the target has regions that change the rules (then `region` is read). */
  regional: boolean;
  /** How long the target's wrapping key / import token (or import job) stays usable. */
  tokenValidityHours: number | null;
  /** Name of the copy of the import token written beside the package; null: the target has no token. */
  tokenFileName: string | null;
  /** Azure's .byok header names the key exchange key by its key identifier. */
  needsWrappingKeyId: boolean;
  output: OutputFormat;
}

const OAEP256: WrapScheme = { kind: 'rsa-oaep', hash: 'SHA-256' };
const OAEP1: WrapScheme = { kind: 'rsa-oaep', hash: 'SHA-1' };
const SYM = ['AES_256', 'SM4'] as const;
const ASYM = ['RSA_2048', 'RSA_3072', 'RSA_4096', 'EC_P256'] as const;
const RSA2048: WrappingKeyRule = { kind: 'RSA', bits: [2048] };
const RSA_ANY: WrappingKeyRule = { kind: 'RSA', bits: [2048, 3072, 4096] };

/** Tianyi, Alibaba and Tencent share the seed manual's three RSA_2048 algorithms. */
const chineseCloudRsa = {
  RSAES_OAEP_SHA_256: { scheme: OAEP256, keySpecs: SYM, wrappingKey: RSA2048 },
  RSAES_OAEP_SHA_1: { scheme: OAEP1, keySpecs: SYM, wrappingKey: RSA2048 },
  RSAES_PKCS1_V1_5: { scheme: { kind: 'rsa-pkcs1' }, keySpecs: SYM, wrappingKey: RSA2048 },
} satisfies Partial<Record<ByokAlgorithm, AlgorithmRule>>;

const rsaFilesProfile = (target: ByokTarget, displayName: string): TargetProfile => ({
  target,
  displayName,
  algorithms: chineseCloudRsa,
  refused: {},
  keySpecRegions: {},
  regional: false,
  tokenValidityHours: 24,
  tokenFileName: 'ImportToken.txt',
  needsWrappingKeyId: false,
  output: 'rsa-files',
});

const gcpMethod = (bits: number, hash: OaepHash, aes: boolean): AlgorithmRule => ({
  scheme: aes ? { kind: 'rsa-aes-kwp', hash } : { kind: 'rsa-oaep', hash },
  keySpecs: aes ? ['AES_256', ...ASYM] : ['AES_256'],
  wrappingKey: { kind: 'RSA', bits: [bits] },
});

export const TARGET_PROFILES: Record<ByokTarget, TargetProfile> = {
  tianyi: rsaFilesProfile('tianyi', 'Tianyi Cloud KMS'),
  tencent: rsaFilesProfile('tencent', 'Tencent Cloud KMS'),
  alibaba: {
    ...rsaFilesProfile('alibaba', 'Alibaba Cloud KMS'),
    // EC_SM2 wrapping keys take SM2PKE, for SM4 keys in HSM-backed instances.
    algorithms: { ...chineseCloudRsa, SM2PKE: { scheme: { kind: 'sm2pke' }, keySpecs: ['SM4'], wrappingKey: { kind: 'SM2' } } },
  },
  aws: {
    target: 'aws',
    displayName: 'AWS KMS',
    algorithms: {
      RSAES_OAEP_SHA_256: { scheme: OAEP256, keySpecs: SYM, wrappingKey: RSA_ANY },
      RSAES_OAEP_SHA_1: { scheme: OAEP1, keySpecs: SYM, wrappingKey: RSA_ANY },
      RSA_AES_KEY_WRAP_SHA_256: { scheme: { kind: 'rsa-aes-kwp', hash: 'SHA-256' }, keySpecs: ['AES_256', ...ASYM], wrappingKey: RSA_ANY, region: 'outside-china' },
      RSA_AES_KEY_WRAP_SHA_1: { scheme: { kind: 'rsa-aes-kwp', hash: 'SHA-1' }, keySpecs: ['AES_256', ...ASYM], wrappingKey: RSA_ANY, region: 'outside-china' },
      SM2PKE: { scheme: { kind: 'sm2pke' }, keySpecs: ['SM4', 'SM2'], wrappingKey: { kind: 'SM2' }, region: 'china-only' },
    },
    refused: { RSAES_PKCS1_V1_5: 'AWS KMS no longer accepts RSAES_PKCS1_V1_5 for imported key material' },
    keySpecRegions: { AES_256: 'outside-china', SM4: 'china-only', SM2: 'china-only' },
    regional: true,
    tokenValidityHours: 24,
    tokenFileName: 'ImportToken.bin',
    needsWrappingKeyId: false,
    output: 'rsa-files',
  },
  gcp: {
    target: 'gcp',
    displayName: 'Google Cloud KMS',
    algorithms: {
      'rsa-oaep-3072-sha1-aes-256': gcpMethod(3072, 'SHA-1', true),
      'rsa-oaep-4096-sha1-aes-256': gcpMethod(4096, 'SHA-1', true),
      'rsa-oaep-3072-sha256-aes-256': gcpMethod(3072, 'SHA-256', true),
      'rsa-oaep-4096-sha256-aes-256': gcpMethod(4096, 'SHA-256', true),
      'rsa-oaep-3072-sha256': gcpMethod(3072, 'SHA-256', false),
      'rsa-oaep-4096-sha256': gcpMethod(4096, 'SHA-256', false),
    },
    refused: {},
    keySpecRegions: {},
    regional: false,
    // An import job can be used for three days after it is created.
    tokenValidityHours: 72,
    tokenFileName: null,
    needsWrappingKeyId: false,
    output: 'gcp',
  },
  azure: {
    target: 'azure',
    displayName: 'Azure Key Vault / Managed HSM',
    algorithms: {
      // CKM_RSA_AES_KEY_WRAP with SHA-1 for OAEP and MGF1, as the BYOK specification's vendor tools use it.
      RSA_AES_KEY_WRAP_SHA_1: { scheme: { kind: 'rsa-aes-kwp', hash: 'SHA-1' }, keySpecs: ['AES_256', ...ASYM], wrappingKey: RSA_ANY },
    },
    refused: {},
    keySpecRegions: {},
    regional: false,
    tokenValidityHours: null,
    tokenFileName: null,
    needsWrappingKeyId: true,
    output: 'azure',
  },
  vault: {
    target: 'vault',
    displayName: 'HashiCorp Vault / OpenBao transit',
    algorithms: {
      RSA_AES_KEY_WRAP_SHA_256: { scheme: { kind: 'rsa-aes-kwp', hash: 'SHA-256' }, keySpecs: ['AES_256', ...ASYM], wrappingKey: RSA_ANY },
      RSA_AES_KEY_WRAP_SHA_1: { scheme: { kind: 'rsa-aes-kwp', hash: 'SHA-1' }, keySpecs: ['AES_256', ...ASYM], wrappingKey: RSA_ANY },
    },
    refused: {},
    keySpecRegions: {},
    regional: false,
    tokenValidityHours: null,
    tokenFileName: null,
    needsWrappingKeyId: false,
    output: 'vault',
  },
};

/** AWS China regions are named cn-*. */
export function isChinaRegion(region: string): boolean {
  return region.startsWith('cn-');
}

/** Bytes of material per spec for symmetric keys; asymmetric specs carry PKCS#8. */
export const SYMMETRIC_MATERIAL_BYTES: Partial<Record<ByokKeySpec, number>> = { AES_256: 32, SM4: 16 };
