/** The officer registry and credentials in the catalogue: rows in, views out. */
import { KwError } from '../api/errors.ts';
import type { CredentialKind, CredentialView, OfficerView } from '../api/ops/officers.ts';
import type { ReadableDb, WritableDb } from '../catalogue/db.ts';
import { parseCertificate } from '../x509/index.ts';

export type OfficerStatus = 'active' | 'suspended' | 'removed';

export interface OfficerRow {
  id: string;
  name: string;
  status: OfficerStatus;
  roles: string;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface CredentialRow {
  id: string;
  officer_id: string;
  kind: CredentialKind;
  assurance: 'high' | 'low';
  key_spec: string | null;
  public_key: Buffer | null;
  certificate: Buffer | null;
  token_label: string | null;
  token_object_id: string | null;
  sealed_private_key: Buffer | null;
  created_at: number;
}

export function rolesOf(row: OfficerRow): string[] {
  return JSON.parse(row.roles) as string[];
}

/** Officers not removed: the registry that decides owner mode and quorum eligibility. */
export function countLiveOfficers(db: ReadableDb): number {
  return (db.prepare("SELECT count(*) AS n FROM officers WHERE status <> 'removed'").get() as { n: number }).n;
}

export function countOfficers(db: ReadableDb): number {
  return (db.prepare('SELECT count(*) AS n FROM officers').get() as { n: number }).n;
}

export function listOfficerRows(db: ReadableDb): OfficerRow[] {
  return db.prepare('SELECT * FROM officers ORDER BY created_at, name').all() as OfficerRow[];
}

/** By id or by name. */
export function findOfficer(db: ReadableDb, ref: string): OfficerRow {
  const row = db.prepare('SELECT * FROM officers WHERE id = ? OR name = ?').get(ref, ref) as OfficerRow | undefined;
  if (!row) throw new KwError('OfficerNotFound', `no officer '${ref.slice(0, 64)}'`);
  return row;
}

export function requireActive(row: OfficerRow): void {
  if (row.status !== 'active') throw new KwError('OfficerSuspended', `officer '${row.name}' is ${row.status}`, { officerId: row.id });
}

export function insertOfficer(db: WritableDb, row: OfficerRow): void {
  if (db.prepare('SELECT 1 FROM officers WHERE name = ?').get(row.name)) throw new KwError('OfficerAlreadyExists', `an officer named '${row.name}' exists`);
  db.prepare('INSERT INTO officers (id, name, status, roles, created_by, created_at, updated_at) VALUES (@id, @name, @status, @roles, @created_by, @created_at, @updated_at)').run(row);
}

export function updateOfficerRow(db: WritableDb, id: string, roles: string[], status: OfficerStatus, now: number): void {
  db.prepare('UPDATE officers SET roles = ?, status = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(roles), status, now, id);
}

export function insertCredential(db: WritableDb, row: CredentialRow): void {
  db.prepare(
    `INSERT INTO officer_credentials (id, officer_id, kind, assurance, key_spec, public_key, certificate, token_label, token_object_id, sealed_private_key, created_at)
     VALUES (@id, @officer_id, @kind, @assurance, @key_spec, @public_key, @certificate, @token_label, @token_object_id, @sealed_private_key, @created_at)`,
  ).run(row);
}

export function credentialsOf(db: ReadableDb, officerId: string): CredentialRow[] {
  return db.prepare('SELECT * FROM officer_credentials WHERE officer_id = ? ORDER BY created_at, id').all(officerId) as CredentialRow[];
}

export function getCredential(db: ReadableDb, id: string): CredentialRow {
  const row = db.prepare('SELECT * FROM officer_credentials WHERE id = ?').get(id) as CredentialRow | undefined;
  if (!row) throw new KwError('CredentialInvalid', 'no such credential');
  return row;
}

/** The credential to use: the named one, or the officer's first of the wanted kinds. */
export function pickCredential(db: ReadableDb, officer: OfficerRow, credentialId: string | undefined, kinds: readonly CredentialKind[]): CredentialRow {
  const all = credentialsOf(db, officer.id);
  const found = credentialId ? all.find((c) => c.id === credentialId) : all.find((c) => kinds.includes(c.kind));
  if (!found || !kinds.includes(found.kind)) throw new KwError('CredentialInvalid', `officer '${officer.name}' has no ${kinds.join(' or ')} credential${credentialId ? ` '${credentialId.slice(0, 64)}'` : ''}`);
  return found;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function credentialView(c: CredentialRow): CredentialView {
  return {
    credentialId: c.id,
    kind: c.kind,
    assurance: c.assurance,
    keySpec: c.key_spec,
    publicKey: c.public_key ? c.public_key.toString('base64') : null,
    certificateSubject: c.certificate ? parseCertificate(new Uint8Array(c.certificate)).summary.subject.dn : null,
    tokenLabel: c.token_label,
    tokenObjectId: c.token_object_id,
    createdAt: iso(c.created_at),
  };
}

export function officerView(db: ReadableDb, row: OfficerRow): OfficerView {
  return {
    officerId: row.id,
    name: row.name,
    status: row.status,
    roles: rolesOf(row),
    createdBy: row.created_by,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    credentials: credentialsOf(db, row.id).map(credentialView),
  };
}
