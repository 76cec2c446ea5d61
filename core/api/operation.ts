/**
 * How one operation of the contract is declared: its request schema (checked at every
 * door), its response type (a phantom: types only), the audit event it writes, its
 * kind, the permission item an officer needs to call it and the vault state it needs.
 * Doors, clients and the dispatcher's checks are derived from these declarations,
 * never written by hand.
 */
import type { z } from 'zod';

/**
 * read: changes nothing; write: changes the catalogue (audit in the same transaction);
 * crypto: uses keys without changing them (audit may be group-committed);
 * session: opens/locks the vault or a token (audited, allowed while locked).
 */
export type OperationKind = 'read' | 'write' | 'crypto' | 'session';

/**
 * A permission item, shaped like the reference KMS's authorisation items
 * (`kms:cmk:encrypt`, `kms:cert:create`); Keywarden's own operations use the same shape
 * (`kms:token:init`, `kms:officer:manage`). Several operations may share one item.
 */
export type PermissionItem = `kms:${string}:${string}`;

/**
 * The vault state an operation needs before it runs, checked once at dispatch:
 * unlocked — the root key is in memory; none — it runs on a locked (or absent) vault
 * (status, init, unlock, and the token steps that come before a token unlock).
 */
export type Gate = 'unlocked' | 'none';

export interface OperationDef<S extends z.ZodType = z.ZodType, R = unknown> {
  readonly request: S;
  readonly kind: OperationKind;
  /** Audit event name, from the reference KMS's key-operation list where it has one. */
  readonly event: string;
  /** What an officer must hold to call it (checked for every door). */
  readonly permission: PermissionItem;
  readonly gate: Gate;
  readonly summary: string;
  /** True when the response carries secret material the caller asked for (never logged). */
  readonly returnsSecret?: boolean;
  /** Phantom field carrying the response type; always undefined at run time. */
  readonly response?: R;
}

export function op<R>() {
  return <S extends z.ZodType>(def: Omit<OperationDef<S, R>, 'response'>): OperationDef<S, R> => def;
}
