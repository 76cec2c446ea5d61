/**
 * Time-driven work: due rotations, deletions whose waiting period ended, and imported
 * material that expired. Runs when the vault opens and on a timer; everything is
 * computed from the injected clock, so after months offline one pass catches up:
 * each overdue key rotates once, each expired deletion is carried out.
 */
import type { KeyRow } from './key-repo.ts';
import { rotate } from './versions.ts';
import type { Services } from './context.ts';
import { toErrorData } from '../api/errors.ts';
import type { ScheduledWorkResult } from '../api/ops/vault.ts';
import { carryOutTokenDestructions, recordTokenDestructions } from './token-destructions.ts';

export const SCHEDULER_ACTOR = 'system:scheduler';

export type DueWorkResult = ScheduledWorkResult;

/** Refusals already audited, per vault: `keyId@deletionDate` (a pass runs every minute). */
const refusalsAudited = new WeakMap<object, Set<string>>();

/**
 * Defence in depth: deleteProtect is refused while a key is PendingDeletion, but a key
 * protected by other means (an older version, a hand-edited catalogue) is still never
 * destroyed. It stays PendingDeletion; the refusal is audited once per deletion date.
 */
function refuseProtected(svc: Services, key: KeyRow): void {
  let seen = refusalsAudited.get(svc.db);
  if (!seen) refusalsAudited.set(svc.db, (seen = new Set()));
  const mark = `${key.id}@${key.deletion_date}`;
  if (seen.has(mark)) return;
  seen.add(mark);
  svc.audit.appendNow({ event: 'deleteKey', actor: SCHEDULER_ACTOR, keyId: key.id, outcome: 'failure', errorCode: 'DeletionProtected', detail: { reason: 'pendingWindowEnded' } });
}

export async function runDueWork(svc: Services): Promise<DueWorkResult> {
  const now = svc.clock.now();
  const result: DueWorkResult = { rotated: 0, deleted: 0, materialExpired: 0, deletionsRefused: 0, tokenObjectsDestroyed: 0, tokenObjectsPending: 0 };

  const dueDeletion = svc.db.prepare("SELECT * FROM keys WHERE state = 'PendingDeletion' AND deletion_date <= ?").all(now) as KeyRow[];
  for (const key of dueDeletion) {
    if (key.delete_protect === 1) {
      refuseProtected(svc, key);
      result.deletionsRefused++;
      continue;
    }
    // Destroying a key removes its versions (sealed material) by cascade; secure_delete
    // overwrites the freed pages, so the material is gone from the file too. Token
    // objects are written down in the same transaction and destroyed below.
    const done = svc.db.transaction(() => {
      const fresh = svc.db.prepare("SELECT * FROM keys WHERE id = ? AND state = 'PendingDeletion' AND deletion_date <= ? AND delete_protect = 0").get(key.id, now) as KeyRow | undefined;
      if (!fresh) return false; // another process cancelled or protected it meanwhile
      const tokenObjects = recordTokenDestructions(svc.db, fresh, 'pendingWindowEnded', now);
      svc.db.prepare('DELETE FROM keys WHERE id = ?').run(key.id);
      if (svc.vault.unlocked) svc.vault.sealer().forgetKey(key.id);
      svc.audit.appendInTransaction({ event: 'deleteKey', actor: SCHEDULER_ACTOR, keyId: key.id, outcome: 'success', detail: { reason: 'pendingWindowEnded', tokenObjects } });
      return true;
    })();
    if (done) result.deleted++;
  }
  const tokens = await carryOutTokenDestructions(svc, SCHEDULER_ACTOR);
  result.tokenObjectsDestroyed = tokens.destroyed;
  result.tokenObjectsPending = tokens.pending;

  const expired = svc.db.prepare("SELECT * FROM keys WHERE origin = 'EXTERNAL' AND material_expires_at IS NOT NULL AND material_expires_at <= ? AND state IN ('Enabled','Disabled')").all(now) as KeyRow[];
  for (const key of expired) {
    svc.db.transaction(() => {
      svc.db.prepare("UPDATE key_versions SET sealed_material = NULL, state = 'PendingImport' WHERE key_id = ?").run(key.id);
      if (svc.vault.unlocked) svc.vault.sealer().forgetKey(key.id);
      svc.db.prepare("UPDATE keys SET state = 'PendingImport', updated_at = ? WHERE id = ?").run(now, key.id);
      svc.audit.appendInTransaction({ event: 'deleteKeyMaterial', actor: SCHEDULER_ACTOR, keyId: key.id, outcome: 'success', detail: { reason: 'materialExpired' } });
    })();
    result.materialExpired++;
  }

  if (svc.vault.unlocked) {
    const dueRotation = svc.db.prepare("SELECT * FROM keys WHERE state = 'Enabled' AND next_rotation_at IS NOT NULL AND next_rotation_at <= ?").all(now) as KeyRow[];
    for (const key of dueRotation) {
      try {
        await rotate(svc, key, (fn) =>
          svc.db.transaction(() => {
            const r = fn();
            svc.audit.appendInTransaction({ event: 'rotateKey', actor: SCHEDULER_ACTOR, keyId: key.id, outcome: 'success', detail: { reason: 'scheduled' } });
            return r;
          })(),
        );
        result.rotated++;
      } catch (e) {
        svc.audit.appendNow({ event: 'rotateKey', actor: SCHEDULER_ACTOR, keyId: key.id, outcome: 'failure', errorCode: toErrorData(e).code });
      }
    }
  }
  return result;
}
