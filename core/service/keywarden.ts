/**
 * The composition root of the core: opens a vault, wires ports and key stores, and
 * serves every operation of the contract through one `call` — the single entry point
 * behind the CLI, the Electron IPC handler and the browser shell.
 */
import { KwError, toErrorData, type ErrorData, type Result } from '../api/errors.ts';
import type { PermissionItem } from '../api/operation.ts';
import { schemaErrorData } from '../api/schema-error.ts';
import { createClient } from '../api/client.ts';
import { canonicalOperation, canonicalRequest } from '../api/seed-names.ts';
import { contract, type KeywardenApi, type OperationName, type ResponseOf } from '../api/contract.ts';
import { AuditLog, type AuditOptions, type AuditRecord } from '../audit/audit-log.ts';
import type { CryptoSuite } from '../crypto/types.ts';
import { defaultSuite } from '../crypto/suite.ts';
import { runSelfTest } from '../crypto/self-test.ts';
import type { CallContext, Services } from '../kms/context.ts';
import { SoftwareKeyStore, type KeyStore } from '../kms/keystore.ts';
import { runDueWork } from '../kms/scheduler.ts';
import { systemClock, systemRandom, type Clock, type Random } from '../ports/index.ts';
import { Vault } from '../vault/vault.ts';
import { changeTracker, type ChangeTracker } from '../catalogue/change-tracker.ts';
import type { ScryptParams } from '../vault/root-key.ts';
import { kmsHandlers, type VaultOperation } from './handlers.ts';
import type { TokenOperation } from '../api/ops/tokens.ts';
import { vaultHandlers, type VaultSession } from './vault-handlers.ts';
import { tokenHandlers, type TokenSession } from './token-handlers.ts';
import { TokenSessions } from '../keystore/token-sessions.ts';
import { HsmKeyStore, PROFILE_FILE } from '../keystore/hsm-keystore.ts';
import { readTokenSettings } from '../vault/token-settings.ts';
import { TokenKeys } from '../keystore/token-keys.ts';
import type { WorkerSpawner } from '../pkcs11/worker-process.ts';
import { requirePermission } from '../officers/access.ts';
import { Custody, type Resolved } from '../officers/custody.ts';
import type { OfficerOperation } from '../api/ops/officers.ts';
import type { QuorumOperation } from '../api/ops/quorum.ts';
import { quorumHandlers, type QuorumSession } from './quorum-handlers.ts';
import { createOwner, officerHandlers, type CallIdentity, type OfficerSession } from './officer-handlers.ts';

export interface KeywardenOptions {
  vaultDir: string;
  clock?: Clock;
  random?: Random;
  suite?: CryptoSuite;
  /** scrypt cost for new passphrase wrappings (tests lower it; unlock reads what was recorded). */
  scryptCost?: ScryptParams;
  audit?: AuditOptions;
  /** How often due rotations/deletions run while open; 0 turns the timer off. */
  schedulerIntervalMs?: number;
  /** A PKCS#11-backed store for protectionLevel HSM; by default one over `tokens` below. */
  hsmKeyStore?: KeyStore;
  /** PKCS#11 module for this session (e.g. `kw --module`); otherwise the one saved in the vault. */
  tokenModulePath?: string;
  /** Default token for this session; otherwise the one saved in the vault. */
  tokenLabel?: string;
  /** Environment of the token bridge child (SOFTHSM2_CONF for SoftHSM2); defaults to this process's. */
  tokenEnv?: NodeJS.ProcessEnv;
  /**
   * The bridge worker as built for the packaged app (see scripts/build.mjs) and what starts
   * it (Electron: a utility process); tests and the CLI fork worker.ts through tsx.
   */
  tokenWorker?: { script: string; execArgv: string[]; spawn?: WorkerSpawner };
  /** Module profile file (resources/pkcs11-profiles.json by default; users may extend it). */
  tokenProfileFile?: string;
}

export interface Caller {
  /** Which door and user, for the audit log while the vault has only its owner: 'cli:officer', 'ui', ... */
  actor: string;
  /** An officer session token (from signIn): the call runs as that officer, who is the audit actor. */
  session?: string;
}

/**
 * What every call's context shares: the services and `write`. Each call gets an object
 * whose prototype is this, plus its own audit facts, so starting a call copies nothing.
 */
function callPrototype(svc: Services): Services & Pick<CallContext, 'write'> {
  return Object.assign(Object.create(null) as object, svc, {
    write<T>(this: CallContext & { wrote: boolean }, fn: () => T): T {
      const r = this.db.transaction(() => {
        const out = fn();
        this.audit.appendInTransaction({ event: this.event, actor: this.actor, keyId: this.keyId, outcome: 'success', detail: this.detail });
        this.wrote = true;
        return out;
      })();
      // A change to a key (state, versions, material, deletion) drops its unsealed material
      // from memory: the next use unseals what the catalogue now says.
      if (this.keyId) this.vault.forgetUnsealed(this.keyId);
      return r;
    },
  });
}

