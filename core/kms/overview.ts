/**
 * describeVaultOverview: the Overview screen's figures in one read. Counts come from one
 * GROUP BY over keys and one over certificates; the due lists walk the partial indexes on
 * next_rotation_at, deletion_date, material_expires_at and import_wrapping_keys.expires_at
 * in date order and stop at OVERVIEW_LIST_MAX, so the cost does not grow with the vault.
 * byok_packages has no expiry index: officers prepare a handful of packages, not thousands.
 */
import type { ParsedRequestOf, ResponseOf } from '../api/contract.ts';
import { CERTIFICATE_STATUSES, type CertificateStatus } from '../api/ops/certificates.ts';
import { OVERVIEW_AUDIT_WINDOW, OVERVIEW_LIST_MAX, type DueKey, type DueList, type ExpiringByokPackage, type ExpiringImportToken, type PendingTokenDestruction } from '../api/ops/overview.ts';
import type { ReadableDb } from '../catalogue/db.ts';
import { KEY_SPECS, PROTECTION_LEVELS, type KeySpec, type ProtectionLevel } from '../domain/key-specs.ts';
import { KEY_STATES, type KeyState } from '../domain/key-states.ts';
import { DAY_MS } from '../domain/limits.ts';
import { readTokenSettings } from '../vault/token-settings.ts';
import type { CallContext } from './context.ts';
import { pendingTokenDestructions } from './token-destructions.ts';

const FIRST_ALIAS = '(SELECT min(a.alias) FROM aliases a WHERE a.key_id = k.id)';

export function describeVaultOverview(req: ParsedRequestOf<'describeVaultOverview'>, ctx: CallContext): ResponseOf<'describeVaultOverview'> {
  // Buffered audit records are written first so the audit figures include them.
  ctx.audit.flush();
  const db = ctx.db;
  const now = ctx.clock.now();
  const until = now + req.withinDays * DAY_MS;
  return {
    at: iso(now),
    withinDays: req.withinDays,
    keys: keyCounts(db),
    certificates: certificateCounts(db),
    dueRotation: dueKeys(db, "+k.state = 'Enabled' AND k.next_rotation_at IS NOT NULL AND k.next_rotation_at <= @until", 'k.next_rotation_at', { until }),
    dueDeletion: dueKeys(db, "+k.state = 'PendingDeletion' AND k.deletion_date IS NOT NULL AND k.deletion_date <= @until", 'k.deletion_date', { until }),
    materialExpiring: dueKeys(
      db,
      "k.material_expires_at IS NOT NULL AND k.material_expires_at <= @until AND +k.origin = 'EXTERNAL' AND +k.state IN ('Enabled', 'Disabled')",
      'k.material_expires_at',
      { until },
    ),
    importTokensExpiring: importTokens(db, now, until),
    byokPackagesExpiring: byokPackages(db, now, until),
    tokenDestructionsPending: tokenDestructions(db),
    tokenModule: readTokenSettings(db),
    audit: auditHealth(ctx),
  };
}

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

function keyCounts(db: ReadableDb): ResponseOf<'describeVaultOverview'>['keys'] {
  const byState = zeroes(KEY_STATES);
  const bySpec = zeroes(KEY_SPECS);
  const byProtectionLevel = zeroes(PROTECTION_LEVELS);
  let total = 0;
  // One pass over the table; the three tallies are folded from its groups.
  const rows = db.prepare('SELECT state, spec, protection_level AS pl, count(*) AS n FROM keys GROUP BY state, spec, protection_level').all() as Array<{ state: KeyState; spec: KeySpec; pl: ProtectionLevel; n: number }>;
  for (const r of rows) {
    total += r.n;
    byState[r.state] = (byState[r.state] ?? 0) + r.n;
    bySpec[r.spec] = (bySpec[r.spec] ?? 0) + r.n;
    byProtectionLevel[r.pl] = (byProtectionLevel[r.pl] ?? 0) + r.n;
  }
  return { total, byState, bySpec, byProtectionLevel };
}

function certificateCounts(db: ReadableDb): ResponseOf<'describeVaultOverview'>['certificates'] {
  const byStatus = zeroes(CERTIFICATE_STATUSES);
  let total = 0;
  for (const r of db.prepare('SELECT status, count(*) AS n FROM certificates GROUP BY status').all() as Array<{ status: CertificateStatus; n: number }>) {
    total += r.n;
    byStatus[r.status] = r.n;
  }
  return { total, byStatus };
}

