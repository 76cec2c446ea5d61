/**
 * The whole API of Keywarden, declared once. The CLI, the Electron IPC handler, the
 * browser shell and the renderer client are all derived from this table.
 */
import type { z } from 'zod';
import { vaultOps } from './ops/vault.ts';
import { keyOps } from './ops/keys.ts';
import { cryptoOps } from './ops/crypto.ts';
import { auditOps } from './ops/audit.ts';
import { byokOps } from './ops/byok.ts';
import { certificateOps } from './ops/certificates.ts';
import { tokenOps } from './ops/tokens.ts';
import { overviewOps } from './ops/overview.ts';
import { officerOps } from './ops/officers.ts';
import { quorumOps } from './ops/quorum.ts';
import type { OperationDef } from './operation.ts';

export const contract = {
  ...vaultOps,
  ...keyOps,
  ...cryptoOps,
  ...auditOps,
  ...byokOps,
  ...certificateOps,
  ...tokenOps,
  ...overviewOps,
  ...officerOps,
  ...quorumOps,
} as const;

export type Contract = typeof contract;
export type OperationName = keyof Contract;
export type RequestOf<N extends OperationName> = z.input<Contract[N]['request']>;
/** The request after schema defaults are applied: what handlers receive. */
export type ParsedRequestOf<N extends OperationName> = z.output<Contract[N]['request']>;
export type ResponseOf<N extends OperationName> = Contract[N] extends OperationDef<z.ZodType, infer R> ? R : never;

export const OPERATION_NAMES = Object.keys(contract) as OperationName[];

export function isOperationName(x: unknown): x is OperationName {
  return typeof x === 'string' && Object.prototype.hasOwnProperty.call(contract, x);
}

/** A client of the contract, as every door exposes it. */
export type KeywardenApi = { [N in OperationName]: (request: RequestOf<N>) => Promise<ResponseOf<N>> };
