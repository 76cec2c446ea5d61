/**
 * X.509 certificates (RFC 5280) and PKCS#10 requests (RFC 2986) to plain JSON-safe
 * summaries, keeping the raw bytes that signature checks need. Accepts PEM or DER; RSA,
 * EC and SM2 (sm2-with-sm3, GM/T 0015) alike. Every malformed input ends in
 * KwError('CertificateInvalid').
 */
import { createHash } from 'node:crypto';
import { sm3 } from 'sm-crypto-v2';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AuthorityKeyIdentifier, BasicConstraints, Certificate, ExtendedKeyUsage, Extensions, KeyUsage, KeyUsageFlags,
  SubjectAlternativeName, SubjectKeyIdentifier,
} from '@peculiar/asn1-x509';
import type { Extension } from '@peculiar/asn1-x509';
import { CertificationRequest } from '@peculiar/asn1-csr';
import { KwError } from '../api/errors.ts';
import { bytes, children, guard, readTlv, looksLikePem, pemDecodeAll, splitSigned, toHex, toText } from './der.ts';
import { summarizeName } from './names.ts';
import type { NameSummary } from './names.ts';
import { EKU_NAMES, OID, SIGNATURE_ALGORITHM_NAMES } from './oids.ts';
import { parseSpki } from './spki.ts';
import type { PublicKeySummary } from './spki.ts';

export type KeyUsageName =
  | 'digitalSignature' | 'nonRepudiation' | 'keyEncipherment' | 'dataEncipherment' | 'keyAgreement'
  | 'keyCertSign' | 'cRLSign' | 'encipherOnly' | 'decipherOnly';

const KEY_USAGE_ORDER: [KeyUsageName, KeyUsageFlags][] = [
  ['digitalSignature', KeyUsageFlags.digitalSignature],
  ['nonRepudiation', KeyUsageFlags.nonRepudiation],
  ['keyEncipherment', KeyUsageFlags.keyEncipherment],
  ['dataEncipherment', KeyUsageFlags.dataEncipherment],
  ['keyAgreement', KeyUsageFlags.keyAgreement],
  ['keyCertSign', KeyUsageFlags.keyCertSign],
  ['cRLSign', KeyUsageFlags.cRLSign],
  ['encipherOnly', KeyUsageFlags.encipherOnly],
  ['decipherOnly', KeyUsageFlags.decipherOnly],
];

export type SanType = 'dns' | 'ip' | 'email' | 'uri' | 'dirName' | 'other';
export interface SubjectAltName {
  type: SanType;
  value: string;
}

export interface ExtensionSummary {
  /** null when the extension is absent. */
  keyUsage: KeyUsageName[] | null;
  /** Short names for known purposes (serverAuth…), dotted OIDs otherwise; null when absent. */
  extendedKeyUsage: string[] | null;
  basicConstraints: { ca: boolean; pathLength: number | null; critical: boolean } | null;
  subjectAltNames: SubjectAltName[];
  subjectKeyIdentifier: string | null;
  authorityKeyIdentifier: string | null;
  /** Critical extensions this layer does not understand (RFC 5280 says: reject the certificate). */
  unknownCritical: string[];
}

export interface CertificateSummary extends ExtensionSummary {
  version: number;
  /** Upper-case hex of the serial's value, as `openssl x509 -serial` prints it. */
  serialNumber: string;
  subject: NameSummary;
  issuer: NameSummary;
  notBefore: string;
  notAfter: string;
  publicKey: PublicKeySummary;
  signatureAlgorithm: { oid: string; name: string };
  /** Upper-case hex digests of the DER certificate. */
  fingerprints: { sha256: string; sha1: string; sm3: string };
  selfIssued: boolean;
}

/** A parsed certificate: the JSON-safe summary plus the exact bytes signature checks use. */
export interface ParsedCertificate {
  summary: CertificateSummary;
  der: Uint8Array;
  tbs: Uint8Array;
  signature: Uint8Array;
  /** The signature AlgorithmIdentifier: OID plus its DER parameters (RSASSA-PSS needs them). */
  signatureOid: string;
  signatureParams: Uint8Array | null;
  spki: Uint8Array;
  subjectDer: Uint8Array;
  issuerDer: Uint8Array;
  notBefore: Date;
  notAfter: Date;
}

const KNOWN_EXTENSIONS = new Set<string>([
  OID.keyUsage, OID.extKeyUsage, OID.basicConstraints, OID.subjectAltName, OID.subjectKeyIdentifier,
  OID.authorityKeyIdentifier,
  '2.5.29.32', // certificatePolicies: read by no rule here, but understood to be policy-only
  '2.5.29.30', // nameConstraints
  '2.5.29.36', // policyConstraints
  '2.5.29.54', // inhibitAnyPolicy
]);

function serialHex(raw: ArrayBuffer): string {
  let b = new Uint8Array(raw);
  while (b.length > 1 && b[0] === 0) b = b.subarray(1);
  return toHex(b).toUpperCase();
}

