/** Reading the audit log: a filtered, paged query, the keyed-chain check, signed checkpoints and export. */
import { z } from 'zod';
import { op } from '../operation.ts';
import * as s from '../schemas.ts';

import { AUDIT_LEVELS, AUDIT_RESOURCE_TYPES, type AuditLevel, type AuditResourceType } from '../../domain/audit-vocabulary.ts';

export { AUDIT_LEVELS, AUDIT_RESOURCE_TYPES, type AuditLevel, type AuditResourceType };

export interface AuditEvent {
  seq: number;
  /** ISO time of the record. */
  at: string;
  event: string;
  actor: string;
  keyId: string | null;
  outcome: 'success' | 'failure';
  errorCode: string | null;
  resourceType: AuditResourceType;
  level: AuditLevel;
  /** Non-secret facts recorded with the event (never key material or passphrases); null also when the stored detail is not JSON. */
  detail: Record<string, string | number | boolean | null> | null;
}

/** Why a chain check failed, naming the first record that is not what the vault wrote. */
export type AuditBreakReason =
  /** a sequence number is missing: the record was deleted (or the tail cut) */
  | 'recordMissing'
  /** the record's stored prev_hash does not continue the chain */
  | 'linkBroken'
  /** the record's content does not hash to its stored hash */
  | 'recordAltered'
  /** content and hash agree but the vault's MAC does not: re-hashed without the key */
  | 'macInvalid'
  /** the chain ends before the sealed head: the tail was cut */
  | 'truncated'
  /** records beyond the sealed head (appended without the key, or the head rolled back) */
  | 'beyondHead'
  /** the record at the head's seq is not the one sealed */
  | 'headMismatch'
  /** the sealed head is missing or its seal is broken */
  | 'headInvalid'
  /** a signed checkpoint does not match the chain (or is beyond its end) */
  | 'checkpointMismatch'
  /** a checkpoint's signature is not valid or not by this vault's audit key */
  | 'checkpointInvalid';

export interface AuditChainVerdict {
  ok: boolean;
  /** Records that verified before the first break. */
  records: number;
  /** The first record (by sequence number) that was altered, removed or added; null when ok or when only the head or a checkpoint is bad. */
  brokenAtSeq: number | null;
  reason: AuditBreakReason | null;
  headSeq: number | null;
  checkpointsVerified: number;
  latestCheckpointSeq: number | null;
}

export interface AuditCheckpointFile {
  format: 'keywarden-audit-checkpoint/v1';
  vaultId: string;
  seq: number;
  hash: string;
  at: string;
  /** The exact signed text (docs/design.md, "Audit"). */
  payload: string;
  signature: { algorithm: 'ECDSA-P256-SHA256'; publicKey: string; value: string };
  /** Officers' signatures over the same payload. */
  cosignatures: Array<{ signer: string; algorithm: string; credential: string; value: string; at: string }>;
}

const short = z.string().min(1).max(64);
const checkpointFile = z
  .object({
    format: z.literal('keywarden-audit-checkpoint/v1'),
    vaultId: short,
    seq: z.number().int().min(1),
    hash: z.string().regex(/^[0-9a-f]{64}$/, 'not 64 lowercase hex digits'),
    at: z.string().max(40),
    payload: z.string().max(512).optional(),
    signature: z.object({ algorithm: z.literal('ECDSA-P256-SHA256'), publicKey: z.string().max(1024), value: z.string().max(256) }).strict(),
    cosignatures: z
      .array(z.object({ signer: short, algorithm: short, credential: z.string().max(8192), value: z.string().max(2048), at: z.string().max(40) }).strict())
      .max(16)
      .default([]),
  })
  .strict();

const filters = {
  event: short.optional(),
  actor: short.optional(),
  resourceType: z.enum(AUDIT_RESOURCE_TYPES).optional(),
  level: z.enum(AUDIT_LEVELS).optional(),
};

export const auditOps = {
  listAuditEvents: op<{ events: AuditEvent[]; totalCount: number; pageNumber: number; pageSize: number }>()({
    request: z
      .object({
        ...s.paging,
        ...filters,
        keyId: short.optional(),
        outcome: z.enum(['success', 'failure']).optional(),
        sortOrder: z.enum(['asc', 'desc']).default('desc'),
      })
      .strict(),
    kind: 'read',
    permission: 'kms:audit:read',
    gate: 'unlocked',
    event: 'listAuditEvents',
    summary: 'Page through the audit log, newest first, filtered by event, key, outcome, actor, resource type or level.',
  }),
  verifyAuditChain: op<AuditChainVerdict>()({
    request: z.object({ checkpoint: checkpointFile.optional() }).strict(),
    kind: 'read',
    permission: 'kms:audit:verify',
    gate: 'unlocked',
    event: 'verifyAuditChain',
    summary:
      'Check every record of the keyed audit chain, the sealed head and every signed checkpoint (and a checkpoint file, if given); names the first altered, removed or added record by sequence number, including a cut tail.',
  }),
  createAuditCheckpoint: op<{ checkpoint: AuditCheckpointFile }>()({
    request: s.empty,
    kind: 'write',
    event: 'createAuditCheckpoint',
    permission: 'kms:audit:checkpoint',
    gate: 'unlocked',
    summary: 'Sign the audit chain head (sequence, chain hash, time) with the vault audit key now and return the checkpoint file.',
  }),
  getAuditCheckpoint: op<{ checkpoint: AuditCheckpointFile | null }>()({
    request: s.empty,
    kind: 'read',
    event: 'getAuditCheckpoint',
    permission: 'kms:audit:read',
    gate: 'unlocked',
    summary: 'The latest signed audit checkpoint (taken every N records, at lock and close, and on demand), or null.',
  }),
  exportAuditLog: op<{ format: 'jsonl' | 'csv'; content: string; records: number; checkpointSeq: number }>()({
    request: z
      .object({
        format: z.enum(['jsonl', 'csv']).default('jsonl'),
        from: z.iso.datetime({ offset: true }).optional(),
        to: z.iso.datetime({ offset: true }).optional(),
        ...filters,
      })
      .strict(),
    kind: 'write',
    event: 'exportAuditLog',
    permission: 'kms:audit:export',
    gate: 'unlocked',
    summary:
      'Export the audit log (filtered by time, actor, event, resource type or level) with a fresh signed checkpoint and the digests of the records left out, so `kw audit verify-export` can check it with no vault.',
  }),
};
