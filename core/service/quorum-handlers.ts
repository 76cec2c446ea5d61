/**
 * Quorum requests through the contract: propose, approve (here, with a UKey signature,
 * or from an approval file), execute once with the approved parameters, withdraw,
 * list, export; and the policies. Every refusal is a typed error and changes nothing.
 */
import { KwError, type Result } from '../api/errors.ts';
import type { z } from 'zod';
import { contract, isOperationName, type OperationName, type ParsedRequestOf, type ResponseOf } from '../api/contract.ts';
import type { ApprovalFile, QuorumOperation } from '../api/ops/quorum.ts';
import type { SignAlgorithm } from '../crypto/types.ts';
import type { CallContext } from '../kms/context.ts';
import { uuidFrom } from '../ports/index.ts';
import { requirePermission } from '../officers/access.ts';
import { signWithSoftwareCredential, verifyCredentialSignature } from '../officers/credentials.ts';
import { findOfficer, getCredential, pickCredential, requireActive, rolesOf, type CredentialRow, type OfficerRow } from '../officers/registry.ts';
import { approvalsOf, canonicalJson, getRequest, policies, putPolicy, requestCore, requestDigests, requestView, statementOf, type RequestRow } from '../officers/quorum.ts';
import { requireRolesExist } from '../officers/role-store.ts';
import type { CallIdentity, OfficerSession } from './officer-handlers.ts';

export interface QuorumSession extends OfficerSession {
  /** Runs an approved operation through the dispatcher as the executing officer, quorum check waived for it. */
  executeApproved(operation: OperationName, parameters: unknown, who: CallIdentity, requestId: string): Promise<Result<unknown>>;
  schemaError(e: z.ZodError, request: unknown): KwError;
}

function vaultIdOf(ctx: CallContext): string {
  return ctx.vault.vaultId ?? '-';
}

function signer(who: CallIdentity): OfficerRow {
  const o = who.resolved.officer;
  if (!o) throw new KwError('NotSignedIn', 'sign in as an officer first');
  return o;
}

function requirePending(row: RequestRow, now: number): void {
  if (row.status !== 'pending') throw new KwError('RequestNotPending', `request ${row.id} is ${row.status}`, { requestId: row.id });
  if (now >= row.expires_at) throw new KwError('RequestExpired', `request ${row.id} expired at ${new Date(row.expires_at).toISOString()}`, { requestId: row.id });
}

function statementFor(ctx: CallContext, row: RequestRow): Buffer {
  return statementOf(vaultIdOf(ctx), row.id, row.operation, row.digest_sha256, row.digest_sm3);
}

/** Approvals that still count: from active officers who hold the request's role. */
function countingApprovals(ctx: CallContext, row: RequestRow): number {
  return approvalsOf(ctx.db, row.id).filter((a) => {
    const o = ctx.db.prepare('SELECT * FROM officers WHERE id = ?').get(a.officer_id) as OfficerRow | undefined;
    return o !== undefined && o.status === 'active' && rolesOf(o).includes(row.role);
  }).length;
}

type QuorumHandlerTable = { [K in QuorumOperation]: (req: ParsedRequestOf<K>, s: QuorumSession, ctx: CallContext, who: CallIdentity) => Promise<ResponseOf<K>> };