export class Keywarden {
  readonly services: Services;
  private readonly selfTest: { ok: boolean; failures: string[] };
  private timer: NodeJS.Timeout | null = null;
  private readonly session: VaultSession;
  private readonly tokenSession: TokenSession;
  /** The vault's PKCS#11 tokens: bridges per module and who is logged in (never a PIN). */
  readonly tokens: TokenSessions;
  private readonly callProto: Services & Pick<CallContext, 'write'>;
  private readonly changes: ChangeTracker;
  readonly custody: Custody;
  private readonly officerSession: QuorumSession;

  private constructor(readonly options: KeywardenOptions, vault: Vault, suite: CryptoSuite, clock: Clock, random: Random) {
    const audit = new AuditLog(vault.db, clock, () => vault.auditKeys(), random, options.audit);
    const saved = readTokenSettings(vault.db);
    this.tokens = new TokenSessions({
      modulePath: options.tokenModulePath ?? saved.modulePath,
      defaultTokenLabel: options.tokenLabel ?? saved.defaultTokenLabel,
      ...(options.tokenEnv ? { env: options.tokenEnv } : {}),
      ...(options.tokenWorker ? { worker: options.tokenWorker } : {}),
    });
    const profileFile = options.tokenProfileFile ?? PROFILE_FILE;
    const hsm = new HsmKeyStore(this.tokens, suite, profileFile);
    this.services = {
      vault,
      db: vault.db,
      clock,
      random,
      suite,
      audit,
      keystores: { SOFTWARE: new SoftwareKeyStore(vault, suite, random), HSM: options.hsmKeyStore ?? hsm },
      tokenKeys: new TokenKeys(this.tokens, hsm, suite),
    };
    this.callProto = callPrototype(this.services);
    this.changes = changeTracker(vault.db);
    this.custody = new Custody(vault.db, clock, this.changes);
    this.officerSession = {
      services: this.services,
      custody: this.custody,
      scryptCost: options.scryptCost,
      executeApproved: (operation, parameters, who, requestId) =>
        this.run(operation, canonicalRequest(parameters), { actor: who.resolved.officer?.id ?? 'quorum', ...(who.token ? { session: who.token } : {}) }, requestId),
      schemaError: (e, request) => {
        const d = schemaErrorData(e, request);
        return new KwError(d.code, d.message, d.details);
      },
    };
    this.selfTest = runSelfTest(suite);
    this.session = {
      services: this.services,
      scryptCost: options.scryptCost,
      selfTest: this.selfTest,
      runDueWork: () => runDueWork(this.services),
      createOwner: () => createOwner(this.services, 'owner', clock.now()),
    };
    this.tokenSession = { services: this.services, tokens: this.tokens, hsm, profileFile, runDueWork: () => runDueWork(this.services) };
  }

  static async open(options: KeywardenOptions): Promise<Keywarden> {
    const clock = options.clock ?? systemClock;
    const random = options.random ?? systemRandom;
    const suite = options.suite ?? defaultSuite();
    const vault = Vault.open(options.vaultDir, { clock, random, suite });
    const kw = new Keywarden(options, vault, suite, clock, random);
    if (vault.initialized) await runDueWork(kw.services);
    const every = options.schedulerIntervalMs ?? 60_000;
    if (every > 0) {
      kw.timer = setInterval(() => {
        if (kw.services.vault.initialized) runDueWork(kw.services).catch(() => undefined);
      }, every);
      kw.timer.unref();
    }
    return kw;
  }

  /**
   * The one door: resolve the reference's spellings of names and values, authorise by
   * the operation's permission item, validate, check its gate (vault state), run, audit.
   * Never throws.
   */
  async call(given: string, givenRequest: unknown, caller: Caller): Promise<Result<unknown>> {
    const name = canonicalOperation(given);
    if (name === null) return { ok: false, error: { code: 'UnknownOperation', message: `unknown operation '${String(given).slice(0, 64)}'` } };
    return this.run(name, canonicalRequest(givenRequest ?? {}), caller, null);
  }

