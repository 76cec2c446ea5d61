/** Tags on keys: at most 20 per key, keys unique per key. */
import { KwError } from '../api/errors.ts';
import type { ParsedRequestOf, ResponseOf } from '../api/contract.ts';
import { LIMITS } from '../domain/limits.ts';
import type { ReadableDb } from '../catalogue/db.ts';
import type { CallContext } from './context.ts';
import { resolveKey, updateKey } from './key-repo.ts';
import { requireState } from './guards.ts';

function tagsOf(db: ReadableDb, keyId: string) {
  return db.prepare('SELECT tag_key AS tagKey, tag_value AS tagValue FROM tags WHERE key_id = ? ORDER BY tag_key').all(keyId) as Array<{ tagKey: string; tagValue: string }>;
}

export function tagResource(req: ParsedRequestOf<'tagResource'>, ctx: CallContext): ResponseOf<'tagResource'> {
  return ctx.write(() => {
    const key = resolveKey(ctx.db, req.cmkUuid);
    ctx.keyId = key.id;
    requireState(key, 'metadata');
    for (const t of req.tags) ctx.db.prepare('INSERT OR REPLACE INTO tags (key_id, tag_key, tag_value) VALUES (?, ?, ?)').run(key.id, t.tagKey, t.tagValue);
    const tags = tagsOf(ctx.db, key.id);
    if (tags.length > LIMITS.tagsPerKey) throw new KwError('LimitExceeded', `at most ${LIMITS.tagsPerKey} tags per key`, { limit: LIMITS.tagsPerKey });
    updateKey(ctx.db, key.id, ctx.clock.now(), {});
    return { tags };
  });
}

export function untagResource(req: ParsedRequestOf<'untagResource'>, ctx: CallContext): ResponseOf<'untagResource'> {
  return ctx.write(() => {
    const key = resolveKey(ctx.db, req.cmkUuid);
    ctx.keyId = key.id;
    requireState(key, 'metadata');
    for (const k of req.tagKeys) ctx.db.prepare('DELETE FROM tags WHERE key_id = ? AND tag_key = ?').run(key.id, k);
    updateKey(ctx.db, key.id, ctx.clock.now(), {});
    return { tags: tagsOf(ctx.db, key.id) };
  });
}

export function listTags(req: ParsedRequestOf<'listTags'>, ctx: CallContext): ResponseOf<'listTags'> {
  const key = resolveKey(ctx.db, req.cmkUuid);
  ctx.keyId = key.id;
  return { tags: tagsOf(ctx.db, key.id) };
}