export const quorumHandlers: QuorumHandlerTable = {
  async proposeRequest(req, s, ctx, who) {
    const proposer = signer(who);
    if (!isOperationName(req.operation)) throw new KwError('InvalidParameter', `operation: unknown operation '${req.operation.slice(0, 64)}'`, { field: 'operation' });
    const policy = policies(ctx.db).find((p) => p.operation === req.operation);
    if (!policy) throw new KwError('InvalidParameter', `operation: ${req.operation} is not guarded by a quorum policy; call it directly`, { field: 'operation' });
    const parsed = contract[req.operation].request.safeParse(req.parameters);
    if (!parsed.success) throw s.schemaError(parsed.error, req.parameters);
    requirePermission(who.resolved.principal, contract[req.operation].permission, ctx.db, parsed.data);
    const now = ctx.clock.now();
    const id = uuidFrom(ctx.random);
    const parameters = JSON.parse(canonicalJson(req.parameters)) as unknown;
    const core = { vaultId: vaultIdOf(ctx), requestId: id, operation: req.operation, parameters, proposer: proposer.id, createdAt: new Date(now).toISOString(), expiresAt: new Date(now + req.expiresInHours * 3_600_000).toISOString() };
    const d = requestDigests(ctx.suite, core);
    ctx.keyId = id;
    ctx.detail = { operation: req.operation, sha256: d.sha256.toString('hex'), role: policy.role, required: policy.required };
    ctx.write(() =>
      ctx.db
        .prepare(
          `INSERT INTO quorum_requests (id, operation, parameters, digest_sha256, digest_sm3, role, required, proposer, status, created_at, expires_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
        )
        .run(id, req.operation, canonicalJson(parameters), d.sha256, d.sm3, policy.role, policy.required, proposer.id, now, now + req.expiresInHours * 3_600_000),
    );
    return { request: requestView(ctx.db, vaultIdOf(ctx), getRequest(ctx.db, id), now) };
  },

  async approveRequest(req, s, ctx, who) {
    const row = getRequest(ctx.db, req.requestId);
    ctx.keyId = row.id;
    const now = ctx.clock.now();
    requirePending(row, now);
    const statement = statementFor(ctx, row);
    let officer: OfficerRow;
    let cred: CredentialRow;
    let algorithm: SignAlgorithm;
    let signature: Buffer;
    if (req.approval) {
      const a = req.approval;
      if (a.vaultId !== vaultIdOf(ctx) || a.requestId !== row.id || a.digestSha256 !== row.digest_sha256.toString('hex') || a.statement !== statement.toString('base64')) {
        throw new KwError('ApprovalMismatch', 'the approval was made for another request or other parameters', { requestId: row.id });
      }
      officer = findOfficer(ctx.db, a.officerId);
      cred = getCredential(ctx.db, a.credentialId);
      if (cred.officer_id !== officer.id) throw new KwError('ApprovalInvalid', 'the approval names a credential of another officer');
      algorithm = a.algorithm;
      signature = Buffer.from(a.signature, 'base64');
    } else {
      officer = signer(who);
      if (req.passphrase !== undefined) {
        cred = pickCredential(ctx.db, officer, req.credentialId, ['software']);
        const signed = await signWithSoftwareCredential(ctx.suite, cred, req.passphrase, statement);
        algorithm = signed.algorithm;
        signature = Buffer.from(signed.signature);
      } else if (req.signature !== undefined && req.algorithm !== undefined) {
        cred = pickCredential(ctx.db, officer, req.credentialId, ['ukey']);
        algorithm = req.algorithm;
        signature = Buffer.from(req.signature, 'base64');
      } else {
        throw new KwError('MissingParameter', 'approve with a passphrase (software credential), a UKey signature and algorithm, or an approval file', { field: 'signature' });
      }
    }
    ctx.detail = { officerId: officer.id, credentialId: cred.id };
    requireActive(officer);
    if (!rolesOf(officer).includes(row.role)) throw new KwError('ApprovalNotEligible', `officer '${officer.name}' does not hold ${row.role}`, { officerId: officer.id, role: row.role });
    const prior = approvalsOf(ctx.db, row.id).find((a) => a.officer_id === officer.id);
    if (prior) {
      if (prior.signature.equals(signature)) throw new KwError('ApprovalReplayed', 'this approval was already counted', { officerId: officer.id });
      throw new KwError('ApprovalDuplicate', `officer '${officer.name}' already approved this request`, { officerId: officer.id });
    }
    if (!verifyCredentialSignature(ctx.suite, cred, algorithm, statement, signature)) throw new KwError('ApprovalInvalid', 'the approval signature does not verify', { officerId: officer.id });
    ctx.write(() =>
      ctx.db
        .prepare('INSERT INTO quorum_approvals (request_id, officer_id, credential_id, algorithm, signature, approved_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(row.id, officer.id, cred.id, algorithm, signature, now),
    );
    void s;
    return { request: requestView(ctx.db, vaultIdOf(ctx), getRequest(ctx.db, row.id), now) };
  },

  async executeRequest(req, s, ctx, who) {
    const executor = signer(who);
    const row = getRequest(ctx.db, req.requestId);
    ctx.keyId = row.id;
    const now = ctx.clock.now();
    requirePending(row, now);
    const approvers = approvalsOf(ctx.db, row.id).map((a) => a.officer_id);
    if (executor.id !== row.proposer && !approvers.includes(executor.id)) throw new KwError('AccessDenied', 'only the proposer or an approver executes a request', { requestId: row.id });
    const have = countingApprovals(ctx, row);
    if (have < row.required) throw new KwError('QuorumNotMet', `request ${row.id} has ${have} of ${row.required} approvals`, { requestId: row.id, approvals: have, required: row.required });
    // Claimed before it runs: a second execute (here or in another process) finds it taken.
    const claimed = ctx.db.prepare("UPDATE quorum_requests SET status = 'executed', executed_at = ?, executed_by = ? WHERE id = ? AND status = 'pending'").run(now, executor.id, row.id);
    if (claimed.changes !== 1) throw new KwError('RequestNotPending', `request ${row.id} was executed already`, { requestId: row.id });
    if (!isOperationName(row.operation)) throw new KwError('InternalError', 'a stored request names no operation');
    const result = await s.executeApproved(row.operation, JSON.parse(row.parameters), who, row.id);
    const outcome = result.ok ? 'ok' : result.error.code;
    ctx.db.prepare('UPDATE quorum_requests SET outcome = ?, status = ? WHERE id = ?').run(outcome, result.ok ? 'executed' : 'failed', row.id);
    ctx.detail = { operation: row.operation, outcome };
    return { request: requestView(ctx.db, vaultIdOf(ctx), getRequest(ctx.db, row.id), now), result: result.ok ? result.value : { error: result.error } };
  },

  async withdrawRequest(req, _s, ctx, who) {
    const officer = signer(who);
    const row = getRequest(ctx.db, req.requestId);
    ctx.keyId = row.id;
    if (row.status !== 'pending') throw new KwError('RequestNotPending', `request ${row.id} is ${row.status}`, { requestId: row.id });
    if (row.proposer !== officer.id) throw new KwError('AccessDenied', 'only the proposer withdraws a request', { requestId: row.id });
    ctx.write(() => ctx.db.prepare("UPDATE quorum_requests SET status = 'withdrawn' WHERE id = ?").run(row.id));
    return { request: requestView(ctx.db, vaultIdOf(ctx), getRequest(ctx.db, row.id), ctx.clock.now()) };
  },

  async listRequests(req, _s, ctx) {
    const now = ctx.clock.now();
    const rows = ctx.db.prepare('SELECT * FROM quorum_requests ORDER BY created_at DESC, id').all() as RequestRow[];
    const views = rows.map((r) => requestView(ctx.db, vaultIdOf(ctx), r, now));
    return { requests: req.status ? views.filter((v) => v.status === req.status) : views };
  },

  async exportRequest(req, _s, ctx) {
    const row = getRequest(ctx.db, req.requestId);
    ctx.keyId = row.id;
    requirePending(row, ctx.clock.now());
    const core = requestCore(vaultIdOf(ctx), row);
    const { vaultId, ...request } = core;
    return {
      format: 'keywarden-approval-request/v1',
      vaultId,
      request,
      digestSha256: row.digest_sha256.toString('hex'),
      digestSm3: row.digest_sm3.toString('hex'),
      statement: statementFor(ctx, row).toString('base64'),
    };
  },

  async signApproval(req, _s, ctx, who) {
    const officer = signer(who);
    const f = req.file as unknown as { vaultId?: unknown; request?: Record<string, unknown>; digestSha256?: unknown; digestSm3?: unknown; statement?: unknown };
    const r = f.request;
    if (typeof f.vaultId !== 'string' || !r || typeof r.requestId !== 'string' || typeof r.operation !== 'string') throw new KwError('InvalidParameter', 'file: not an approval-request file', { field: 'file' });
    const core = { vaultId: f.vaultId, requestId: r.requestId, operation: r.operation, parameters: r.parameters, proposer: String(r.proposer), createdAt: String(r.createdAt), expiresAt: String(r.expiresAt) };
    // The signer checks what they sign: the digests are recomputed from the request in the file.
    const d = requestDigests(ctx.suite, core);
    const statement = statementOf(core.vaultId, core.requestId, core.operation, d.sha256, d.sm3);
    if (f.digestSha256 !== d.sha256.toString('hex') || f.digestSm3 !== d.sm3.toString('hex') || f.statement !== statement.toString('base64')) {
      throw new KwError('ApprovalMismatch', 'the file’s digests do not match the request it shows', { requestId: core.requestId });
    }
    const cred = pickCredential(ctx.db, officer, req.credentialId, ['software']);
    const signed = await signWithSoftwareCredential(ctx.suite, cred, req.passphrase, statement);
    ctx.keyId = core.requestId;
    const out: ApprovalFile = {
      format: 'keywarden-approval/v1',
      vaultId: core.vaultId,
      requestId: core.requestId,
      digestSha256: d.sha256.toString('hex'),
      officerId: officer.id,
      credentialId: cred.id,
      algorithm: signed.algorithm,
      signature: Buffer.from(signed.signature).toString('base64'),
      statement: statement.toString('base64'),
    };
    return out;
  },

  async listQuorumPolicies(_req, _s, ctx) {
    return { policies: policies(ctx.db) };
  },

  async setQuorumPolicy(req, _s, ctx) {
    if (!isOperationName(req.operation)) throw new KwError('InvalidParameter', `operation: unknown operation '${req.operation.slice(0, 64)}'`, { field: 'operation' });
    requireRolesExist(ctx.db, [req.role]);
    ctx.detail = { operation: req.operation, role: req.role, required: req.required };
    ctx.write(() => putPolicy(ctx.db, req));
    return { policy: { ...req, builtin: false } };
  },
};
