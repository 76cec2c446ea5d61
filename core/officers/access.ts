/**
 * The permission check the dispatcher runs for every call of every door: the
 * operation's declared item against what the signed-in officer holds.
 */
import { KwError } from '../api/errors.ts';
import type { PermissionItem } from '../api/operation.ts';

/** Who a call runs as and the permission items they hold. */
export interface Principal {
  readonly officerId: string;
  /** 'all' for the owner of a one-person vault (no registry beyond the owner). */
  readonly items: ReadonlySet<PermissionItem> | 'all';
}

/** The implicit officer of a vault nobody has turned into a custody vault. */
export const VAULT_OWNER: Principal = { officerId: 'owner', items: 'all' };

export function holds(p: Principal, item: PermissionItem): boolean {
  return p.items === 'all' || p.items.has(item);
}

/** Throws AccessDenied naming the missing item (the dispatcher audits it). */
export function requirePermission(p: Principal, item: PermissionItem): void {
  if (holds(p, item)) return;
  throw new KwError('AccessDenied', `officer '${p.officerId}' does not hold ${item}`, { permission: item, officerId: p.officerId });
}
