/** The audit operations of the contract: paged, filtered listing, chain verification, checkpoints and export. */
import type { ParsedRequestOf, ResponseOf } from '../api/contract.ts';
import type { AuditEvent } from '../api/ops/audit.ts';
import { auditLevel, auditResourceType, EVENTS_BY_RESOURCE, INCIDENT_ERROR_CODES } from '../api/audit-taxonomy.ts';
import { KwError } from '../api/errors.ts';
import type { ReadableDb } from '../catalogue/db.ts';
import type { Clock } from '../ports/index.ts';
import type { AuditLog } from './audit-log.ts';
import { CHAIN_FORMAT } from './chain.ts';
import { checkpointFile, type StoredCheckpoint } from './checkpoints.ts';
import { buildExport, EXPORT_FORMAT, type ExportHeader } from './export.ts';

/** What the audit operations need of a call's context (the service passes its CallContext). */
export interface AuditReadContext {
  audit: Pick<AuditLog, 'flush' | 'verify' | 'checkpoint' | 'checkpoints'>;
  db: ReadableDb;
  clock: Clock;
  vault: { readonly vaultId: string | null };
  /** Runs fn in one transaction with the call's own audit record. */
  write<T>(fn: () => T): T;
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
  return {
    seq: r.seq,
    at: new Date(r.at).toISOString(),
    event: r.event,
    actor: r.actor,
    keyId: r.key_id,
    outcome: r.outcome,
    errorCode: r.error_code,
    resourceType: auditResourceType(r.event),
    level: auditLevel(r.outcome, r.error_code),
    detail,
  };
}

const placeholders = (n: number) => Array(n).fill('?').join(',');

type Filter = Pick<ParsedRequestOf<'listAuditEvents'>, 'resourceType' | 'level'>;

/** SQL for the resource type and level filters, from the same tables that classify each record. */
function taxonomyWhere(req: Filter, where: string[], args: Array<string | number>): void {
  if (req.resourceType === 'vault') {
    const others = Object.entries(EVENTS_BY_RESOURCE).flatMap(([t, events]) => (t === 'vault' ? [] : events));
    where.push(`event NOT IN (${placeholders(others.length)})`);
    args.push(...others);
  } else if (req.resourceType) {
    const events = EVENTS_BY_RESOURCE[req.resourceType];
    where.push(`event IN (${placeholders(events.length)})`);
    args.push(...events);
  }
  if (req.level === 'normal') where.push("outcome = 'success'");
  else if (req.level) {
    where.push(`outcome = 'failure' AND coalesce(error_code, '') ${req.level === 'incident' ? '' : 'NOT'} IN (${placeholders(INCIDENT_ERROR_CODES.length)})`);
    args.push(...INCIDENT_ERROR_CODES);
  }
}

export function listAuditEvents(req: ParsedRequestOf<'listAuditEvents'>, ctx: AuditReadContext): ResponseOf<'listAuditEvents'> {
  // Records still buffered by group commit are written first, so the officer sees them.
  ctx.audit.flush();
  const where: string[] = [];
  const args: Array<string | number> = [];
  if (req.event) {
    where.push('event = ?');
    args.push(req.event);
  }
  if (req.keyId) {
    where.push('key_id = ?');
    args.push(req.keyId);
  }
  if (req.outcome) {
    where.push('outcome = ?');
    args.push(req.outcome);
  }
  if (req.actor) {
    where.push('actor = ?');
    args.push(req.actor);
  }
  taxonomyWhere(req, where, args);
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const order = req.sortOrder === 'asc' ? 'ASC' : 'DESC';
  const total = (ctx.db.prepare(`SELECT COUNT(*) AS n FROM audit_log ${clause}`).get(...args) as { n: number }).n;
  const rows = ctx.db
    .prepare(`SELECT seq, at, event, actor, key_id, outcome, error_code, detail FROM audit_log ${clause} ORDER BY seq ${order} LIMIT ? OFFSET ?`)
    .all(...args, req.pageSize, (req.pageNumber - 1) * req.pageSize) as Row[];
  return { events: rows.map(toEvent), totalCount: total, pageNumber: req.pageNumber, pageSize: req.pageSize };
}

export function verifyAuditChain(req: ParsedRequestOf<'verifyAuditChain'>, ctx: AuditReadContext): ResponseOf<'verifyAuditChain'> {
  return ctx.audit.verify(req.checkpoint);
}

function vaultIdOf(ctx: AuditReadContext): string {
  const id = ctx.vault.vaultId;
  if (!id) throw new KwError('VaultNotInitialized', 'no vault here yet: run init first');
  return id;
}

function signNow(ctx: AuditReadContext): StoredCheckpoint {
  const c = ctx.write(() => ctx.audit.checkpoint());
  if (!c) throw new KwError('VaultLocked', 'the vault is locked');
  return c;
}

export function createAuditCheckpoint(_req: ParsedRequestOf<'createAuditCheckpoint'>, ctx: AuditReadContext): ResponseOf<'createAuditCheckpoint'> {
  return { checkpoint: checkpointFile(vaultIdOf(ctx), signNow(ctx)) };
}

export function getAuditCheckpoint(_req: ParsedRequestOf<'getAuditCheckpoint'>, ctx: AuditReadContext): ResponseOf<'getAuditCheckpoint'> {
  const c = ctx.audit.checkpoints.latestStored();
  return { checkpoint: c ? checkpointFile(vaultIdOf(ctx), c) : null };
}

export function exportAuditLog(req: ParsedRequestOf<'exportAuditLog'>, ctx: AuditReadContext): ResponseOf<'exportAuditLog'> {
  const { format, from, to, ...rest } = req;
  const fromMs = from ? Date.parse(from) : -Infinity;
  const toMs = to ? Date.parse(to) : Infinity;
  if (fromMs > toMs) throw new KwError('InvalidParameter', 'from: is after to', { field: 'from' });
  const cp = signNow(ctx);
  const vaultId = vaultIdOf(ctx);
  const filter = Object.fromEntries(Object.entries({ from, to, ...rest }).filter(([, v]) => v !== undefined));
  const header: ExportHeader = { format: EXPORT_FORMAT, vaultId, exportedAt: new Date(ctx.clock.now()).toISOString(), filter, chain: CHAIN_FORMAT, checkpoint: checkpointFile(vaultId, cp) };
  const built = buildExport(ctx.db, header, format, (r) => {
    if (r.atMs < fromMs || r.atMs > toMs) return false;
    if (rest.actor && r.actor !== rest.actor) return false;
    if (rest.event && r.event !== rest.event) return false;
    if (rest.resourceType && auditResourceType(r.event) !== rest.resourceType) return false;
    if (rest.level && auditLevel(r.outcome === 'success' ? 'success' : 'failure', r.errorCode) !== rest.level) return false;
    return true;
  });
  return { format, content: built.content, records: built.records, checkpointSeq: cp.seq };
}
