/**
 * Token objects of HSM keys that are gone from the catalogue. When a key is destroyed
 * (its deletion came due) its row leaves the catalogue at once, so Keywarden can never
 * use it again; the objects on the token are destroyed through the key store. A token
 * is often not attached when that happens (an air-gapped desk keeps it in a safe), so
 * each object is first written down here, in the same transaction that removes the key,
 * and the record is carried out — and audited — the next time the token is present and
 * logged in. The records are shown in describeVaultOverview until then.
 */
import { toErrorData } from '../api/errors.ts';
import type { ReadableDb, WritableDb } from '../catalogue/db.ts';
import type { Services } from './context.ts';
import type { KeyRow } from './key-repo.ts';

export const TOKEN_DESTRUCTION_EVENT = 'destroyTokenObject';
export type TokenDestructionReason = 'pendingWindowEnded' | 'materialDeleted';

export interface TokenDestructionRow {
  token_label: string;
  token_object_id: string;
  key_id: string;
  version_id: string;
  key_spec: string;
  reason: TokenDestructionReason;
  requested_at: number;
  last_error: string | null;
}

/** Inside the caller's transaction: writes down every token object of the key's versions. */
export function recordTokenDestructions(db: WritableDb, key: KeyRow, reason: TokenDestructionReason, now: number): number {
  if (key.protection_level !== 'HSM' || !key.token_label) return 0;
  const objects = db.prepare('SELECT id, token_object_id FROM key_versions WHERE key_id = ? AND token_object_id IS NOT NULL').all(key.id) as Array<{ id: string; token_object_id: string }>;
  const ins = db.prepare(
    `INSERT OR IGNORE INTO token_destructions (token_label, token_object_id, key_id, version_id, key_spec, reason, requested_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const o of objects) ins.run(key.token_label, o.token_object_id, key.id, o.id, key.spec, reason, now);
  return objects.length;
}

export function pendingTokenDestructions(db: ReadableDb, limit: number): { rows: TokenDestructionRow[]; totalCount: number } {
  const rows = db.prepare('SELECT * FROM token_destructions ORDER BY requested_at, token_label, token_object_id LIMIT ?').all(limit) as TokenDestructionRow[];
  const totalCount = (db.prepare('SELECT count(*) AS n FROM token_destructions').get() as { n: number }).n;
  return { rows, totalCount };
}

/**
 * Destroys every recorded object whose token can be reached now. A token that refuses
 * (absent, not logged in, no module configured) is not asked again in this pass; its
 * records stay, naming the error code that kept them. Each destruction carried out
 * removes its record and writes its audit record in one transaction.
 */
export async function carryOutTokenDestructions(svc: Services, actor: string): Promise<{ destroyed: number; pending: number }> {
  const rows = svc.db.prepare('SELECT * FROM token_destructions ORDER BY requested_at').all() as TokenDestructionRow[];
  const store = svc.keystores.HSM;
  if (rows.length === 0 || !store) return { destroyed: 0, pending: rows.length };
  const unreachable = new Set<string>();
  let destroyed = 0;
  for (const r of rows) {
    if (unreachable.has(r.token_label)) continue;
    try {
      const found = await store.destroy({ id: r.key_id, token_label: r.token_label }, { id: r.version_id, token_object_id: r.token_object_id });
      svc.db.transaction(() => {
        svc.db.prepare('DELETE FROM token_destructions WHERE token_label = ? AND token_object_id = ?').run(r.token_label, r.token_object_id);
        svc.audit.appendInTransaction({
          event: TOKEN_DESTRUCTION_EVENT, actor, keyId: r.key_id, outcome: 'success',
          detail: { tokenLabel: r.token_label, objectId: r.token_object_id, keyVersionId: r.version_id, reason: r.reason, objectFound: found, requestedAt: new Date(r.requested_at).toISOString() },
        });
      })();
      destroyed++;
    } catch (e) {
      unreachable.add(r.token_label);
      const code = toErrorData(e).code;
      // Written only when it changes: a pass every minute must not churn the catalogue.
      if (r.last_error !== code) {
        svc.db.prepare('UPDATE token_destructions SET last_error = ? WHERE token_label = ? AND token_object_id = ?').run(code, r.token_label, r.token_object_id);
      }
    }
  }
  return { destroyed, pending: rows.length - destroyed };
}
