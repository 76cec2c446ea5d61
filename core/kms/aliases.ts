/** Aliases: `alias/...`, unique in the vault, many per key; updateAlias repoints. */
import { KwError } from '../api/errors.ts';
import type { ParsedRequestOf, ResponseOf } from '../api/contract.ts';
import type { CallContext } from './context.ts';
import { resolveKey } from './key-repo.ts';
import { requireState } from './guards.ts';
import { isReservedAlias } from '../domain/default-keys.ts';
import { requireOrdinaryAlias, requireOrdinaryKey } from './default-keys.ts';

interface AliasRow {
  alias: string;
  key_id: string;
  created_at: number;
  updated_at: number;
}
const toContract = (r: AliasRow) => ({ alias: r.alias, cmkUuid: r.key_id, createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString() });

export function createAlias(req: ParsedRequestOf<'createAlias'>, ctx: CallContext): ResponseOf<'createAlias'> {
  return ctx.write(() => {
    const key = resolveKey(ctx.db, req.cmkUuid);
    ctx.keyId = key.id;
    requireState(key, 'metadata');
    requireOrdinaryAlias(req.alias);
    requireOrdinaryKey(ctx.db, key, 'get other aliases');
    if (ctx.db.prepare('SELECT 1 FROM aliases WHERE alias = ?').get(req.alias)) throw new KwError('AliasAlreadyExists', `alias ${req.alias} already exists`);
    const now = ctx.clock.now();
    ctx.db.prepare('INSERT INTO aliases (alias, key_id, created_at, updated_at) VALUES (?, ?, ?, ?)').run(req.alias, key.id, now, now);
    ctx.detail = { alias: req.alias };
    return { alias: req.alias, cmkUuid: key.id };
  });
}

export function updateAlias(req: ParsedRequestOf<'updateAlias'>, ctx: CallContext): ResponseOf<'updateAlias'> {
  return ctx.write(() => {
    requireOrdinaryAlias(req.alias);
    const existing = ctx.db.prepare('SELECT * FROM aliases WHERE alias = ?').get(req.alias) as AliasRow | undefined;
    if (!existing) throw new KwError('AliasNotFound', `alias ${req.alias} does not exist`);
    const key = resolveKey(ctx.db, req.cmkUuid);
    ctx.keyId = key.id;
    requireState(key, 'metadata');
    requireOrdinaryKey(ctx.db, key, 'get other aliases');
    ctx.db.prepare('UPDATE aliases SET key_id = ?, updated_at = ? WHERE alias = ?').run(key.id, ctx.clock.now(), req.alias);
    ctx.detail = { alias: req.alias, previousCmkUuid: existing.key_id };
    return { alias: req.alias, cmkUuid: key.id };
  });
}

export function deleteAlias(req: ParsedRequestOf<'deleteAlias'>, ctx: CallContext): ResponseOf<'deleteAlias'> {
  return ctx.write(() => {
    const existing = ctx.db.prepare('SELECT * FROM aliases WHERE alias = ?').get(req.alias) as AliasRow | undefined;
    if (!existing) throw new KwError('AliasNotFound', `alias ${req.alias} does not exist`);
    ctx.keyId = existing.key_id;
    // 默认主密钥的别名不能删除和添加: the reference keeps a default key's alias for good.
    if (isReservedAlias(req.alias)) throw new KwError('UnsupportedOperation', `${req.alias} names a default key; its alias cannot be deleted`);
    ctx.db.prepare('DELETE FROM aliases WHERE alias = ?').run(req.alias);
    ctx.detail = { alias: req.alias };
    return { alias: req.alias };
  });
}

export function listAlias(req: ParsedRequestOf<'listAlias'>, ctx: CallContext): ResponseOf<'listAlias'> {
  const total = (ctx.db.prepare('SELECT count(*) AS n FROM aliases').get() as { n: number }).n;
  const rows = ctx.db.prepare('SELECT * FROM aliases ORDER BY alias LIMIT ? OFFSET ?').all(req.pageSize, (req.pageNumber - 1) * req.pageSize) as AliasRow[];
  return { aliases: rows.map(toContract), totalCount: total };
}

export function listAliasByUuid(req: ParsedRequestOf<'listAliasByUuid'>, ctx: CallContext): ResponseOf<'listAliasByUuid'> {
  const key = resolveKey(ctx.db, req.cmkUuid);
  ctx.keyId = key.id;
  const total = (ctx.db.prepare('SELECT count(*) AS n FROM aliases WHERE key_id = ?').get(key.id) as { n: number }).n;
  const rows = ctx.db
    .prepare('SELECT * FROM aliases WHERE key_id = ? ORDER BY alias LIMIT ? OFFSET ?')
    .all(key.id, req.pageSize, (req.pageNumber - 1) * req.pageSize) as AliasRow[];
  return { aliases: rows.map(toContract), totalCount: total };
}
