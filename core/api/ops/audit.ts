/** Reading the audit log: a filtered, paged query and the hash-chain check. */
import { z } from 'zod';
import { op } from '../operation.ts';
import * as s from '../schemas.ts';

export interface AuditEvent {
  seq: number;
  /** ISO time of the record. */
  at: string;
  event: string;
  actor: string;
  keyId: string | null;
  outcome: 'success' | 'failure';
  errorCode: string | null;
  /** Non-secret facts recorded with the event (never key material or passphrases). */
  detail: Record<string, string | number | boolean | null> | null;
}

export const auditOps = {
  listAuditEvents: op<{ events: AuditEvent[]; totalCount: number; pageNumber: number; pageSize: number }>()({
    request: z
      .object({
        ...s.paging,
        event: z.string().min(1).max(64).optional(),
        keyId: z.string().min(1).max(64).optional(),
        outcome: z.enum(['success', 'failure']).optional(),
        actor: z.string().min(1).max(64).optional(),
        sortOrder: z.enum(['asc', 'desc']).default('desc'),
      })
      .strict(),
    kind: 'read',
    permission: 'kms:audit:read',
    gate: 'unlocked',
    event: 'listAuditEvents',
    summary: 'Page through the audit log, newest first, filtered by event, key, outcome or actor.',
  }),
  verifyAuditChain: op<{ ok: boolean; records: number; brokenAtSeq: number | null }>()({
    request: s.empty,
    kind: 'read',
    permission: 'kms:audit:verify',
    gate: 'unlocked',
    event: 'verifyAuditChain',
    summary: 'Recompute the audit hash chain from the first record; any edit, reordering or deletion shows.',
  }),
};
