/**
 * Migration of a chain written before format 2 (unkeyed SHA-256 over re-serialised
 * JSON) to the keyed chain over stored bytes. Catalogue migration 006 adds the columns
 * and sets REKEY_MARKER when records exist; the key only exists while the vault is
 * unlocked, so the re-keying itself runs here, at the first keyed write after it.
 *
 * The old chain is checked first and the result recorded in the `rekeyAuditChain`
 * record that follows, so a break from before the migration stays on the record.
 */
import { createHash } from 'node:crypto';
import type { WritableDb } from '../catalogue/db.ts';
import { CHAIN_ROWS_SQL, GENESIS, link, recordDigest, recordMac, type AuditKeys, type ChainRow } from './chain.ts';

export const REKEY_MARKER = 'audit_rekey_pending';

export interface RekeyResult {
  records: number;
  legacyIntact: boolean;
  legacyBrokenAtSeq: number | null;
}

interface LegacyRow {
  seq: number;
  at: number;
  event: string;
  actor: string;
  key_id: string | null;
  outcome: string;
  error_code: string | null;
  detail: string | null;
  prev_hash: Buffer;
  hash: Buffer;
}

/** The format-1 hash, kept only to check a chain before re-keying it. */
export function legacyHash(prev: Buffer, r: LegacyRow): Buffer | null {
  let detail: unknown = null;
  if (r.detail) {
    try {
      detail = JSON.parse(r.detail);
    } catch {
      return null;
    }
  }
  const body = JSON.stringify([r.seq, r.at, r.event, r.actor, r.key_id, r.outcome, r.error_code ?? null, detail ?? null]);
  return createHash('sha256').update(prev).update(body).digest();
}

function checkLegacy(db: WritableDb): number | null {
  let prev = GENESIS;
  let expected = 1;
  for (const r of db.prepare('SELECT seq, at, event, actor, key_id, outcome, error_code, detail, prev_hash, hash FROM audit_log ORDER BY seq').iterate() as IterableIterator<LegacyRow>) {
    const h = legacyHash(prev, r);
    if (r.seq !== expected) return expected;
    if (!h || !r.prev_hash.equals(prev) || !r.hash.equals(h)) return r.seq;
    prev = h;
    expected++;
  }
  return null;
}

/** Inside a transaction: re-keys every record from the first, if the marker asks for it. Null when nothing was to do. */
export function rekeyLegacyChain(db: WritableDb, keys: AuditKeys): RekeyResult | null {
  const marked = db.prepare('SELECT 1 FROM vault_meta WHERE name = ?').pluck().get(REKEY_MARKER) !== undefined;
  if (!marked) return null;
  // A vault already keyed has a sealed head: the marker is then not honoured (it could only have been planted).
  const keyed = db.prepare("SELECT 1 FROM vault_meta WHERE name = 'audit_head'").pluck().get() !== undefined;
  if (keyed) {
    db.prepare('DELETE FROM vault_meta WHERE name = ?').run(REKEY_MARKER);
    return null;
  }
  const legacyBrokenAtSeq = checkLegacy(db);
  const rows = db.prepare(`${CHAIN_ROWS_SQL} ORDER BY seq`).all() as ChainRow[];
  const update = db.prepare('UPDATE audit_log SET prev_hash = ?, hash = ?, mac = ? WHERE seq = ?');
  let prev = GENESIS;
  for (const row of rows) {
    const hash = link(prev, recordDigest(row));
    update.run(prev, hash, recordMac(keys.mac, hash), row.seq);
    prev = hash;
  }
  // Updates are refused again from here on (the trigger allows them only while the marker exists).
  db.prepare('DELETE FROM vault_meta WHERE name = ?').run(REKEY_MARKER);
  return { records: rows.length, legacyIntact: legacyBrokenAtSeq === null, legacyBrokenAtSeq };
}
