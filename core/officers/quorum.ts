/**
 * Quorum requests: canonical JSON of the request, its SHA-256 and SM3 digests, the
 * statement approvers sign, the shipped policies, and the request and approval rows.
 */
import { createHash } from 'node:crypto';
import { KwError } from '../api/errors.ts';
import type { ApprovalView, QuorumPolicy, QuorumRequestView } from '../api/ops/quorum.ts';
import type { ReadableDb, WritableDb } from '../catalogue/db.ts';
import type { CryptoSuite } from '../crypto/types.ts';

/** The issue's defaults: 2 key managers for destructive or exporting key operations, 2 administrators for custody changes. */
export const DEFAULT_POLICIES: readonly QuorumPolicy[] = [
  ...['scheduleKeyDeletion', 'cancelDeleteProtect', 'exportDataKey', 'generateAndExportDataKey', 'exportCertificatePrivateKey', 'deleteKeyMaterial', 'prepareByok'].map(
    (operation) => ({ operation, role: 'key-manager', required: 2, builtin: true }),
  ),
  ...['addOfficer', 'addOfficerCredential', 'updateOfficer', 'createRole', 'deleteRole', 'updateCustodySettings', 'setQuorumPolicy', 'initToken', 'addTokenUnlock'].map(
    (operation) => ({ operation, role: 'administrator', required: 2, builtin: true }),
  ),
];

/** RFC 8785-style canonical JSON: keys sorted by code unit, no insignificant whitespace. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new KwError('InvalidParameter', 'parameters must be finite numbers');
    return JSON.stringify(v) ?? 'null';
  }
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

export interface RequestCore {
  vaultId: string;
  requestId: string;
  operation: string;
  parameters: unknown;
  proposer: string;
  createdAt: string;
  expiresAt: string;
}

export function requestDigests(suite: CryptoSuite, r: RequestCore): { sha256: Buffer; sm3: Buffer } {
  const bytes = Buffer.from(canonicalJson({ format: 'keywarden-quorum-request/v1', ...r }), 'utf8');
  return { sha256: createHash('sha256').update(bytes).digest(), sm3: Buffer.from(suite.digest('SM3', bytes)) };
}

/** What an approver signs: readable, and binding the vault, the request and both digests. */
export function statementOf(vaultId: string, requestId: string, operation: string, sha256: Buffer, sm3: Buffer): Buffer {
  return Buffer.from(
    `keywarden approval v1\nvault ${vaultId}\nrequest ${requestId}\noperation ${operation}\nsha256 ${sha256.toString('hex')}\nsm3 ${sm3.toString('hex')}\n`,
    'utf8',
  );
}

export interface RequestRow {
  id: string;
  operation: string;
  parameters: string;
  digest_sha256: Buffer;
  digest_sm3: Buffer;
  role: string;
  required: number;
  proposer: string;
  status: 'pending' | 'executed' | 'withdrawn' | 'failed';
  created_at: number;
  expires_at: number;
  executed_at: number | null;
  executed_by: string | null;
  outcome: string | null;
}

export interface ApprovalRow {
  request_id: string;
  officer_id: string;
  credential_id: string;
  algorithm: string;
  signature: Buffer;
  approved_at: number;
}

export function policies(db: ReadableDb): QuorumPolicy[] {
  const rows = db.prepare('SELECT operation, role, required FROM quorum_policies').all() as Array<{ operation: string; role: string; required: number }>;
  const out = new Map(DEFAULT_POLICIES.map((p) => [p.operation, p]));
  for (const r of rows) out.set(r.operation, { ...r, builtin: false });
  return [...out.values()].sort((a, b) => a.operation.localeCompare(b.operation));
}

export function putPolicy(db: WritableDb, p: { operation: string; role: string; required: number }): void {
  db.prepare('INSERT INTO quorum_policies (operation, role, required) VALUES (?, ?, ?) ON CONFLICT(operation) DO UPDATE SET role = excluded.role, required = excluded.required').run(p.operation, p.role, p.required);
}

export function getRequest(db: ReadableDb, id: string): RequestRow {
  const row = db.prepare('SELECT * FROM quorum_requests WHERE id = ?').get(id) as RequestRow | undefined;
  if (!row) throw new KwError('RequestNotFound', `no quorum request '${id.slice(0, 64)}'`);
  return row;
}

export function approvalsOf(db: ReadableDb, id: string): ApprovalRow[] {
  return db.prepare('SELECT * FROM quorum_approvals WHERE request_id = ? ORDER BY approved_at, officer_id').all(id) as ApprovalRow[];
}

export function requestCore(vaultId: string, row: RequestRow): RequestCore {
  return {
    vaultId,
    requestId: row.id,
    operation: row.operation,
    parameters: JSON.parse(row.parameters) as unknown,
    proposer: row.proposer,
    createdAt: new Date(row.created_at).toISOString(),
    expiresAt: new Date(row.expires_at).toISOString(),
  };
}

export function requestView(db: ReadableDb, vaultId: string, row: RequestRow, now: number): QuorumRequestView {
  const names = new Map((db.prepare('SELECT id, name FROM officers').all() as Array<{ id: string; name: string }>).map((o) => [o.id, o.name]));
  const approvals: ApprovalView[] = approvalsOf(db, row.id).map((a) => ({
    officerId: a.officer_id,
    officerName: names.get(a.officer_id) ?? a.officer_id,
    credentialId: a.credential_id,
    algorithm: a.algorithm,
    approvedAt: new Date(a.approved_at).toISOString(),
  }));
  const status = row.status === 'pending' && now >= row.expires_at ? 'expired' : row.status;
  return {
    requestId: row.id,
    operation: row.operation,
    parameters: JSON.parse(row.parameters) as unknown,
    digestSha256: row.digest_sha256.toString('hex'),
    digestSm3: row.digest_sm3.toString('hex'),
    role: row.role,
    required: row.required,
    proposer: row.proposer,
    status,
    createdAt: new Date(row.created_at).toISOString(),
    expiresAt: new Date(row.expires_at).toISOString(),
    executedAt: row.executed_at === null ? null : new Date(row.executed_at).toISOString(),
    executedBy: row.executed_by,
    outcome: row.outcome,
    approvals,
    statement: statementOf(vaultId, row.id, row.operation, row.digest_sha256, row.digest_sm3).toString('base64'),
  };
}
