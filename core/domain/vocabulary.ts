/**
 * The names Keywarden speaks — key specs, signing and encryption algorithms, BYOK
 * targets — declared once. Each table says, per name, where the name is valid; every
 * zod enum of the contract and every type of the crypto port, the PKCS#11 bridge, the
 * token key port and the BYOK profiles is derived from these tables with `namesWith`,
 * so a new spec or algorithm is one row here and the compiler finds every place that
 * must handle it.
 */

/**
 * Every key spec, in the order lists show them.
 * - `cmk`: a master key the KMS creates (`createKey`);
 * - `dataKey`: a data key `generateDataKey` and the data-key exports hand out;
 * - `keyPair`: an asymmetric pair the crypto suites generate;
 * - `token`: the name of the object a PKCS#11 token holds for it (module profiles'
 *   spelling), null when no token object stands for it; `bridgeGenerates`: the generic
 *   bridge generates it (SM2/SM4 need vendor mechanisms);
 * - `byok`: material importable into EXTERNAL keys and preparable for external KMSs;
 * - `certificate`: a certificate's key pair (the reference's certificate dialog).
 */
export const KEY_SPEC_TABLE = {
  AES_256: { cmk: true, dataKey: true, keyPair: false, token: 'AES_256', bridgeGenerates: true, byok: true, certificate: false },
  AES_128: { cmk: false, dataKey: true, keyPair: false, token: null, bridgeGenerates: false, byok: false, certificate: false },
  SM4: { cmk: true, dataKey: true, keyPair: false, token: 'SM4', bridgeGenerates: false, byok: true, certificate: false },
  RSA_2048: { cmk: true, dataKey: false, keyPair: true, token: 'RSA_2048', bridgeGenerates: true, byok: true, certificate: true },
  RSA_3072: { cmk: true, dataKey: false, keyPair: true, token: 'RSA_3072', bridgeGenerates: true, byok: true, certificate: false },
  RSA_4096: { cmk: true, dataKey: false, keyPair: true, token: 'RSA_4096', bridgeGenerates: true, byok: true, certificate: false },
  EC_P256: { cmk: true, dataKey: false, keyPair: true, token: 'EC_P256', bridgeGenerates: true, byok: true, certificate: true },
  SM2: { cmk: true, dataKey: false, keyPair: true, token: 'EC_SM2', bridgeGenerates: false, byok: true, certificate: true },
  HMAC_SM3: { cmk: true, dataKey: false, keyPair: false, token: null, bridgeGenerates: false, byok: false, certificate: false },
  HMAC_SHA256: { cmk: true, dataKey: false, keyPair: false, token: null, bridgeGenerates: false, byok: false, certificate: false },
} as const;

/**
 * Signature algorithms. `contract`: callers name it in asymmetricSign/Verify; `onToken`:
 * a PKCS#11 token computes it with a standard mechanism (SM2 needs a vendor one).
 */
export const SIGN_ALGORITHM_TABLE = {
  RSA_PKCS1_SHA_256: { contract: true, onToken: true },
  RSA_PSS_SHA_256: { contract: true, onToken: true },
  ECDSA_SHA_256: { contract: true, onToken: true },
  SM2DSA: { contract: true, onToken: false },
} as const;

/**
 * Asymmetric encryption algorithms. `contract`: callers name it in asymmetricEncrypt/
 * Decrypt and the data-key exports; PKCS#1 v1.5 exists only for BYOK unwrapping of the
 * reference's import files. `onToken`: a token decrypts it (CKM_RSA_PKCS_OAEP).
 */
export const ENCRYPTION_ALGORITHM_TABLE = {
  RSAES_OAEP_SHA_256: { contract: true, onToken: true },
  RSAES_OAEP_SHA_1: { contract: true, onToken: true },
  RSAES_PKCS1_V1_5: { contract: false, onToken: false },
  SM2PKE: { contract: true, onToken: false },
} as const;

/** The external KMSs `prepareByok` packages material for (profiles in byok/targets.ts). */
export const BYOK_TARGETS = ['tianyi', 'alibaba', 'tencent', 'aws', 'gcp', 'azure', 'vault'] as const;

/** Every wrapping algorithm any BYOK target uses, in that target's own spelling. */
export const BYOK_ALGORITHMS = [
  'RSAES_OAEP_SHA_256',
  'RSAES_OAEP_SHA_1',
  'RSAES_PKCS1_V1_5',
  'SM2PKE',
  'RSA_AES_KEY_WRAP_SHA_256',
  'RSA_AES_KEY_WRAP_SHA_1',
  'rsa-oaep-3072-sha1-aes-256',
  'rsa-oaep-4096-sha1-aes-256',
  'rsa-oaep-3072-sha256-aes-256',
  'rsa-oaep-4096-sha256-aes-256',
  'rsa-oaep-3072-sha256',
  'rsa-oaep-4096-sha256',
] as const;

