/**
 * Quorum (M-of-N approval): a policy names an operation and how many officers of a role
 * must approve it. An officer proposes a request (operation + exact parameters, whose
 * canonical JSON is hashed with SHA-256 and SM3); officers approve by signing the
 * request's statement with their credential, here or on another machine through an
 * approval file; with M valid approvals the proposer or an approver executes it, once,
 * with exactly the approved parameters.
 */
import { z } from 'zod';
import { op } from '../operation.ts';
import { callerRecord, empty } from '../schemas.ts';

export interface ApprovalView {
  officerId: string;
  officerName: string;
  credentialId: string;
  algorithm: string;
  approvedAt: string;
}

export interface QuorumRequestView {
  requestId: string;
  operation: string;
  parameters: unknown;
  digestSha256: string;
  digestSm3: string;
  role: string;
  required: number;
  proposer: string;
  status: 'pending' | 'executed' | 'withdrawn' | 'failed' | 'expired';
  createdAt: string;
  expiresAt: string;
  executedAt: string | null;
  executedBy: string | null;
  /** executed: the operation's result code ('ok' or its error code). */
  outcome: string | null;
  approvals: ApprovalView[];
  /** The exact bytes an approver signs (base64): names the vault, the request and both digests. */
  statement: string;
}

export interface QuorumPolicy {
  operation: string;
  role: string;
  required: number;
  builtin: boolean;
}

/** A request as a small file an officer carries to another machine to approve it there. */
export interface ApprovalRequestFile {
  format: 'keywarden-approval-request/v1';
  vaultId: string;
  request: { requestId: string; operation: string; parameters: unknown; proposer: string; createdAt: string; expiresAt: string };
  digestSha256: string;
  digestSm3: string;
  statement: string;
}

/** An officer's signed approval, as carried back in a file. */
export interface ApprovalFile {
  format: 'keywarden-approval/v1';
  vaultId: string;
  requestId: string;
  digestSha256: string;
  officerId: string;
  credentialId: string;
  algorithm: 'RSA_PKCS1_SHA_256' | 'RSA_PSS_SHA_256' | 'ECDSA_SHA_256' | 'SM2DSA';
  /** base64 signature over the request's statement. */
  signature: string;
  statement: string;
}

const requestId = z.string().min(1).max(64);
const algorithm = z.enum(['RSA_PKCS1_SHA_256', 'RSA_PSS_SHA_256', 'ECDSA_SHA_256', 'SM2DSA']);
export const approvalFile = z
  .object({
    format: z.literal('keywarden-approval/v1'),
    vaultId: z.string().min(1).max(64),
    requestId,
    digestSha256: z.string().regex(/^[0-9a-f]{64}$/),
    officerId: z.string().min(1).max(64),
    credentialId: z.string().min(1).max(64),
    algorithm,
    signature: z.string().min(1).max(2048),
    statement: z.string().min(1).max(4096),
  })
  .strict();

export const quorumOps = {
  proposeRequest: op<{ request: QuorumRequestView }>()({
    request: z
      .object({
        operation: z.string().min(1).max(64),
        parameters: callerRecord(z.string(), z.unknown()).default({}),
        expiresInHours: z.number().int().min(1).max(7 * 24).default(24),
      })
      .strict(),
    kind: 'write',
    permission: 'kms:quorum:propose',
    gate: 'unlocked',
    event: 'proposeRequest',
    summary: 'Propose an operation a quorum policy guards, with its exact parameters (the proposer must hold its permission item).',
  }),
  approveRequest: op<{ request: QuorumRequestView }>()({
    request: z
      .object({
        requestId,
        /** Approve as the signed-in officer with a software credential (its passphrase signs here)... */
        passphrase: z.string().min(1).max(1024).optional(),
        credentialId: z.string().min(1).max(64).optional(),
        /** ...or with a signature made on the officer's UKey over the request's statement... */
        signature: z.string().min(1).max(2048).optional(),
        algorithm: algorithm.optional(),
        /** ...or import an approval file signed on another machine. */
        approval: approvalFile.optional(),
      })
      .strict(),
    kind: 'write',
    permission: 'kms:quorum:approve',
    gate: 'unlocked',
    event: 'approveRequest',
    summary: "Add an officer's signed approval to a pending request (every bad approval is refused with its own code and changes nothing).",
  }),
  executeRequest: op<{ request: QuorumRequestView; result: unknown }>()({
    request: z.object({ requestId }).strict(),
    kind: 'write',
    permission: 'kms:quorum:propose',
    gate: 'unlocked',
    event: 'executeRequest',
    summary: 'Run an approved request once, with exactly the approved parameters (the proposer or an approver).',
    returnsSecret: true,
  }),
  withdrawRequest: op<{ request: QuorumRequestView }>()({
    request: z.object({ requestId }).strict(),
    kind: 'write',
    permission: 'kms:quorum:propose',
    gate: 'unlocked',
    event: 'withdrawRequest',
    summary: 'Withdraw a pending request (its proposer).',
  }),
  listRequests: op<{ requests: QuorumRequestView[] }>()({
    request: z.object({ status: z.enum(['pending', 'executed', 'withdrawn', 'failed', 'expired']).optional() }).strict(),
    kind: 'read',
    permission: 'kms:quorum:list',
    gate: 'unlocked',
    event: 'listRequests',
    summary: 'Quorum requests, newest first, with who approved what and when.',
  }),
  exportRequest: op<ApprovalRequestFile>()({
    request: z.object({ requestId }).strict(),
    kind: 'read',
    permission: 'kms:quorum:list',
    gate: 'unlocked',
    event: 'exportRequest',
    summary: 'A pending request as an approval-request file to carry to another machine.',
  }),
  signApproval: op<ApprovalFile>()({
    request: z
      .object({
        file: z.object({ format: z.literal('keywarden-approval-request/v1') }).passthrough(),
        passphrase: z.string().min(1).max(1024),
        credentialId: z.string().min(1).max(64).optional(),
      })
      .strict(),
    kind: 'crypto',
    permission: 'kms:quorum:approve',
    gate: 'none',
    event: 'signApproval',
    summary: "Sign an approval-request file with the signed-in officer's software credential (checks the file's digests first); returns the approval file.",
  }),
  listQuorumPolicies: op<{ policies: QuorumPolicy[] }>()({
    request: empty,
    kind: 'read',
    permission: 'kms:quorum:list',
    gate: 'none',
    event: 'listQuorumPolicies',
    summary: 'Which operations need how many approvals from which role (the shipped defaults and changes to them).',
  }),
  setQuorumPolicy: op<{ policy: QuorumPolicy }>()({
    request: z.object({ operation: z.string().min(1).max(64), role: z.string().min(1).max(64), required: z.number().int().min(1).max(16) }).strict(),
    kind: 'write',
    permission: 'kms:quorum:policy',
    gate: 'unlocked',
    event: 'setQuorumPolicy',
    summary: "Change the rule guarding an operation (itself guarded by the current policy's quorum).",
  }),
};

export type QuorumOperation = keyof typeof quorumOps;
