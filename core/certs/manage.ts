/**
 * Reading and managing stored certificates of either kind: list, describe, PEM out, the
 * chain validated now, status changes and deletion. The KMS and UKey operations share
 * these functions and differ only in the kind they look at.
 */
import type { ParsedRequestOf } from '../api/contract.ts';
import type { CertificateInfo, CertificateList, ChainReportView } from '../api/ops/certificates.ts';
import type { CallContext } from '../kms/context.ts';
import { DAY_MS } from '../domain/limits.ts';
import { validateChain } from '../x509/index.ts';
import { reportView } from './chain-policy.ts';
import { requireTransition } from './cert-states.ts';
import { chainDers, getCertificateRow, toInfo, toPem, type CertificateKind, type CertificateRow } from './cert-repo.ts';
import { destroyTokenKey, isTokenHeld } from './token-keys.ts';

/** notAfter within this many days raises an expiry warning (as expiryStatus does). */
const WARN_DAYS = 30;
const SORT = { createdAt: 'created_at', notAfter: 'not_after' } as const;

export function listCertificates(kind: CertificateKind, req: ParsedRequestOf<'listCertificate'>, ctx: CallContext): CertificateList {
  const now = ctx.clock.now();
  const where = ['kind = @kind'];
  const params: Record<string, string | number> = { kind };
  if (req.status !== undefined) {
    where.push('status = @status');
    params.status = req.status;
  }
  if (req.keySpec !== undefined) {
    where.push('key_spec = @keySpec');
    params.keySpec = req.keySpec;
  }
  if (req.search !== undefined && req.search !== '') {
    where.push("(id LIKE @search ESCAPE '\\' OR name LIKE @search ESCAPE '\\' OR subject_dn LIKE @search ESCAPE '\\' OR issuer_dn LIKE @search ESCAPE '\\' OR serial_number LIKE @search ESCAPE '\\' OR sha256 LIKE @search ESCAPE '\\')");
    params.search = `%${req.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  }
  if (req.expiringWithinDays !== undefined) {
    where.push('not_after IS NOT NULL AND not_after <= @horizon');
    params.horizon = now + req.expiringWithinDays * DAY_MS;
  }
  const clause = `WHERE ${where.join(' AND ')}`;
  const total = (ctx.db.prepare(`SELECT count(*) AS n FROM certificates ${clause}`).get(params) as { n: number }).n;
  const order = `${SORT[req.sortBy]} ${req.sortOrder === 'asc' ? 'ASC' : 'DESC'} NULLS LAST, id`;
  const rows = ctx.db
    .prepare(`SELECT * FROM certificates ${clause} ORDER BY ${order} LIMIT @limit OFFSET @offset`)
    .all({ ...params, limit: req.pageSize, offset: (req.pageNumber - 1) * req.pageSize }) as CertificateRow[];
  const counts = ctx.db
    .prepare(
      `SELECT sum(CASE WHEN not_after < @now THEN 1 ELSE 0 END) AS expired,
              sum(CASE WHEN not_after >= @now AND not_after - @now < @warnMs AND not_before <= @now THEN 1 ELSE 0 END) AS warning
       FROM certificates WHERE kind = @kind AND not_after IS NOT NULL AND status <> 'Revoked'`,
    )
    .get({ kind, now, warnMs: (WARN_DAYS + 1) * DAY_MS }) as { expired: number | null; warning: number | null };
  return {
    certificates: rows.map((r) => toInfo(ctx.db, r, now)),
    totalCount: total,
    pageNumber: req.pageNumber,
    pageSize: req.pageSize,
    expiryWarnings: { warning: counts.warning ?? 0, expired: counts.expired ?? 0 },
  };
}

export function describeCertificate(kind: CertificateKind, id: string, ctx: CallContext): { certificate: CertificateInfo } {
  const row = getCertificateRow(ctx.db, kind, id);
  ctx.keyId = row.id;
  return { certificate: toInfo(ctx.db, row, ctx.clock.now()) };
}

export function certificatePem(kind: CertificateKind, id: string, ctx: CallContext): { row: CertificateRow; certificate: string | null; chain: string } {
  const row = getCertificateRow(ctx.db, kind, id);
  ctx.keyId = row.id;
  return { row, certificate: row.certificate ? toPem(row.certificate) : null, chain: chainDers(ctx.db, row.id).map(toPem).join('') };
}

export function validateStoredChain(kind: CertificateKind, id: string, ctx: CallContext): ChainReportView {
  const row = getCertificateRow(ctx.db, kind, id);
  ctx.keyId = row.id;
  if (!row.certificate) {
    return { ok: false, complete: false, at: new Date(ctx.clock.now()).toISOString(), reasons: ['pendingIssue'], path: [] };
  }
  return reportView(validateChain(row.certificate, chainDers(ctx.db, row.id), { at: new Date(ctx.clock.now()), crypto: ctx.suite }));
}

export function updateStatus(kind: CertificateKind, req: ParsedRequestOf<'updateCertificateStatus'>, ctx: CallContext): { certificate: CertificateInfo } {
  const row = getCertificateRow(ctx.db, kind, req.certificateId);
  ctx.keyId = row.id;
  requireTransition(row.id, row.status, req.status);
  const now = ctx.clock.now();
  ctx.detail = { from: row.status, to: req.status };
  if (row.status !== req.status) {
    ctx.write(() => ctx.db.prepare("UPDATE certificates SET status = ?, updated_at = ? WHERE id = ? AND status <> 'Revoked'").run(req.status, now, row.id));
  }
  return { certificate: toInfo(ctx.db, getCertificateRow(ctx.db, kind, row.id), now) };
}

/**
 * Deletes the row and its chain; secure_delete overwrites the freed pages, so the sealed key
 * is gone from the file too. A token-held key is destroyed on the token first (that needs
 * the officer's login; if it fails the certificate stays as it was). UKey certificates only
 * name the officer's own token object, which is never touched.
 */
export async function deleteCertificate(kind: CertificateKind, id: string, ctx: CallContext): Promise<{ certificateId: string; deleted: true }> {
  const row = getCertificateRow(ctx.db, kind, id);
  ctx.keyId = row.id;
  const tokenKeyDestroyed = isTokenHeld(row) ? await destroyTokenKey(ctx, row) : null;
  ctx.detail = tokenKeyDestroyed === null ? { status: row.status } : { status: row.status, tokenKeyDestroyed };
  ctx.write(() => ctx.db.prepare('DELETE FROM certificates WHERE id = ?').run(row.id));
  return { certificateId: row.id, deleted: true };
}