function fingerprints(der: Uint8Array): CertificateSummary['fingerprints'] {
  return {
    sha256: createHash('sha256').update(der).digest('hex').toUpperCase(),
    sha1: createHash('sha1').update(der).digest('hex').toUpperCase(),
    sm3: sm3(der).toUpperCase(),
  };
}

function summarizeExtensions(exts: readonly Extension[] | undefined): ExtensionSummary {
  const out: ExtensionSummary = {
    keyUsage: null, extendedKeyUsage: null, basicConstraints: null, subjectAltNames: [],
    subjectKeyIdentifier: null, authorityKeyIdentifier: null, unknownCritical: [],
  };
  const seen = new Set<string>();
  for (const ext of exts ?? []) {
    if (seen.has(ext.extnID)) throw new KwError('CertificateInvalid', 'an extension appears twice', { oid: ext.extnID });
    seen.add(ext.extnID);
    const value = new Uint8Array(ext.extnValue.buffer);
    switch (ext.extnID) {
      case OID.keyUsage: {
        const ku = AsnConvert.parse(value, KeyUsage);
        const flags = ku.toNumber();
        out.keyUsage = KEY_USAGE_ORDER.filter(([, f]) => (flags & f) !== 0).map(([n]) => n);
        break;
      }
      case OID.extKeyUsage:
        out.extendedKeyUsage = Array.from(AsnConvert.parse(value, ExtendedKeyUsage), (o: string) => o).map((o) => EKU_NAMES[o] ?? o);
        break;
      case OID.basicConstraints: {
        const bc = AsnConvert.parse(value, BasicConstraints);
        out.basicConstraints = { ca: bc.cA === true, pathLength: bc.pathLenConstraint ?? null, critical: ext.critical === true };
        break;
      }
      case OID.subjectAltName:
        for (const g of AsnConvert.parse(value, SubjectAlternativeName)) {
          if (g.dNSName !== undefined) out.subjectAltNames.push({ type: 'dns', value: g.dNSName });
          else if (g.iPAddress !== undefined) out.subjectAltNames.push({ type: 'ip', value: g.iPAddress });
          else if (g.rfc822Name !== undefined) out.subjectAltNames.push({ type: 'email', value: g.rfc822Name });
          else if (g.uniformResourceIdentifier !== undefined) out.subjectAltNames.push({ type: 'uri', value: g.uniformResourceIdentifier });
          else if (g.directoryName !== undefined) out.subjectAltNames.push({ type: 'dirName', value: summarizeName(g.directoryName).dn });
          else out.subjectAltNames.push({ type: 'other', value: g.otherName?.typeId ?? g.registeredID ?? '' });
        }
        break;
      case OID.subjectKeyIdentifier:
        out.subjectKeyIdentifier = toHex(AsnConvert.parse(value, SubjectKeyIdentifier).buffer).toUpperCase();
        break;
      case OID.authorityKeyIdentifier: {
        const aki = AsnConvert.parse(value, AuthorityKeyIdentifier);
        out.authorityKeyIdentifier = aki.keyIdentifier ? toHex(aki.keyIdentifier.buffer).toUpperCase() : null;
        break;
      }
      default:
        if (ext.critical && !KNOWN_EXTENSIONS.has(ext.extnID)) out.unknownCritical.push(ext.extnID);
    }
  }
  return out;
}

/** A certificate's or request's own key: a bad one makes the whole structure invalid. */
function embeddedKey(spki: Uint8Array): PublicKeySummary {
  try {
    return parseSpki(spki).summary;
  } catch {
    throw new KwError('CertificateInvalid', 'the embedded public key is malformed');
  }
}

function signatureAlgorithmSummary(oid: string): { oid: string; name: string } {
  return { oid, name: SIGNATURE_ALGORITHM_NAMES[oid] ?? oid };
}

/** One certificate, PEM (the first CERTIFICATE block) or DER. */
export function parseCertificate(input: Uint8Array | string): ParsedCertificate {
  return guard('CertificateInvalid', 'certificate', () => {
    let der: Uint8Array;
    if (looksLikePem(input)) {
      const block = pemDecodeAll(toText(input)).find((b) => b.label === 'CERTIFICATE' || b.label === 'X509 CERTIFICATE' || b.label === 'TRUSTED CERTIFICATE');
      if (!block) throw new KwError('CertificateInvalid', 'no CERTIFICATE block in the PEM text');
      der = block.der;
    } else {
      if (typeof input === 'string') throw new KwError('CertificateInvalid', 'text input is not PEM');
      der = new Uint8Array(input);
    }
    return parseCertificateDer(der);
  });
}

/** Issuer, subject and key exactly as encoded (re-encoding could change string types). */
function rawTbsParts(tbs: Uint8Array): { issuerDer: Uint8Array; subjectDer: Uint8Array; spki: Uint8Array } {
  const parts = children(tbs, readTlv(tbs, 0));
  const at = parts[0]?.tag === 0xa0 ? 1 : 0;
  const slice = (i: number) => {
    const t = parts[at + i];
    if (!t || t.tag !== 0x30) throw new Error('TBSCertificate is missing a field');
    return tbs.subarray(t.start, t.end);
  };
  return { issuerDer: slice(2), subjectDer: slice(4), spki: slice(5) };
}

