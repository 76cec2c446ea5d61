/** Custom roles in the catalogue, beside the built-in ones, and the principal an officer's roles make. */
import { KwError } from '../api/errors.ts';
import type { PermissionItem } from '../api/operation.ts';
import type { RoleView } from '../api/ops/officers.ts';
import type { ReadableDb, WritableDb } from '../catalogue/db.ts';
import type { Principal, ResourceLimit } from './access.ts';
import { BUILTIN_ROLES, COMMON_ITEMS, isBuiltinRole, ROLE_ITEMS } from './roles.ts';

interface RoleRow {
  name: string;
  items: string;
  alias_prefix: string | null;
  tag_key: string | null;
  tag_value: string | null;
}

function customRows(db: ReadableDb): RoleRow[] {
  return db.prepare('SELECT name, items, alias_prefix, tag_key, tag_value FROM roles ORDER BY name').all() as RoleRow[];
}

export function listRoles(db: ReadableDb): RoleView[] {
  const builtin = BUILTIN_ROLES.map((name) => ({ name, builtin: true, items: [...ROLE_ITEMS[name]], aliasPrefix: null, tagKey: null, tagValue: null }));
  const custom = customRows(db).map((r) => ({ name: r.name, builtin: false, items: JSON.parse(r.items) as string[], aliasPrefix: r.alias_prefix, tagKey: r.tag_key, tagValue: r.tag_value }));
  return [...builtin, ...custom];
}

export function requireRolesExist(db: ReadableDb, roles: readonly string[]): void {
  for (const r of roles) {
    if (isBuiltinRole(r)) continue;
    if (!db.prepare('SELECT 1 FROM roles WHERE name = ?').get(r)) throw new KwError('RoleNotFound', `no role '${r}'`, { role: r });
  }
}

export function insertRole(db: WritableDb, role: RoleView, now: number): void {
  if (isBuiltinRole(role.name) || db.prepare('SELECT 1 FROM roles WHERE name = ?').get(role.name)) throw new KwError('InvalidParameter', `a role named '${role.name}' exists`, { field: 'name' });
  db.prepare('INSERT INTO roles (name, builtin, items, alias_prefix, tag_key, tag_value, created_at) VALUES (?, 0, ?, ?, ?, ?, ?)').run(
    role.name, JSON.stringify(role.items), role.aliasPrefix, role.tagKey, role.tagValue, now,
  );
}

export function deleteRole(db: WritableDb, name: string, holders: number): void {
  if (isBuiltinRole(name)) throw new KwError('InvalidParameter', `built-in role '${name}' cannot be deleted`, { field: 'name' });
  if (holders > 0) throw new KwError('InvalidParameter', `role '${name}' is held by ${holders} officer(s)`, { field: 'name' });
  if (db.prepare('DELETE FROM roles WHERE name = ?').run(name).changes === 0) throw new KwError('RoleNotFound', `no role '${name}'`, { role: name });
}

/** What an officer with these roles holds: built-in items for any key, custom ones within their limits. */
export function principalFor(db: ReadableDb, officerId: string, roles: readonly string[]): Principal {
  const items = new Map<PermissionItem, ResourceLimit[] | null>();
  const grant = (item: PermissionItem, limit: ResourceLimit | null) => {
    const had = items.get(item);
    if (had === null) return;
    if (limit === null) items.set(item, null);
    else items.set(item, [...(had ?? []), limit]);
  };
  for (const i of COMMON_ITEMS) grant(i, null);
  const custom = new Map(customRows(db).map((r) => [r.name, r]));
  for (const role of roles) {
    if (isBuiltinRole(role)) for (const i of ROLE_ITEMS[role]) grant(i, null);
    const c = custom.get(role);
    if (!c) continue;
    const limited = c.alias_prefix !== null || c.tag_key !== null;
    const limit = limited ? { aliasPrefix: c.alias_prefix, tagKey: c.tag_key, tagValue: c.tag_value } : null;
    for (const i of JSON.parse(c.items) as PermissionItem[]) grant(i, limit);
  }
  return { officerId, items };
}
