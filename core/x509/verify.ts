/**
 * Certificate and request signatures, and chain validation with a report that says
 * exactly what failed (RFC 5280 §6.1, reduced to what an offline console needs: no
 * revocation, no policy processing; names chain by exact DER). RSA PKCS#1 v1.5, RSASSA-PSS
 * and ECDSA are checked with node:crypto (present in Electron's BoringSSL too); SM2 goes
 * through the CryptoSuite with the GM/T default user id, because BoringSSL has no SM2.
 */
import { createPublicKey, verify as nodeVerify, constants } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { RsaSaPssParams } from '@peculiar/asn1-rsa';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { SM2_DEFAULT_USER_ID } from '../crypto/types.ts';
import { KwError } from '../api/errors.ts';
import { OID } from './oids.ts';
import type { ParsedCertificate, ParsedCsr } from './parse.ts';
import type { X509Crypto } from './signer.ts';
import { parseSpki, suiteSpki } from './spki.ts';

export type SignatureVerdict = 'ok' | 'bad' | 'unsupported';

const RSA_HASH: Record<string, string> = {
  [OID.sha1WithRsa]: 'sha1', [OID.sha256WithRsa]: 'sha256', [OID.sha384WithRsa]: 'sha384', [OID.sha512WithRsa]: 'sha512',
};
const ECDSA_HASH: Record<string, string> = {
  [OID.ecdsaWithSha1]: 'sha1', [OID.ecdsaWithSha256]: 'sha256', [OID.ecdsaWithSha384]: 'sha384', [OID.ecdsaWithSha512]: 'sha512',
};
const DIGEST_NAME: Record<string, string> = { [OID.sha1]: 'sha1', [OID.sha256]: 'sha256', [OID.sha384]: 'sha384', [OID.sha512]: 'sha512' };

function pssOptions(params: Uint8Array | null): { hash: string; saltLength: number } | null {
  if (!params) return null;
  const p = AsnConvert.parse(params, RsaSaPssParams);
  const hash = DIGEST_NAME[p.hashAlgorithm.algorithm];
  if (!hash || p.maskGenAlgorithm.algorithm !== OID.mgf1 || p.trailerField !== 1) return null;
  // node:crypto always uses MGF1 with the message hash, so only that pairing is accepted.
  const mgf = p.maskGenAlgorithm.parameters ? AsnConvert.parse(p.maskGenAlgorithm.parameters, AlgorithmIdentifier) : null;
  if (!mgf || DIGEST_NAME[mgf.algorithm] !== hash) return null;
  return { hash, saltLength: p.saltLength };
}

/**
 * Checks `signature` over `tbs` with the signer's SubjectPublicKeyInfo. Never throws for
 * bad input: a malformed key or signature is 'bad', an algorithm outside the list is 'unsupported'.
 */
export function verifySignedData(
  signerSpki: Uint8Array, tbs: Uint8Array, signatureOid: string, signatureParams: Uint8Array | null,
  signature: Uint8Array, crypto: X509Crypto,
): SignatureVerdict {
  let key;
  try {
    key = parseSpki(signerSpki);
  } catch {
    return 'bad';
  }
  try {
    if (signatureOid === OID.sm2WithSm3) {
      if (key.summary.algorithm !== 'SM2') return 'bad';
      return crypto.verify('SM2DSA', suiteSpki(signerSpki), tbs, 'RAW', signature, SM2_DEFAULT_USER_ID) ? 'ok' : 'bad';
    }
    const rsaHash = RSA_HASH[signatureOid];
    const ecHash = ECDSA_HASH[signatureOid];
    if (rsaHash || signatureOid === OID.rsassaPss) {
      if (key.summary.algorithm !== 'RSA') return 'bad';
      const pub = createPublicKey({ key: Buffer.from(signerSpki), format: 'der', type: 'spki' });
      if (rsaHash) return nodeVerify(rsaHash, tbs, pub, signature) ? 'ok' : 'bad';
      const pss = pssOptions(signatureParams);
      if (!pss) return 'unsupported';
      return nodeVerify(pss.hash, tbs, { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: pss.saltLength }, signature) ? 'ok' : 'bad';
    }
    if (ecHash) {
      if (key.summary.algorithm !== 'EC') return 'bad';
      const pub = createPublicKey({ key: Buffer.from(signerSpki), format: 'der', type: 'spki' });
      return nodeVerify(ecHash, tbs, pub, signature) ? 'ok' : 'bad';
    }
    return 'unsupported';
  } catch (e) {
    if (e instanceof KwError && e.code === 'InternalError') throw e;
    return 'bad';
  }
}

/** Is `cert` signed by the key of `issuer` (a certificate, or its SPKI DER)? */
export function verifyCertificateSignature(cert: ParsedCertificate, issuer: ParsedCertificate | Uint8Array, crypto: X509Crypto): SignatureVerdict {
  const spki = issuer instanceof Uint8Array ? issuer : issuer.spki;
  return verifySignedData(spki, cert.tbs, cert.signatureOid, cert.signatureParams, cert.signature, crypto);
}

/** Is the request signed by the key it carries (proof of possession)? */
export function verifyCsrSignature(csr: ParsedCsr, crypto: X509Crypto): SignatureVerdict {
  return verifySignedData(csr.spki, csr.tbs, csr.signatureOid, csr.signatureParams, csr.signature, crypto);
}
