/** Rows of the key tables and their mapping to the contract's shapes. */
import { KwError } from '../api/errors.ts';
import type { ReadableDb, WritableDb } from '../catalogue/db.ts';
import type { KeyMetadata, KeyVersion } from '../api/ops/keys.ts';
import type { KeySpec, KeyUsage, Origin, ProtectionLevel } from '../domain/key-specs.ts';
import type { KeyState } from '../domain/key-states.ts';
import { LIMITS } from '../domain/limits.ts';
import { changeTracker, type ChangeStamp } from '../catalogue/change-tracker.ts';

export interface KeyRow {
  id: string;
  spec: KeySpec;
  usage: KeyUsage;
  protection_level: ProtectionLevel;
  origin: Origin;
  state: KeyState;
  description: string;
  created_at: number;
  updated_at: number;
  delete_protect: number;
  deletion_date: number | null;
  pending_window_days: number | null;
  rotation_interval_days: number | null;
  last_rotated_at: number | null;
  next_rotation_at: number | null;
  primary_version_id: string | null;
  material_expires_at: number | null;
  token_label: string | null;
  /** While PendingDeletion: the state a cancellation returns to. */
  state_before_deletion: 'Enabled' | 'Disabled' | 'PendingImport' | null;
  /** The officer who created the key (null: made before officers existed). */
  creator?: string | null;
}

export interface VersionRow {
  key_id: string;
  id: string;
  created_at: number;
  state: 'Enabled' | 'PendingImport';
  sealed_material: Buffer | null;
  public_key: Buffer | null;
  token_object_id: string | null;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());

/**
 * Rows read on the hot path (every crypto call reads its key and version) are kept
 * until anything in the catalogue changes — a write here or a commit by another
 * process — so a state change is always seen by the very next call.
 */
interface RowCache {
  stamp: ChangeStamp;
  keys: Map<string, KeyRow | undefined>;
  versions: Map<string, VersionRow | undefined>;
}
const caches = new WeakMap<ReadableDb, RowCache>();
const MAX_CACHED_ROWS = 4096;

function rowCache(db: ReadableDb): RowCache {
  const tracker = changeTracker(db);
  let c = caches.get(db);
  if (!c || !tracker.unchangedSince(c.stamp) || c.keys.size + c.versions.size > MAX_CACHED_ROWS) {
    c = { stamp: tracker.stamp(), keys: new Map(), versions: new Map() };
    caches.set(db, c);
  }
  return c;
}

export function getKeyRow(db: ReadableDb, id: string): KeyRow | undefined {
  if (db.inTransaction) return db.prepare('SELECT * FROM keys WHERE id = ?').get(id) as KeyRow | undefined;
  const c = rowCache(db);
  if (c.keys.has(id)) return c.keys.get(id);
  const row = db.prepare('SELECT * FROM keys WHERE id = ?').get(id) as KeyRow | undefined;
  c.keys.set(id, row ? Object.freeze(row) : row);
  return row;
}

function readVersion(db: ReadableDb, keyId: string, versionId: string): VersionRow | undefined {
  if (db.inTransaction) return db.prepare('SELECT * FROM key_versions WHERE key_id = ? AND id = ?').get(keyId, versionId) as VersionRow | undefined;
  const c = rowCache(db);
  const id = `${keyId}/${versionId}`;
  if (c.versions.has(id)) return c.versions.get(id);
  const row = db.prepare('SELECT * FROM key_versions WHERE key_id = ? AND id = ?').get(keyId, versionId) as VersionRow | undefined;
  c.versions.set(id, row ? Object.freeze(row) : row);
  return row;
}

/** Accepts a key id or an `alias/...`, as every operation does. */
export function resolveKey(db: ReadableDb, ref: string): KeyRow {
  if (ref.startsWith(LIMITS.aliasPrefix)) {
    const row = db.prepare('SELECT k.* FROM aliases a JOIN keys k ON k.id = a.key_id WHERE a.alias = ?').get(ref) as KeyRow | undefined;
    if (!row) throw new KwError('AliasNotFound', `alias ${ref} does not exist`);
    return row;
  }
  if (!UUID_RE.test(ref)) throw new KwError('InvalidParameter', "cmkUuid must be a key id or an 'alias/...' name");
  const row = getKeyRow(db, ref.toLowerCase());
  if (!row) throw new KwError('KeyNotFound', `key ${ref} does not exist`);
  return row;
}

export function getVersion(db: ReadableDb, keyId: string, versionId: string): VersionRow {
  const v = readVersion(db, keyId, versionId.toLowerCase());
  if (!v) throw new KwError('KeyVersionNotFound', `key ${keyId} has no version ${versionId}`);
  return v;
}

export function listVersions(db: ReadableDb, keyId: string): VersionRow[] {
  return db.prepare('SELECT * FROM key_versions WHERE key_id = ? ORDER BY created_at DESC, rowid DESC').all(keyId) as VersionRow[];
}

export function versionToContract(row: KeyRow, v: VersionRow): KeyVersion {
  return { cmkUuid: row.id, keyVersionId: v.id, createdAt: new Date(v.created_at).toISOString(), isPrimary: row.primary_version_id === v.id, keyVersionState: v.state };
}

export function toMetadata(db: ReadableDb, row: KeyRow): KeyMetadata {
  const aliases = (db.prepare('SELECT alias FROM aliases WHERE key_id = ? ORDER BY alias').all(row.id) as Array<{ alias: string }>).map((a) => a.alias);
  const tags = (db.prepare('SELECT tag_key AS tagKey, tag_value AS tagValue FROM tags WHERE key_id = ? ORDER BY tag_key').all(row.id) as Array<{
    tagKey: string;
    tagValue: string;
  }>);
  const versionCount = (db.prepare('SELECT count(*) AS n FROM key_versions WHERE key_id = ?').get(row.id) as { n: number }).n;
  return {
    cmkUuid: row.id,
    keyState: row.state,
    keySpec: row.spec,
    keyUsage: row.usage,
    protectionLevel: row.protection_level,
    origin: row.origin,
    description: row.description,
    primaryKeyVersionId: row.primary_version_id,
    aliases,
    tags,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    deleteProtect: row.delete_protect === 1,
    deletionDate: iso(row.deletion_date),
    pendingWindowInDays: row.pending_window_days,
    rotationIntervalDays: row.rotation_interval_days,
    lastRotatedAt: iso(row.last_rotated_at),
    nextRotationAt: iso(row.next_rotation_at),
    versionCount,
    materialExpiresAt: iso(row.material_expires_at),
    tokenLabel: row.token_label,
    creator: row.creator ?? null,
  };
}

/** Updates the given columns and `updated_at`; column names come from code, never from callers. */
export function updateKey(db: WritableDb, id: string, now: number, changes: Partial<Omit<KeyRow, 'id' | 'created_at' | 'updated_at'>>): void {
  const cols = Object.keys(changes);
  const sets = [...cols.map((c) => `${c} = @${c}`), 'updated_at = @updated_at'].join(', ');
  db.prepare(`UPDATE keys SET ${sets} WHERE id = @id`).run({ ...changes, updated_at: now, id });
}
