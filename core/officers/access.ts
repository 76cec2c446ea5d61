/**
 * The permission check the dispatcher runs for every call of every door: the
 * operation's declared item against what the officer the call runs as holds. A custom
 * role may grant an item only for keys whose alias starts with a prefix or that carry a
 * tag (the reference KMS's "resources"); those grants are checked against the key the
 * request names.
 */
import { KwError } from '../api/errors.ts';
import type { PermissionItem } from '../api/operation.ts';
import type { ReadableDb } from '../catalogue/db.ts';

/** A limit on the keys a grant covers; an item granted without limits has `null`. */
export interface ResourceLimit {
  aliasPrefix: string | null;
  tagKey: string | null;
  tagValue: string | null;
}

/** Who a call runs as and the permission items they hold. */
export interface Principal {
  readonly officerId: string;
  /** 'all' for the owner of a one-person vault; otherwise item → null (any key) or the limits that apply. */
  readonly items: 'all' | ReadonlyMap<PermissionItem, readonly ResourceLimit[] | null>;
  /** Nobody signed in (a custody vault): refusals say NotSignedIn instead of AccessDenied. */
  readonly signedOut?: boolean;
}

/** The implicit officer of a vault nobody has turned into a custody vault. */
export const VAULT_OWNER: Principal = { officerId: 'owner', items: 'all' };

export function holds(p: Principal, item: PermissionItem): boolean {
  return p.items === 'all' || p.items.has(item);
}

function deny(p: Principal, item: PermissionItem, why: string): KwError {
  if (p.signedOut) return new KwError('NotSignedIn', `sign in as an officer to call an operation needing ${item}`, { permission: item });
  return new KwError('AccessDenied', `officer '${p.officerId}' does not hold ${item}${why}`, { permission: item, officerId: p.officerId });
}

/** The key a request is about, when it names one (cmkUuid: id or alias/...). */
function keyFacts(db: ReadableDb, request: unknown): { aliases: string[]; tags: Map<string, string> } | null {
  const r = request as { cmkUuid?: unknown; alias?: unknown; tags?: unknown } | null;
  if (r && typeof r.cmkUuid === 'string') {
    const ref = r.cmkUuid;
    const keyId = ref.startsWith('alias/') ? ((db.prepare('SELECT key_id FROM aliases WHERE alias = ?').get(ref) as { key_id: string } | undefined)?.key_id ?? null) : ref;
    if (keyId === null) return { aliases: [ref], tags: new Map() };
    const aliases = (db.prepare('SELECT alias FROM aliases WHERE key_id = ?').all(keyId) as Array<{ alias: string }>).map((a) => a.alias);
    const tags = new Map((db.prepare('SELECT tag_key, tag_value FROM tags WHERE key_id = ?').all(keyId) as Array<{ tag_key: string; tag_value: string }>).map((t) => [t.tag_key, t.tag_value]));
    return { aliases, tags };
  }
  // createKey: the alias and tags the new key will carry.
  if (r && typeof r.alias === 'string') {
    const tags = Array.isArray(r.tags) ? new Map((r.tags as Array<{ tagKey: string; tagValue: string }>).map((t) => [t.tagKey, t.tagValue])) : new Map<string, string>();
    return { aliases: [r.alias], tags };
  }
  return null;
}

function covers(limit: ResourceLimit, facts: { aliases: string[]; tags: Map<string, string> }): boolean {
  if (limit.aliasPrefix !== null && !facts.aliases.some((a) => a.startsWith(limit.aliasPrefix!))) return false;
  if (limit.tagKey !== null) {
    const v = facts.tags.get(limit.tagKey);
    if (v === undefined || (limit.tagValue !== null && v !== limit.tagValue)) return false;
  }
  return true;
}

/** Throws AccessDenied (or NotSignedIn) naming the missing item; the dispatcher audits it. */
export function requirePermission(p: Principal, item: PermissionItem, db?: ReadableDb, request?: unknown): void {
  if (p.items === 'all') return;
  if (!p.items.has(item)) throw deny(p, item, '');
  const limits = p.items.get(item);
  if (limits === null || limits === undefined) return;
  const facts = db ? keyFacts(db, request) : null;
  if (!facts || !limits.some((l) => covers(l, facts))) throw deny(p, item, ' for this key');
}
