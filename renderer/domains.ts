/**
 * The contract's operation table as the renderer sees it at run time: names, kinds and
 * summaries, injected by the build from core/api/contract.ts (the renderer must not
 * bundle zod schemas). Screens for domains that other parts of the core add (BYOK,
 * certificates, tokens) find their operations here, so a new operation shows up
 * without hand-written plumbing.
 */
import type { OperationName } from '../core/api/contract.ts';

export interface OperationInfo {
  kind: 'read' | 'write' | 'crypto' | 'session';
  summary: string;
  event: string;
}

declare const __KW_OPERATIONS__: Record<string, OperationInfo>;

export const OPERATIONS: Readonly<Record<string, OperationInfo>> = typeof __KW_OPERATIONS__ === 'object' ? __KW_OPERATIONS__ : {};

export function hasOperation(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(OPERATIONS, name);
}

export type Domain = 'byok' | 'certificates' | 'tokens';

const DOMAIN_PATTERNS: Record<Domain, RegExp> = {
  byok: /import|material|wrap|byok|export(?!.*cert)/i,
  certificates: /cert|csr|pkcs12/i,
  tokens: /token|slot|pin|mechanism|pkcs11|module/i,
};

/** Operations of a domain, by name; a name that fits two domains goes to the first. */
export function operationsOf(domain: Domain): OperationName[] {
  const order: Domain[] = ['certificates', 'tokens', 'byok'];
  return Object.keys(OPERATIONS).filter((name) => order.find((d) => DOMAIN_PATTERNS[d].test(name)) === domain) as OperationName[];
}

/**
 * The operation an audit event records, to title it: the operation named like the event,
 * else the first that records under that name (listKeys records listAliasKeys). Null for
 * events no operation records (the scheduler's deleteKey).
 */
export function operationOfEvent(event: string): OperationName | null {
  if (hasOperation(event)) return event as OperationName;
  const found = Object.entries(OPERATIONS).find(([, info]) => info.event === event);
  return found ? (found[0] as OperationName) : null;
}