function parseCertificateDer(der: Uint8Array): ParsedCertificate {
  const { tbs } = splitSigned(der);
  const cert = AsnConvert.parse(der, Certificate);
  const t = cert.tbsCertificate;
  if (t.signature.algorithm !== cert.signatureAlgorithm.algorithm) {
    throw new KwError('CertificateInvalid', 'inner and outer signature algorithms differ');
  }
  const { spki, subjectDer, issuerDer } = rawTbsParts(tbs);
  const notBefore = t.validity.notBefore.getTime();
  const notAfter = t.validity.notAfter.getTime();
  if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime())) throw new Error('bad validity time');
  const exts = summarizeExtensions(t.extensions);
  const subject = summarizeName(t.subject);
  const issuer = summarizeName(t.issuer);
  const summary: CertificateSummary = {
    version: t.version + 1,
    serialNumber: serialHex(t.serialNumber),
    subject,
    issuer,
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    publicKey: embeddedKey(spki),
    signatureAlgorithm: signatureAlgorithmSummary(cert.signatureAlgorithm.algorithm),
    ...exts,
    fingerprints: fingerprints(der),
    selfIssued: Buffer.from(subjectDer).equals(Buffer.from(issuerDer)),
  };
  const params = cert.signatureAlgorithm.parameters;
  return {
    summary,
    der,
    tbs,
    signature: new Uint8Array(cert.signatureValue),
    signatureOid: cert.signatureAlgorithm.algorithm,
    signatureParams: params ? bytes(params) : null,
    spki,
    subjectDer,
    issuerDer,
    notBefore,
    notAfter,
  };
}

/**
 * Every certificate in a PEM bundle (a chain file), in file order; DER input holds one.
 * Non-certificate blocks (keys, parameters) are skipped, never parsed; an empty bundle is refused.
 */
export function parseCertificateBundle(input: Uint8Array | string): ParsedCertificate[] {
  return guard('CertificateInvalid', 'certificate bundle', () => {
    if (!looksLikePem(input)) return [parseCertificate(input)];
    const blocks = pemDecodeAll(toText(input)).filter((b) => b.label === 'CERTIFICATE' || b.label === 'X509 CERTIFICATE' || b.label === 'TRUSTED CERTIFICATE');
    if (blocks.length === 0) throw new KwError('CertificateInvalid', 'no CERTIFICATE block in the PEM text');
    return blocks.map((b) => parseCertificateDer(b.der));
  });
}

export interface CsrSummary extends ExtensionSummary {
  subject: NameSummary;
  publicKey: PublicKeySummary;
  signatureAlgorithm: { oid: string; name: string };
  /** SHA-256 of the CSR DER, upper-case hex (to recognise a request later). */
  sha256: string;
}

export interface ParsedCsr {
  summary: CsrSummary;
  der: Uint8Array;
  tbs: Uint8Array;
  signature: Uint8Array;
  signatureOid: string;
  signatureParams: Uint8Array | null;
  spki: Uint8Array;
}

/** A PKCS#10 request, PEM ('CERTIFICATE REQUEST' or 'NEW CERTIFICATE REQUEST') or DER. */
export function parseCsr(input: Uint8Array | string): ParsedCsr {
  return guard('CertificateInvalid', 'certificate request', () => {
    let der: Uint8Array;
    if (looksLikePem(input)) {
      const block = pemDecodeAll(toText(input)).find((b) => b.label === 'CERTIFICATE REQUEST' || b.label === 'NEW CERTIFICATE REQUEST');
      if (!block) throw new KwError('CertificateInvalid', 'no CERTIFICATE REQUEST block in the PEM text');
      der = block.der;
    } else {
      if (typeof input === 'string') throw new KwError('CertificateInvalid', 'text input is not PEM');
      der = new Uint8Array(input);
    }
    const { tbs } = splitSigned(der);
    const csr = AsnConvert.parse(der, CertificationRequest);
    const info = csr.certificationRequestInfo;
    let extensions: Extension[] | undefined;
    for (const attr of info.attributes ?? []) {
      if (attr.type !== OID.extensionRequest) continue;
      const first = attr.values[0];
      if (first) extensions = [...AsnConvert.parse(first, Extensions)];
    }
    const spki = new Uint8Array(AsnConvert.serialize(info.subjectPKInfo));
    const params = csr.signatureAlgorithm.parameters;
    return {
      summary: {
        subject: summarizeName(info.subject),
        publicKey: embeddedKey(spki),
        signatureAlgorithm: signatureAlgorithmSummary(csr.signatureAlgorithm.algorithm),
        ...summarizeExtensions(extensions),
        sha256: createHash('sha256').update(der).digest('hex').toUpperCase(),
      },
      der,
      tbs,
      signature: new Uint8Array(csr.signature),
      signatureOid: csr.signatureAlgorithm.algorithm,
      signatureParams: params ? bytes(params) : null,
      spki,
    };
  });
}