  /** `call`, or the execution of an approved quorum request (its policy is then met). */
  private async run(name: OperationName, request: unknown, caller: Caller, approvedRequest: string | null): Promise<Result<unknown>> {
    const def = contract[name];
    this.changes.beginCall();
    const ctx = this.context(name, caller);
    try {
      this.services.audit.assertHealthy();
      const who: CallIdentity = { token: caller.session, resolved: this.custody.resolve(caller.session) };
      this.runAs(ctx, who.resolved);
      const parsed = def.request.safeParse(request);
      if (!parsed.success) {
        const e = schemaErrorData(parsed.error, request);
        throw new KwError(e.code, e.message, e.details);
      }
      this.authorize(def.permission, ctx, who.resolved, parsed.data);
      if (approvedRequest === null) this.requireNoQuorum(name, ctx);
      if (def.kind === 'crypto' && !this.selfTest.ok) throw new KwError('SelfTestFailed', 'cryptographic self-test failed; crypto operations are blocked');
      if (def.gate === 'unlocked') this.services.vault.requireUnlocked();
      const value = await this.dispatch(name, parsed.data, ctx, who);
      this.auditOutcome(def.kind, ctx, null);
      return { ok: true, value };
    } catch (e) {
      const error: ErrorData = toErrorData(e);
      // Unexpected errors are reported as InternalError without their text (it could
      // quote data); KW_DEBUG=1 shows them to whoever runs the process.
      if (error.code === 'InternalError' && process.env.KW_DEBUG) console.error(e);
      if (error.code !== 'AuditUnavailable') this.auditOutcome(def.kind, ctx, error);
      return { ok: false, error };
    }
  }

  /** A typed client over `call`, for in-process doors and tests: failures throw KwError. */
  api(caller: Caller): KeywardenApi {
    return createClient((name, request) => this.call(name, request, caller));
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    // Stopping the bridge children logs out of every token.
    void this.tokens.close();
    this.services.audit.close();
    this.services.vault.close();
  }

  private async dispatch(name: OperationName, req: unknown, ctx: CallContext, who: CallIdentity): Promise<unknown> {
    if (name in quorumHandlers) {
      const h = (quorumHandlers as Record<string, (r: unknown, s: QuorumSession, c: CallContext, w: CallIdentity) => Promise<unknown>>)[name]!;
      return h(req, this.officerSession, ctx, who);
    }
    if (name in officerHandlers) {
      const h = (officerHandlers as Record<string, (r: unknown, s: OfficerSession, c: CallContext, w: CallIdentity) => Promise<unknown>>)[name]!;
      return h(req, this.officerSession, ctx, who);
    }
    if (name in vaultHandlers) return (vaultHandlers as Record<string, (r: unknown, s: VaultSession, c: CallContext) => Promise<unknown>>)[name]!(req, this.session, ctx);
    if (name in tokenHandlers) return (tokenHandlers as Record<string, (r: unknown, s: TokenSession, c: CallContext) => Promise<unknown>>)[name]!(req, this.tokenSession, ctx);
    const h = kmsHandlers[name as Exclude<OperationName, VaultOperation | TokenOperation | OfficerOperation | QuorumOperation>] as (r: unknown, c: CallContext) => unknown;
    return await h(req, ctx);
  }

  /** A call with an officer session is recorded as that officer and creates as them. */
  private runAs(ctx: CallContext, r: Resolved): void {
    const c = ctx as CallContext & { actor: string; officerId: string | null };
    if (r.session && r.officer) c.actor = r.officer.id;
    c.officerId = r.officer?.id ?? null;
  }

  private requireNoQuorum(name: OperationName, ctx: CallContext): void {
    const policy = this.custody.quorumFor(name);
    if (!policy) return;
    ctx.detail = { quorumRole: policy.role, required: policy.required };
    throw new KwError('QuorumRequired', `${name} needs ${policy.required} approvals from ${policy.role}s: propose it as a request`, { operation: name, role: policy.role, required: policy.required });
  }

  private authorize(item: PermissionItem, ctx: CallContext, r: Resolved, request: unknown): void {
    try {
      requirePermission(r.principal, item, this.services.db, request);
    } catch (e) {
      ctx.detail = { permission: item };
      throw e;
    }
  }

  private context(name: OperationName, caller: Caller): CallContext & { wrote: boolean } {
    const ctx = Object.create(this.callProto) as CallContext & { wrote: boolean; actor: string; event: string; officerId: string | null };
    ctx.actor = caller.actor;
    ctx.event = contract[name].event;
    ctx.keyId = null;
    ctx.detail = null;
    ctx.officerId = null;
    ctx.wrote = false;
    return ctx;
  }

  private auditOutcome(kind: string, ctx: CallContext & { wrote?: boolean }, error: ErrorData | null): void {
    if (error === null && ctx.wrote) return;
    const rec: AuditRecord = {
      event: ctx.event,
      actor: ctx.actor,
      keyId: ctx.keyId,
      outcome: error ? 'failure' : 'success',
      errorCode: error?.code ?? null,
      detail: ctx.detail,
    };
    try {
      if (kind === 'write' || kind === 'session') this.services.audit.appendNow(rec);
      else this.services.audit.enqueue(rec);
    } catch {
      // A failed audit append leaves the log unhealthy; the next call is refused.
      this.services.audit.enqueue(rec);
    }
  }
}

export type { ResponseOf };
