/** Read side of the audit log for the contract: paged, filtered listing and chain verification. */
import type { ParsedRequestOf, ResponseOf } from '../api/contract.ts';
import type { AuditEvent } from '../api/ops/audit.ts';
import type { ReadableDb } from '../catalogue/db.ts';
import { verifyAuditChain as verifyChain, type AuditLog } from './audit-log.ts';

/** What the read side needs of a call's context (the service passes its CallContext). */
export interface AuditReadContext {
  audit: Pick<AuditLog, 'flush'>;
  db: ReadableDb;
}

interface Row {
  seq: number;
  at: number;
  event: string;
  actor: string;
  key_id: string | null;
  outcome: 'success' | 'failure';
  error_code: string | null;
  detail: string | null;
}

function toEvent(r: Row): AuditEvent {
  let detail: AuditEvent['detail'] = null;
  if (r.detail) {
    try {
      detail = JSON.parse(r.detail) as AuditEvent['detail'];
    } catch {
      detail = null;
    }
  }
  return { seq: r.seq, at: new Date(r.at).toISOString(), event: r.event, actor: r.actor, keyId: r.key_id, outcome: r.outcome, errorCode: r.error_code, detail };
}

export function listAuditEvents(req: ParsedRequestOf<'listAuditEvents'>, ctx: AuditReadContext): ResponseOf<'listAuditEvents'> {
  // Records still buffered by group commit are written first, so the officer sees them.
  ctx.audit.flush();
  const where: string[] = [];
  const args: Array<string | number> = [];
  if (req.event) (where.push('event = ?'), args.push(req.event));
  if (req.keyId) (where.push('key_id = ?'), args.push(req.keyId));
  if (req.outcome) (where.push('outcome = ?'), args.push(req.outcome));
  if (req.actor) (where.push('actor = ?'), args.push(req.actor));
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const order = req.sortOrder === 'asc' ? 'ASC' : 'DESC';
  const total = (ctx.db.prepare(`SELECT COUNT(*) AS n FROM audit_log ${clause}`).get(...args) as { n: number }).n;
  const rows = ctx.db
    .prepare(`SELECT seq, at, event, actor, key_id, outcome, error_code, detail FROM audit_log ${clause} ORDER BY seq ${order} LIMIT ? OFFSET ?`)
    .all(...args, req.pageSize, (req.pageNumber - 1) * req.pageSize) as Row[];
  return { events: rows.map(toEvent), totalCount: total, pageNumber: req.pageNumber, pageSize: req.pageSize };
}

export function verifyAuditChain(_req: ParsedRequestOf<'verifyAuditChain'>, ctx: AuditReadContext): ResponseOf<'verifyAuditChain'> {
  ctx.audit.flush();
  return verifyChain(ctx.db);
}
