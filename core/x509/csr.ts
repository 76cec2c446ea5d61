/**
 * PKCS#10 certification requests (RFC 2986) for RSA, EC P-256 and SM2 keys. The key
 * itself never enters this module: the caller hands in the public key (SPKI DER) and a
 * signer, so a token key signs the same way a software key does. SM2 requests are signed
 * with sm2-with-sm3 (GM/T 0006 OID 1.2.156.10197.1.501) and the default user id.
 */
import { isIP } from 'node:net';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier, Attribute, Extension, Extensions, GeneralName, SubjectAlternativeName, SubjectPublicKeyInfo,
} from '@peculiar/asn1-x509';
import { Attributes, CertificationRequest, CertificationRequestInfo } from '@peculiar/asn1-csr';
import type { KeyPairSpec } from '../crypto/types.ts';
import { KwError } from '../api/errors.ts';
import { ab, pemEncode } from './der.ts';
import { buildName } from './names.ts';
import type { SubjectInput } from './names.ts';
import { OID } from './oids.ts';
import { signatureSchemeFor } from './signer.ts';
import type { TbsSigner } from './signer.ts';
import { parseSpki } from './spki.ts';

export interface SanInput {
  type: 'dns' | 'ip' | 'email';
  value: string;
}

export interface CsrRequest {
  subject: SubjectInput;
  subjectAlternativeNames?: SanInput[];
  /** The key pair's public half, SPKI DER; its spec decides the signature algorithm. */
  publicKey: Uint8Array;
}

export interface BuiltCsr {
  der: Uint8Array;
  pem: string;
  keySpec: KeyPairSpec;
}

const MAX_SANS = 100;
const DNS_RE = /^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const EMAIL_RE = /^[\x21-\x3f\x41-\x7e]+@[A-Za-z0-9.-]+$/;
const CSR_SPECS: ReadonlySet<KeyPairSpec> = new Set(['RSA_2048', 'RSA_3072', 'RSA_4096', 'EC_P256', 'SM2']);

function sanToGeneralName(san: SanInput): GeneralName {
  const bad = (why: string) => new KwError('InvalidParameter', `subject alternative name: ${why}`, { type: String(san?.type) });
  if (!san || typeof san.value !== 'string') throw bad('value must be a string');
  switch (san.type) {
    case 'dns':
      if (san.value.length > 253 || !DNS_RE.test(san.value)) throw bad('not a DNS name');
      return new GeneralName({ dNSName: san.value });
    case 'ip':
      if (isIP(san.value) === 0) throw bad('not an IPv4 or IPv6 address');
      return new GeneralName({ iPAddress: san.value });
    case 'email':
      if (san.value.length > 255 || !EMAIL_RE.test(san.value)) throw bad('not an e-mail address');
      return new GeneralName({ rfc822Name: san.value });
    default:
      throw bad('type must be dns, ip or email');
  }
}

/** Encodes the CertificationRequestInfo (the bytes that get signed) after checking every field. */
export function buildCsrInfo(req: CsrRequest): { info: CertificationRequestInfo; tbs: Uint8Array; keySpec: KeyPairSpec } {
  if (!req || !(req.publicKey instanceof Uint8Array)) throw new KwError('MissingParameter', 'publicKey (SPKI DER) is required');
  const key = parseSpki(req.publicKey).summary;
  if (key.spec === null || !CSR_SPECS.has(key.spec)) {
    throw new KwError('InvalidParameter', 'key must be RSA_2048/3072/4096, EC_P256 or SM2', { algorithm: key.algorithm });
  }
  const subject = buildName(req.subject);
  const sans = req.subjectAlternativeNames ?? [];
  if (!Array.isArray(sans) || sans.length > MAX_SANS) throw new KwError('InvalidParameter', `at most ${MAX_SANS} subject alternative names`);
  const attributes: Attribute[] = [];
  if (sans.length > 0) {
    const san = new SubjectAlternativeName(sans.map(sanToGeneralName));
    const exts = new Extensions([new Extension({ extnID: OID.subjectAltName, critical: false, extnValue: new OctetString(AsnConvert.serialize(san)) })]);
    attributes.push(new Attribute({ type: OID.extensionRequest, values: [AsnConvert.serialize(exts)] }));
  }
  const info = new CertificationRequestInfo({
    version: 0,
    subject,
    subjectPKInfo: AsnConvert.parse(req.publicKey, SubjectPublicKeyInfo),
    attributes: new Attributes(attributes),
  });
  return { info, tbs: new Uint8Array(AsnConvert.serialize(info)), keySpec: key.spec };
}

/** Builds and signs a request; `sign` is called once with the CertificationRequestInfo DER. */
export async function buildCsr(req: CsrRequest, sign: TbsSigner): Promise<BuiltCsr> {
  const { info, tbs, keySpec } = buildCsrInfo(req);
  const scheme = signatureSchemeFor(keySpec);
  const signature = await sign(tbs);
  if (!(signature instanceof Uint8Array) || signature.length === 0) throw new KwError('InternalError', 'signer returned no signature');
  const csr = new CertificationRequest({
    certificationRequestInfo: info,
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: scheme.oid, ...(scheme.nullParams ? { parameters: null } : {}) }),
    signature: ab(signature),
  });
  const der = new Uint8Array(AsnConvert.serialize(csr));
  return { der, pem: pemEncode('CERTIFICATE REQUEST', der), keySpec };
}