/** getParametersForImport: the wrapping key pair, in the reference's spelling, and its algorithms. */
export const IMPORT_WRAPPING_KEY_SPECS = ['RSA_2048', 'EC_SM2'] as const;
export const IMPORT_WRAPPING_ALGORITHMS = ['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1', 'RSAES_PKCS1_V1_5', 'SM2PKE', 'RSA_AES_KEY_WRAP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_1'] as const;

type Table = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/** The names of the rows of `T` whose field `F` is `V`. */
export type NamesWith<T extends Table, F extends string, V> = { [K in keyof T]: T[K] extends { readonly [P in F]: V } ? K : never }[keyof T] & string;

/** The rows of `table` whose `field` is `value`, in table order, typed as exactly those names. */
export function namesWith<T extends Table, F extends string, const V extends string | boolean>(table: T, field: F, value: V): readonly [NamesWith<T, F, V>, ...NamesWith<T, F, V>[]] {
  const names = Object.keys(table).filter((name) => table[name]![field] === value);
  if (names.length === 0) throw new Error(`vocabulary: no row has ${field} = ${String(value)}`);
  return names as unknown as readonly [NamesWith<T, F, V>, ...NamesWith<T, F, V>[]];
}

export const KEY_SPECS = namesWith(KEY_SPEC_TABLE, 'cmk', true);
export type KeySpec = (typeof KEY_SPECS)[number];
export const DATA_KEY_SPECS = namesWith(KEY_SPEC_TABLE, 'dataKey', true);
export type DataKeySpec = (typeof DATA_KEY_SPECS)[number];
export const KEY_PAIR_SPECS = namesWith(KEY_SPEC_TABLE, 'keyPair', true);
export type KeyPairSpec = (typeof KEY_PAIR_SPECS)[number];
export const BRIDGE_KEY_SPECS = namesWith(KEY_SPEC_TABLE, 'bridgeGenerates', true);
export type BridgeKeySpec = (typeof BRIDGE_KEY_SPECS)[number];
export const BYOK_KEY_SPECS = namesWith(KEY_SPEC_TABLE, 'byok', true);
export type ByokKeySpec = (typeof BYOK_KEY_SPECS)[number];
export const CERTIFICATE_KEY_SPECS = namesWith(KEY_SPEC_TABLE, 'certificate', true);
export type CertificateKeySpec = (typeof CERTIFICATE_KEY_SPECS)[number];
/** The name a token object carries for a spec (profiles' `keySpec`). */
export type TokenKeySpec = Exclude<(typeof KEY_SPEC_TABLE)[keyof typeof KEY_SPEC_TABLE]['token'], null>;

export const SIGN_ALGORITHMS = namesWith(SIGN_ALGORITHM_TABLE, 'contract', true);
export type SignAlgorithm = (typeof SIGN_ALGORITHMS)[number];
export const TOKEN_SIGN_ALGORITHMS = namesWith(SIGN_ALGORITHM_TABLE, 'onToken', true);
export type TokenSignAlgorithm = (typeof TOKEN_SIGN_ALGORITHMS)[number];

/** Every asymmetric encryption the suites implement (the crypto port's names). */
export type AsymEncryptAlgorithm = keyof typeof ENCRYPTION_ALGORITHM_TABLE;
export const ENCRYPTION_ALGORITHMS = namesWith(ENCRYPTION_ALGORITHM_TABLE, 'contract', true);
export type EncryptionAlgorithm = (typeof ENCRYPTION_ALGORITHMS)[number];
export const TOKEN_ENCRYPTION_ALGORITHMS = namesWith(ENCRYPTION_ALGORITHM_TABLE, 'onToken', true);
export type TokenEncryptionAlgorithm = (typeof TOKEN_ENCRYPTION_ALGORITHMS)[number];

export type ByokTarget = (typeof BYOK_TARGETS)[number];
export type ByokAlgorithm = (typeof BYOK_ALGORITHMS)[number];
export type ImportWrappingKeySpec = (typeof IMPORT_WRAPPING_KEY_SPECS)[number];
export type ImportWrappingAlgorithm = (typeof IMPORT_WRAPPING_ALGORITHMS)[number];
