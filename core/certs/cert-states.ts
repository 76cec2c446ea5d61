/**
 * The certificate state machine (pure). PendingIssue → Enabled happens only by importing
 * the CA-issued certificate; Enabled ⇄ Disabled by the officer; Enabled | Disabled →
 * Revoked, and nothing ever leaves Revoked. Only Enabled certificates may be used.
 */
import { KwError } from '../api/errors.ts';
import type { CertificateStatus } from '../api/ops/certificates.ts';

export type RequestedStatus = Exclude<CertificateStatus, 'PendingIssue'>;

const ALLOWED: Record<CertificateStatus, readonly RequestedStatus[]> = {
  PendingIssue: [],
  Enabled: ['Enabled', 'Disabled', 'Revoked'],
  Disabled: ['Enabled', 'Disabled', 'Revoked'],
  Revoked: ['Revoked'],
};

export function requireTransition(id: string, from: CertificateStatus, to: RequestedStatus): void {
  if (!ALLOWED[from].includes(to)) {
    const why = from === 'Revoked' ? 'revocation is final' : from === 'PendingIssue' ? 'import the issued certificate first' : 'not allowed';
    throw new KwError('InvalidCertificateState', `certificate ${id} is ${from} and cannot become ${to}: ${why}`, { status: from });
  }
}

export function requireUsable(id: string, status: CertificateStatus): void {
  if (status !== 'Enabled') {
    throw new KwError('InvalidCertificateState', `certificate ${id} is ${status}; only Enabled certificates can be used`, { status });
  }
}
