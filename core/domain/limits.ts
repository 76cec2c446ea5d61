/** Limits from the reference KMS manual (seeds/002); each is enforced before anything is written. */
export const LIMITS = {
  aliasPrefix: 'alias/',
  aliasMaxLength: 64,
  /** After the prefix: letters, digits, '_', '-', '/', ':' (documented in docs/api.md). */
  aliasPattern: /^alias\/[A-Za-z0-9_\-/:]+$/,
  descriptionMaxLength: 255,
  rotationMinDays: 7,
  rotationMaxDays: 730,
  rotationPresets: [30, 90, 180] as const,
  pendingWindowMinDays: 7,
  pendingWindowMaxDays: 30,
  pendingWindowDefaultDays: 30,
  /** Regional limit on asymmetric key versions, applied per vault. */
  maxAsymmetricVersions: 50,
  /** The reference: online encryption takes 1-6144 bytes. */
  encryptPlaintextMinBytes: 1,
  encryptPlaintextMaxBytes: 6 * 1024,
  dataKeyMinBytes: 1,
  dataKeyMaxBytes: 1024,
  dataKeyDefaultBytes: 32,
  randomMaxBytes: 1024,
  encryptionContextMaxBytes: 8 * 1024,
  digestMessageMaxBytes: 4 * 1024 * 1024,
  asymmetricMessageMaxBytes: 4 * 1024,
  tagsPerKey: 20,
  tagKeyMaxLength: 128,
  tagValueMaxLength: 256,
  listPageMax: 1000,
  importTokenValidityHours: 24,
} as const;

export const DAY_MS = 24 * 60 * 60 * 1000;
