/** Separation of duties: no live officer alone holds administrator and key-manager, unless the lab setting allows it. */
import { KwError } from '../api/errors.ts';
import type { CustodySettings } from '../api/ops/officers.ts';
import type { ReadableDb } from '../catalogue/db.ts';
import { listOfficerRows, rolesOf } from './registry.ts';

export function requireSeparation(db: ReadableDb, settings: CustodySettings): void {
  if (settings.allowAdministratorKeyManager) return;
  for (const o of listOfficerRows(db)) {
    if (o.status === 'removed') continue;
    const roles = rolesOf(o);
    if (roles.includes('administrator') && roles.includes('key-manager')) {
      throw new KwError('SeparationOfDuties', `officer '${o.name}' would hold both administrator and key-manager`, { officerId: o.id });
    }
  }
}
