/** Rows of the certificate tables and their mapping to the contract's shapes. */
import { KwError } from '../api/errors.ts';
import type { ReadableDb, WritableDb } from '../catalogue/db.ts';
import type { CertificateInfo, CertificateStatus } from '../api/ops/certificates.ts';
import { isChainVerified } from './chain-policy.ts';
import { expiryStatus, parseCertificate, parseCsr, pemEncode, type ParsedCertificate } from '../x509/index.ts';

export type CertificateKind = 'KMS' | 'UKEY';

export interface CertificateRow {
  id: string;
  kind: CertificateKind;
  status: CertificateStatus;
  source: 'CSR' | 'PKCS12' | 'UKEY';
  name: string;
  key_spec: string | null;
  protection_level: 'SOFTWARE' | 'HSM' | null;
  exportable: number;
  public_key: Buffer;
  sealed_private_key: Buffer | null;
  csr: Buffer | null;
  certificate: Buffer | null;
  chain_report: string | null;
  subject_dn: string;
  issuer_dn: string | null;
  serial_number: string | null;
  not_before: number | null;
  not_after: number | null;
  sha256: string | null;
  token_label: string | null;
  token_object_id: string | null;
  created_at: number;
  updated_at: number;
}

/** What the private key is sealed to: the certificate id and this fixed slot name. */
export const PRIVATE_KEY_SLOT = 'certificate-private-key';

const KIND_WORD: Record<CertificateKind, string> = { KMS: 'certificate', UKEY: 'UKey certificate' };

export function getCertificateRow(db: ReadableDb, kind: CertificateKind, id: string): CertificateRow {
  const row = db.prepare('SELECT * FROM certificates WHERE id = ? AND kind = ?').get(id.toLowerCase(), kind) as CertificateRow | undefined;
  if (!row) throw new KwError('CertificateNotFound', `${KIND_WORD[kind]} ${id} does not exist`);
  return row;
}

export function chainDers(db: ReadableDb, id: string): Buffer[] {
  return (db.prepare('SELECT der FROM certificate_chain WHERE certificate_id = ? ORDER BY position').all(id) as Array<{ der: Buffer }>).map((r) => r.der);
}

export function insertChain(db: WritableDb, id: string, ders: Uint8Array[]): void {
  const ins = db.prepare('INSERT INTO certificate_chain (certificate_id, position, der) VALUES (?, ?, ?)');
  ders.forEach((der, i) => ins.run(id, i, Buffer.from(der)));
}

/** Columns every certificate row takes from its parsed certificate. */
export function certificateColumns(cert: ParsedCertificate) {
  return {
    certificate: Buffer.from(cert.der),
    subject_dn: cert.summary.subject.dn,
    issuer_dn: cert.summary.issuer.dn,
    serial_number: cert.summary.serialNumber,
    not_before: cert.notBefore.getTime(),
    not_after: cert.notAfter.getTime(),
    sha256: cert.summary.fingerprints.sha256,
  };
}

export function insertCertificateRow(db: WritableDb, row: CertificateRow): void {
  db.prepare(
    `INSERT INTO certificates (id, kind, status, source, name, key_spec, protection_level, exportable, public_key, sealed_private_key, csr,
       certificate, chain_report, subject_dn, issuer_dn, serial_number, not_before, not_after, sha256, token_label, token_object_id, created_at, updated_at)
     VALUES (@id, @kind, @status, @source, @name, @key_spec, @protection_level, @exportable, @public_key, @sealed_private_key, @csr,
       @certificate, @chain_report, @subject_dn, @issuer_dn, @serial_number, @not_before, @not_after, @sha256, @token_label, @token_object_id, @created_at, @updated_at)`,
  ).run(row);
}

/** The validation report kept with the row (null for rows imported before one was kept). */
export function storedReport(row: Pick<CertificateRow, 'chain_report'>): { ok: boolean; complete: boolean } | null {
  if (!row.chain_report) return null;
  try {
    const r = JSON.parse(row.chain_report) as { ok?: unknown; complete?: unknown };
    return { ok: r.ok === true, complete: r.complete === true };
  } catch {
    return null;
  }
}

/** Refuses what relies on trusting a certificate until its chain has been verified. */
export function requireVerifiedChain(row: CertificateRow): void {
  if (!isChainVerified(storedReport(row))) {
    throw new KwError('CertificateChainUnverified', `certificate ${row.id} has no verified issuing chain; import a chain that verifies it (importCertificateChain) first`, {
      certificateId: row.id,
    });
  }
}

export function toPem(der: Uint8Array): string {
  return pemEncode('CERTIFICATE', der);
}

/** The contract's view of a row; the certificate (or, while PendingIssue, the request) is parsed for the details. */
export function toInfo(db: ReadableDb, row: CertificateRow, now: number): CertificateInfo {
  const chainLength = (db.prepare('SELECT count(*) AS n FROM certificate_chain WHERE certificate_id = ?').get(row.id) as { n: number }).n;
  const report = storedReport(row);
  const base = {
    certificateId: row.id,
    status: row.status,
    kind: row.kind,
    source: row.source,
    name: row.name,
    keySpec: row.key_spec,
    protectionLevel: row.protection_level,
    exportable: row.exportable === 1,
    chainLength,
    chainComplete: report?.complete ?? null,
    chainVerified: isChainVerified(report),
    tokenLabel: row.token_label,
    tokenObjectId: row.token_object_id,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
  if (row.certificate) {
    const cert = parseCertificate(row.certificate);
    const s = cert.summary;
    return {
      ...base,
      subject: s.subject.dn,
      subjectFields: s.subject.fields,
      issuer: s.issuer.dn,
      serialNumber: s.serialNumber,
      notBefore: s.notBefore,
      notAfter: s.notAfter,
      signatureAlgorithm: s.signatureAlgorithm.name,
      fingerprints: s.fingerprints,
      keyUsage: s.keyUsage,
      extendedKeyUsage: s.extendedKeyUsage,
      subjectAlternativeNames: s.subjectAltNames,
      expiry: expiryStatus(cert, new Date(now)),
    };
  }
  const csr = row.csr ? parseCsr(row.csr).summary : null;
  return {
    ...base,
    subject: csr?.subject.dn ?? row.subject_dn,
    subjectFields: csr?.subject.fields ?? { OU: [] },
    issuer: null,
    serialNumber: null,
    notBefore: null,
    notAfter: null,
    signatureAlgorithm: null,
    fingerprints: null,
    keyUsage: null,
    extendedKeyUsage: null,
    subjectAlternativeNames: csr?.subjectAltNames ?? [],
    expiry: null,
  };
}
