/**
 * Certificate management (seed 002 "证书管理") and UKey certificates (certificates whose
 * private key stays on the officer's token). States and formats: docs/certificates.md.
 */
import { z } from 'zod';
import { op } from '../operation.ts';
import { isCountryCode } from '../../domain/countries.ts';
import * as s from '../schemas.ts';
import { LIMITS } from '../../domain/limits.ts';
import type { ChainReasonCode } from '../../domain/chain-reasons.ts';
import { CERTIFICATE_KEY_SPECS } from '../../domain/vocabulary.ts';

export const CERTIFICATE_STATUSES = ['PendingIssue', 'Enabled', 'Disabled', 'Revoked'] as const;
export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number];

export interface CertificateInfo {
  certificateId: string;
  status: CertificateStatus;
  /** KMS: the private key is held by Keywarden; UKEY: it stays on the officer's token. */
  kind: 'KMS' | 'UKEY';
  /** CSR: made by createCertificate; PKCS12: importCertificateByPKCS12; UKEY: importCertificateForUK. */
  source: 'CSR' | 'PKCS12' | 'UKEY';
  name: string;
  /** null when the key is outside the specs Keywarden manages (UKey certificates only). */
  keySpec: string | null;
  protectionLevel: 'SOFTWARE' | 'HSM' | null;
  exportable: boolean;
  /** RFC 4514 subject; while PendingIssue, the subject of the request. */
  subject: string;
  subjectFields: { CN?: string; C?: string; O?: string; OU: string[]; ST?: string; L?: string; E?: string };
  issuer: string | null;
  serialNumber: string | null;
  notBefore: string | null;
  notAfter: string | null;
  signatureAlgorithm: string | null;
  fingerprints: { sha256: string; sha1: string; sm3: string } | null;
  keyUsage: string[] | null;
  extendedKeyUsage: string[] | null;
  subjectAlternativeNames: Array<{ type: string; value: string }>;
  /** Days to notAfter and a warning level (warning within 30 days); null while PendingIssue. */
  expiry: { daysLeft: number; level: 'ok' | 'warning' | 'expired' | 'notYetValid' } | null;
  /** Certificates stored above the leaf, and whether the import-time validation reached a root. */
  chainLength: number;
  chainComplete: boolean | null;
  /**
   * False while nothing has verified the certificate's signature up to a root: a leaf
   * imported without its chain, a UKey certificate that merely parsed. Operations that rely
   * on trusting the certificate (verify, encrypt to it) refuse it with
   * CertificateChainUnverified until importCertificateChain brings a chain that verifies it.
   */
  chainVerified: boolean;
  tokenLabel: string | null;
  tokenObjectId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ChainCheck {
  role: 'leaf' | 'intermediate' | 'root';
  subject: string;
  issuer: string;
  serialNumber: string;
  sha256: string;
  notBefore: string;
  notAfter: string;
  signature: string;
  validity: 'ok' | 'expired' | 'notYetValid';
  reasons: ChainReasonCode[];
}

export interface ChainReportView {
  ok: boolean;
  /** True when the path reached a self-signed root among the stored certificates. */
  complete: boolean;
  at: string;
  reasons: ChainReasonCode[];
  path: ChainCheck[];
}

export interface CertificateList {
  certificates: CertificateInfo[];
  totalCount: number;
  pageNumber: number;
  pageSize: number;
  /** Over every certificate of this kind, not only this page. */
  expiryWarnings: { warning: number; expired: number };
}

const certificateId = z.uuid();
const idOnly = z.object({ certificateId }).strict();
/** A PEM certificate or bundle; 64 KB holds a leaf, or a chain of a dozen certificates. */
const pem = z.string().min(1).max(64 * 1024);
const password = z.string().min(1).max(1024);
/**
 * The reference's create-certificate dialog: CN, C, O and at least one OU (up to five) are
 * required; C is an ISO 3166-1 alpha-2 code (CN for China); ST, L and E are optional.
 */
const subject = z
  .object({
    CN: z.string().min(1).max(64),
    C: z.string().refine(isCountryCode, 'C must be an ISO 3166-1 two-letter country code, e.g. CN'),
    O: z.string().min(1).max(64),
    OU: z.array(z.string().min(1).max(64)).min(1, 'at least one OU (department) is required').max(5),
    ST: z.string().min(1).max(128).optional(),
    L: z.string().min(1).max(128).optional(),
    E: z.string().min(3).max(255).optional(),
  })
  .strict();
const san = z.object({ type: z.enum(['dns', 'ip', 'email']), value: z.string().min(1).max(255) }).strict();
const listRequest = z
  .object({
    ...s.paging,
    status: z.enum(CERTIFICATE_STATUSES).optional(),
    keySpec: z.string().max(16).optional(),
    search: z.string().max(128).optional(),
    expiringWithinDays: z.number().int().min(0).max(3650).optional(),
    sortBy: z.enum(['createdAt', 'notAfter']).default('createdAt'),
    sortOrder: z.enum(['asc', 'desc']).default('desc'),
  })
  .strict();
const verifyRequest = z
  .object({
    certificateId,
    algorithm: s.signAlgorithm,
    message: s.base64(LIMITS.asymmetricMessageMaxBytes),
    messageType: s.messageType.default('RAW'),
    signature: s.base64(1024),
  })
  .strict();
const statusRequest = z.object({ certificateId, status: z.enum(['Enabled', 'Disabled', 'Revoked']) }).strict();

export const certificateOps = {
  createCertificate: op<{ certificateId: string; csr: string; keySpec: string }>()({
    request: z
      .object({
        subject,
        subjectAlternativeNames: z.array(san).max(100).optional(),
        keySpec: z.enum(CERTIFICATE_KEY_SPECS),
        exportable: z.boolean().default(false),
        protectionLevel: s.protectionLevel.default('SOFTWARE'),
        /** With protectionLevel HSM: the token that generates and keeps the key pair (else the vault's default token). */
        tokenLabel: z.string().min(1).max(32).optional(),
        name: z.string().max(128).optional(),
      })
      .strict(),
    kind: 'write',
    permission: 'kms:cert:create',
    gate: 'unlocked',
    event: 'createCertificate',
    summary: 'Generate a key pair and a PKCS#10 request (PEM); the certificate waits in PendingIssue for the CA-issued certificate.',
  }),
  importCertificate: op<{ certificate: CertificateInfo; chainReport: ChainReportView }>()({
    request: z.object({ certificateId, certificate: pem, certificateChain: pem.optional() }).strict(),
    kind: 'write',
    permission: 'kms:cert:import',
    gate: 'unlocked',
    event: 'importCertificate',
    summary: 'Attach the CA-issued certificate (and chain, PEM) to a PendingIssue key; it must match the key and the chain must validate.',
  }),
  importCertificateByPKCS12: op<{ certificateId: string; certificate: CertificateInfo }>()({
    request: z.object({ pkcs12: s.base64(256 * 1024), password: z.string().max(1024), exportable: z.boolean().default(false), name: z.string().max(128).optional() }).strict(),
    kind: 'write',
    permission: 'kms:cert:import',
    gate: 'unlocked',
    event: 'importCertificateByPKCS12',
    summary: 'Import a password-protected PKCS#12 (key, certificate and chain).',
  }),
  listCertificate: op<CertificateList>()({
    request: listRequest,
    kind: 'read',
    permission: 'kms:cert:list',
    gate: 'unlocked',
    event: 'listCertificate',
    summary: 'Certificates with paging, filters (status, keySpec, search, expiringWithinDays) and expiry warnings.',
  }),
  describeCertificate: op<{ certificate: CertificateInfo }>()({ request: idOnly, kind: 'read', permission: 'kms:cert:describe', gate: 'unlocked', event: 'describeCertificate', summary: 'Certificate details.' }),
  getCertificate: op<{ certificateId: string; certificate: string | null; certificateChain: string; csr: string | null }>()({
    request: idOnly,
    kind: 'read',
    permission: 'kms:cert:get',
    gate: 'unlocked',
    event: 'getCertificate',
    summary: 'The certificate and its chain as PEM (and the request while PendingIssue).',
  }),
  describeCertificateChain: op<{ certificateId: string; chainReport: ChainReportView }>()({
    request: idOnly,
    kind: 'read',
    permission: 'kms:cert:describe',
    gate: 'unlocked',
    event: 'describeCertificateChain',
    summary: 'Validate the stored chain now: signatures, validity, basic constraints, key usage, with reason codes.',
  }),
  updateCertificateStatus: op<{ certificate: CertificateInfo }>()({
    request: statusRequest,
    kind: 'write',
    permission: 'kms:cert:update',
    gate: 'unlocked',
    event: 'updateCertificateStatus',
    summary: 'Enable or disable a certificate, or revoke it (terminal).',
  }),
  deleteCertificate: op<{ certificateId: string; deleted: true }>()({
    request: idOnly,
    kind: 'write',
    permission: 'kms:cert:delete',
    gate: 'unlocked',
    event: 'deleteCertificate',
    summary: 'Delete a certificate and destroy its sealed private key.',
  }),
  exportCertificatePrivateKey: op<{ certificateId: string; format: 'PKCS8' | 'PKCS12'; encryptedPrivateKey?: string; pkcs12?: string }>()({
    request: z.object({ certificateId, password, format: z.enum(['PKCS8', 'PKCS12']) }).strict(),
    kind: 'crypto',
    permission: 'kms:cert:exportPrivatkey',
    gate: 'unlocked',
    event: 'exportCertificatePrivateKey',
    summary: 'Export an exportable private key as password-encrypted PKCS#8 (PEM) or PKCS#12 (base64).',
    returnsSecret: true,
  }),
  certificatePrivateKeySign: op<{ certificateId: string; signature: string; algorithm: string }>()({
    request: z
      .object({ certificateId, algorithm: s.signAlgorithm, message: s.base64(LIMITS.asymmetricMessageMaxBytes), messageType: s.messageType.default('RAW') })
      .strict(),
    kind: 'crypto',
    permission: 'kms:cert:privateKeySign',
    gate: 'unlocked',
    event: 'certificatePrivateKeySign',
    summary: 'Sign with the certificate private key (SM2 with the default user id).',
  }),
  certificatePublicKeyVerify: op<{ certificateId: string; signatureValid: boolean }>()({
    request: verifyRequest,
    kind: 'crypto',
    permission: 'kms:cert:publicKeyVerity',
    gate: 'unlocked',
    event: 'certificatePublicKeyVerify',
    summary: 'Verify a signature with the certificate public key.',
  }),
  certificatePublicKeyEncrypt: op<{ certificateId: string; ciphertextBlob: string }>()({
    request: z.object({ certificateId, algorithm: s.asymEncryptAlgorithm, plaintext: s.base64(LIMITS.asymmetricMessageMaxBytes) }).strict(),
    kind: 'crypto',
    permission: 'kms:cert:publicKeyEncrypt',
    gate: 'unlocked',
    event: 'certificatePublicKeyEncrypt',
    summary: 'Encrypt with the certificate public key (RSA OAEP or SM2PKE).',
  }),
  certificatePrivateKeyDecrypt: op<{ certificateId: string; plaintext: string }>()({
    request: z.object({ certificateId, algorithm: s.asymEncryptAlgorithm, ciphertextBlob: s.base64(8192) }).strict(),
    kind: 'crypto',
    permission: 'kms:cert:privateKeyDecrypt',
    gate: 'unlocked',
    event: 'certificatePrivateKeyDecrypt',
    summary: 'Decrypt with the certificate private key.',
    returnsSecret: true,
  }),
  importCertificateForUK: op<{ certificateId: string; certificate: CertificateInfo }>()({
    request: z
      .object({
        certificate: pem,
        /** The issuing chain (PEM); without one the certificate is recorded chain unverified. */
        certificateChain: pem.optional(),
        name: z.string().max(128).optional(),
        tokenLabel: z.string().min(1).max(32).optional(),
        tokenObjectId: z.string().regex(/^(?:[0-9a-f]{2}){1,64}$/, 'lowercase hex CKA_ID').optional(),
      })
      .strict(),
    kind: 'write',
    permission: 'kms:ukcert:import',
    gate: 'unlocked',
    event: 'importCertificateForUK',
    summary: 'Import a UKey certificate (PEM or base64 DER; no private key), optionally naming the token object it came from.',
  }),
  importCertificateChain: op<{ certificate: CertificateInfo; chainReport: ChainReportView }>()({
    request: z.object({ certificateId, certificateChain: pem }).strict(),
    kind: 'write',
    permission: 'kms:cert:importChain',
    gate: 'unlocked',
    event: 'importCertificateChain',
    summary: 'Attach the issuing chain (PEM) to a certificate or UKey certificate recorded chain unverified; it must verify the certificate up to a root.',
  }),
  listCertificateForUk: op<CertificateList>()({ request: listRequest, kind: 'read', permission: 'kms:ukcert:list', gate: 'unlocked', event: 'listCertificateForUk', summary: 'UKey certificates, as listCertificate.' }),
  describeCertificateForUk: op<{ certificate: CertificateInfo }>()({ request: idOnly, kind: 'read', permission: 'kms:ukcert:describe', gate: 'unlocked', event: 'describeCertificateForUk', summary: 'UKey certificate details.' }),
  getCertificateForUk: op<{ certificateId: string; certificate: string }>()({ request: idOnly, kind: 'read', permission: 'kms:ukcert:get', gate: 'unlocked', event: 'getCertificateForUk', summary: 'A UKey certificate as PEM.' }),
  updateCertificateStatusForUk: op<{ certificate: CertificateInfo }>()({
    request: statusRequest,
    kind: 'write',
    permission: 'kms:ukcert:update',
    gate: 'unlocked',
    event: 'updateCertificateStatusForUk',
    summary: 'Enable, disable or revoke (terminal) a UKey certificate.',
  }),
  deleteCertificateForUk: op<{ certificateId: string; deleted: true }>()({ request: idOnly, kind: 'write', permission: 'kms:ukcert:delete', gate: 'unlocked', event: 'deleteCertificateForUk', summary: 'Delete a UKey certificate.' }),
  certificatePublicKeyVerifyForUsbKey: op<{ certificateId: string; signatureValid: boolean }>()({
    request: verifyRequest,
    kind: 'crypto',
    permission: 'kms:ukcert:publicKeyVerify',
    gate: 'unlocked',
    event: 'certificatePublicKeyVerifyForUsbKey',
    summary: "Verify a signature made by the UKey's private key with its imported certificate.",
  }),
};