function dueKeys(db: ReadableDb, where: string, dateColumn: string, params: { until: number }): DueList<DueKey> {
  const rows = db
    .prepare(`SELECT k.id, ${FIRST_ALIAS} AS alias, ${dateColumn} AS at FROM keys k WHERE ${where} ORDER BY ${dateColumn}, k.id LIMIT @limit`)
    .all({ ...params, limit: OVERVIEW_LIST_MAX }) as Array<{ id: string; alias: string | null; at: number }>;
  const totalCount = (db.prepare(`SELECT count(*) AS n FROM keys k WHERE ${where}`).get(params) as { n: number }).n;
  return { items: rows.map((r) => ({ cmkUuid: r.id, alias: r.alias, date: iso(r.at) })), totalCount };
}

function importTokens(db: ReadableDb, now: number, until: number): DueList<ExpiringImportToken> {
  // A token matters only while its key still waits for material; lapsed ones are history.
  const where = "w.expires_at > @now AND w.expires_at <= @until AND k.state = 'PendingImport'";
  const params = { now, until };
  const rows = db
    .prepare(`SELECT w.id, k.id AS key_id, ${FIRST_ALIAS} AS alias, w.expires_at FROM import_wrapping_keys w JOIN keys k ON k.id = w.key_id WHERE ${where} ORDER BY w.expires_at, w.id LIMIT @limit`)
    .all({ ...params, limit: OVERVIEW_LIST_MAX }) as Array<{ id: string; key_id: string; alias: string | null; expires_at: number }>;
  const totalCount = (db.prepare(`SELECT count(*) AS n FROM import_wrapping_keys w JOIN keys k ON k.id = w.key_id WHERE ${where}`).get(params) as { n: number }).n;
  return { items: rows.map((r) => ({ importTokenId: r.id, cmkUuid: r.key_id, alias: r.alias, expiresAt: iso(r.expires_at) })), totalCount };
}

function byokPackages(db: ReadableDb, now: number, until: number): DueList<ExpiringByokPackage> {
  const where = 'p.token_expires_at IS NOT NULL AND p.token_expires_at > @now AND p.token_expires_at <= @until';
  const params = { now, until };
  const rows = db
    .prepare(`SELECT p.id, p.target, e.key_spec, p.token_expires_at FROM byok_packages p JOIN byok_escrow e ON e.id = p.escrow_id WHERE ${where} ORDER BY p.token_expires_at, p.id LIMIT @limit`)
    .all({ ...params, limit: OVERVIEW_LIST_MAX }) as Array<{ id: string; target: string; key_spec: string; token_expires_at: number }>;
  const totalCount = (db.prepare(`SELECT count(*) AS n FROM byok_packages p WHERE ${where}`).get(params) as { n: number }).n;
  return { items: rows.map((r) => ({ packageId: r.id, target: r.target, keySpec: r.key_spec, tokenExpiresAt: iso(r.token_expires_at) })), totalCount };
}

function tokenDestructions(db: ReadableDb): DueList<PendingTokenDestruction> {
  const { rows, totalCount } = pendingTokenDestructions(db, OVERVIEW_LIST_MAX);
  return {
    items: rows.map((r) => ({
      cmkUuid: r.key_id, keyVersionId: r.version_id, keySpec: r.key_spec, tokenLabel: r.token_label, objectId: r.token_object_id,
      reason: r.reason, requestedAt: iso(r.requested_at), lastError: r.last_error,
    })),
    totalCount,
  };
}

function auditHealth(ctx: CallContext): ResponseOf<'describeVaultOverview'>['audit'] {
  // seq is the rowid and the log is append-only (triggers refuse deletes), so the last seq
  // is the record count without counting; the failure tally reads a rowid range.
  const last = ctx.db.prepare('SELECT seq, at FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; at: number } | undefined;
  const records = last?.seq ?? 0;
  const failures = (
    ctx.db.prepare("SELECT count(*) AS n FROM audit_log WHERE seq > ? AND outcome = 'failure'").get(records - OVERVIEW_AUDIT_WINDOW) as { n: number }
  ).n;
  return { healthy: ctx.audit.healthy, records, lastRecordAt: last ? iso(last.at) : null, recentFailures: { window: OVERVIEW_AUDIT_WINDOW, failures } };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
