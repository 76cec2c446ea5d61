/** The key list with the reference console's filters, paging and sorting, done in SQL. */
import type { ParsedRequestOf, ResponseOf } from '../api/contract.ts';
import type { CallContext } from './context.ts';
import { toMetadata, type KeyRow } from './key-repo.ts';

const SORT_COLUMNS = { createdAt: 'k.created_at', updatedAt: 'k.updated_at', keyState: 'k.state', keySpec: 'k.spec' } as const;

export function listKeys(req: ParsedRequestOf<'listKeys'>, ctx: CallContext): ResponseOf<'listKeys'> {
  const where: string[] = [];
  const params: Record<string, string | number> = {};
  const eq = (col: string, name: string, v: string | undefined) => {
    if (v === undefined) return;
    where.push(`${col} = @${name}`);
    params[name] = v;
  };
  eq('k.state', 'state', req.keyState);
  eq('k.spec', 'spec', req.keySpec);
  eq('k.usage', 'usage', req.keyUsage);
  eq('k.protection_level', 'pl', req.protectionLevel);
  eq('k.origin', 'origin', req.origin);
  if (req.alias !== undefined) {
    where.push("EXISTS (SELECT 1 FROM aliases a WHERE a.key_id = k.id AND a.alias LIKE @alias ESCAPE '\\')");
    params.alias = `%${escapeLike(req.alias)}%`;
  }
  if (req.tagKey !== undefined) {
    where.push('EXISTS (SELECT 1 FROM tags t WHERE t.key_id = k.id AND t.tag_key = @tagKey' + (req.tagValue !== undefined ? ' AND t.tag_value = @tagValue)' : ')'));
    params.tagKey = req.tagKey;
    if (req.tagValue !== undefined) params.tagValue = req.tagValue;
  }
  if (req.search !== undefined && req.search !== '') {
    where.push(
      "(k.id LIKE @search ESCAPE '\\' OR k.description LIKE @search ESCAPE '\\' OR EXISTS (SELECT 1 FROM aliases a2 WHERE a2.key_id = k.id AND a2.alias LIKE @search ESCAPE '\\'))",
    );
    params.search = `%${escapeLike(req.search)}%`;
  }
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = (ctx.db.prepare(`SELECT count(*) AS n FROM keys k ${clause}`).get(params) as { n: number }).n;
  const order = `${SORT_COLUMNS[req.sortBy]} ${req.sortOrder === 'asc' ? 'ASC' : 'DESC'}, k.id`;
  const rows = ctx.db
    .prepare(`SELECT k.* FROM keys k ${clause} ORDER BY ${order} LIMIT @limit OFFSET @offset`)
    .all({ ...params, limit: req.pageSize, offset: (req.pageNumber - 1) * req.pageSize }) as KeyRow[];
  return { keys: rows.map((r) => toMetadata(ctx.db, r)), totalCount: total, pageNumber: req.pageNumber, pageSize: req.pageSize };
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
