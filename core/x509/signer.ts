/**
 * How this layer reaches signatures: through the CryptoSuite port (software keys as
 * PKCS#8) or through a caller's callback over the to-be-signed bytes (a PKCS#11 token
 * key, a key in another process). Only the two suite methods used here are required.
 */
import type { CryptoSuite, KeyPairSpec, SignAlgorithm } from '../crypto/types.ts';
import { SM2_DEFAULT_USER_ID } from '../crypto/types.ts';
import { KwError } from '../api/errors.ts';
import { OID } from './oids.ts';

export type X509Crypto = Pick<CryptoSuite, 'sign' | 'verify'>;

/**
 * Signs the exact TBS bytes and returns the signature as X.509 carries it: RSA PKCS#1 v1.5
 * bytes, ECDSA and SM2 as DER SEQUENCE{r,s}. SM2 signers must use the GM/T default user id
 * (1234567812345678), which is what OpenSSL and CAs assume when none is agreed.
 */
export type TbsSigner = (tbs: Uint8Array) => Uint8Array | Promise<Uint8Array>;

/** The signature scheme Keywarden uses for each key spec it issues requests for. */
export function signatureSchemeFor(spec: KeyPairSpec): { oid: string; nullParams: boolean; sign: SignAlgorithm } {
  switch (spec) {
    case 'RSA_2048': case 'RSA_3072': case 'RSA_4096':
      return { oid: OID.sha256WithRsa, nullParams: true, sign: 'RSA_PKCS1_SHA_256' };
    case 'EC_P256':
      return { oid: OID.ecdsaWithSha256, nullParams: false, sign: 'ECDSA_SHA_256' };
    case 'SM2':
      return { oid: OID.sm2WithSm3, nullParams: false, sign: 'SM2DSA' };
    default:
      throw new KwError('InvalidParameter', 'unsupported key spec');
  }
}

/** A TbsSigner over a software key held as PKCS#8 DER; the caller keeps and wipes the key. */
export function suiteSigner(suite: X509Crypto, spec: KeyPairSpec, privateKeyPkcs8: Uint8Array): TbsSigner {
  const scheme = signatureSchemeFor(spec);
  return (tbs) => suite.sign(scheme.sign, privateKeyPkcs8, tbs, 'RAW', scheme.sign === 'SM2DSA' ? SM2_DEFAULT_USER_ID : undefined);
}
