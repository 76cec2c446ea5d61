/**
 * Resource type and level of an audit event, as the reference console's audit screen
 * filters them (资源类型, 事件级别). Derived from what every record already holds (its
 * event and error code), so old records are classified the same way as new ones.
 */
import { vaultOps } from './ops/vault.ts';
import { keyOps } from './ops/keys.ts';
import { cryptoOps } from './ops/crypto.ts';
import { auditOps, type AuditLevel, type AuditResourceType } from './ops/audit.ts';
import { byokOps } from './ops/byok.ts';
import { certificateOps } from './ops/certificates.ts';
import { tokenOps } from './ops/tokens.ts';
import { overviewOps } from './ops/overview.ts';

const eventsOf = (...groups: Array<Record<string, { event: string }>>): string[] => groups.flatMap((g) => Object.values(g).map((d) => d.event));

/** In priority order: an event served by two groups (unlockVault by the vault and the token ops) takes the first. */
const GROUPS: Array<[AuditResourceType, string[]]> = [
  ['audit', [...eventsOf(auditOps), 'rekeyAuditChain']],
  ['vault', eventsOf(vaultOps, overviewOps)],
  // The scheduler's own events act on keys too.
  ['key', [...eventsOf(keyOps, cryptoOps, byokOps), 'deleteKey', 'deleteKeyMaterial', 'rotateKey']],
  ['certificate', eventsOf(certificateOps)],
  ['token', eventsOf(tokenOps)],
];

const resourceOf = new Map<string, AuditResourceType>();
for (const [type, events] of GROUPS) for (const e of events) if (!resourceOf.has(e)) resourceOf.set(e, type);

/** Events by resource type, disjoint; events of no group count as vault events. */
export const EVENTS_BY_RESOURCE: Readonly<Record<AuditResourceType, readonly string[]>> = Object.fromEntries(
  GROUPS.map(([type]) => [type, [...resourceOf].filter(([, t]) => t === type).map(([e]) => e)]),
) as unknown as Record<AuditResourceType, readonly string[]>;

export function auditResourceType(event: string): AuditResourceType {
  return resourceOf.get(event) ?? 'vault';
}

/** Failures that may be an attack or leave the vault unsafe, rather than a caller's mistake. */
export const INCIDENT_ERROR_CODES: readonly string[] = [
  'WrongPassphrase',
  'TokenPinIncorrect',
  'TokenPinLocked',
  'TokenPinFinalTry',
  'VaultCorrupt',
  'SelfTestFailed',
  'AuditUnavailable',
  'TokenModuleCrashed',
  'Unauthorized',
  'AccessDenied',
];

export function auditLevel(outcome: 'success' | 'failure', errorCode: string | null): AuditLevel {
  if (outcome === 'success') return 'normal';
  return errorCode !== null && INCIDENT_ERROR_CODES.includes(errorCode) ? 'incident' : 'warning';
}
