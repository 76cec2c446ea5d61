/**
 * How one operation of the contract is declared: its request schema (checked at every
 * door), its response type (a phantom: types only), the audit event it writes and its
 * kind. Doors and clients are derived from these declarations, never written by hand.
 */
import type { z } from 'zod';

/**
 * read: changes nothing; write: changes the catalogue (audit in the same transaction);
 * crypto: uses keys without changing them (audit may be group-committed);
 * session: opens/locks the vault or a token (audited, allowed while locked).
 */
export type OperationKind = 'read' | 'write' | 'crypto' | 'session';

export interface OperationDef<S extends z.ZodType = z.ZodType, R = unknown> {
  readonly request: S;
  readonly kind: OperationKind;
  /** Audit event name, from the reference KMS's key-operation list where it has one. */
  readonly event: string;
  readonly summary: string;
  /** True when the response carries secret material the caller asked for (never logged). */
  readonly returnsSecret?: boolean;
  /** Phantom field carrying the response type; always undefined at run time. */
  readonly response?: R;
}

export function op<R>() {
  return <S extends z.ZodType>(def: Omit<OperationDef<S, R>, 'response'>): OperationDef<S, R> => def;
}
