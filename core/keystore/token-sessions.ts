/**
 * TokenSessions: the vault process's view of its PKCS#11 tokens. It owns one
 * TokenBridge per module path and remembers which tokens an officer logged in to in
 * this bridge child's life. It never holds a PIN: when the bridge child restarts
 * (crash, removal, module restart) the logins are forgotten and the next call says
 * "log in again" — a cached PIN replayed automatically could burn the token's retries.
 */
import { KwError } from '../api/errors.ts';
import { TokenBridge } from '../pkcs11/bridge.ts';
import type { LoginOutcome, PinUser, TokenSelector } from '../pkcs11/protocol.ts';
import type { WorkerSpawner } from '../pkcs11/worker-process.ts';

export interface TokenSessionsOptions {
  /** Module used when the vault has none saved (e.g. `kw --module PATH`). */
  modulePath?: string | null;
  defaultTokenLabel?: string | null;
  /** Environment of the bridge child (SOFTHSM2_CONF in tests); defaults to this process's. */
  env?: NodeJS.ProcessEnv;
  /** A bundled bridge worker and its Node flags (the packaged app has no tsx); defaults to worker.ts through tsx. */
  worker?: { script: string; execArgv: string[]; spawn?: WorkerSpawner };
}

interface Login {
  userType: PinUser;
  /** The bridge child that holds the login; another pid means the login is gone. */
  pid: number | undefined;
}

/** Errors after which every login on the module is gone (the bridge child was replaced). */
const SESSION_LOST = new Set(['TokenRemoved', 'TokenModuleCrashed']);

export class TokenSessions {
  private readonly bridges = new Map<string, TokenBridge>();
  private readonly logins = new Map<string, Login>();
  private modulePathValue: string | null;
  private defaultLabelValue: string | null;

  constructor(private readonly opts: TokenSessionsOptions = {}) {
    this.modulePathValue = opts.modulePath ?? null;
    this.defaultLabelValue = opts.defaultTokenLabel ?? null;
  }

  get modulePath(): string | null {
    return this.modulePathValue;
  }
  get defaultTokenLabel(): string | null {
    return this.defaultLabelValue;
  }
  get configured(): boolean {
    return this.modulePathValue !== null;
  }

  /** Points the sessions at a module (logins on the previous module stay with its bridge until close). */
  configure(modulePath: string | null, defaultTokenLabel: string | null): void {
    this.modulePathValue = modulePath;
    this.defaultLabelValue = defaultTokenLabel;
  }

  requireModulePath(): string {
    const path = this.modulePathValue;
    if (!path) throw new KwError('UnsupportedOperation', 'protection level HSM needs a token module: run configureTokenModule (or kw --module PATH) first');
    return path;
  }

  /** The bridge of the configured module. */
  bridge(): TokenBridge {
    const path = this.requireModulePath();
    let b = this.bridges.get(path);
    if (!b) {
      b = new TokenBridge({
        modulePath: path,
        ...(this.opts.env ? { env: this.opts.env } : {}),
        ...(this.opts.worker ? { workerScript: this.opts.worker.script, execArgv: this.opts.worker.execArgv } : {}),
        ...(this.opts.worker?.spawn ? { spawn: this.opts.worker.spawn } : {}),
      });
      this.bridges.set(path, b);
    }
    return b;
  }

  /** The token a call is about: the label given, else the vault's default. */
  label(requested?: string | null): string {
    const l = requested ?? this.defaultLabelValue;
    if (!l) throw new KwError('MissingParameter', 'name the token (tokenLabel) or save a default token for this vault', { field: 'tokenLabel' });
    return l;
  }

  selector(label: string): TokenSelector {
    return { label };
  }

  private loginKey(label: string): string {
    return `${this.modulePathValue ?? ''}\u0000${label}`;
  }

  /** The login this process made on `label`, if the child that holds it still runs. */
  loggedInAs(label: string): PinUser | null {
    const rec = this.logins.get(this.loginKey(label));
    if (!rec) return null;
    if (rec.pid !== this.bridge().childPid) {
      this.logins.delete(this.loginKey(label));
      return null;
    }
    return rec.userType;
  }

  /** Sends the PIN once (the bridge reads the PIN flags first and refuses at FINAL_TRY unless confirmed). */
  async login(label: string, pin: string, opts: { userType?: PinUser; confirmFinalTry?: boolean } = {}): Promise<LoginOutcome> {
    const bridge = this.bridge();
    const outcome = await this.run(label, () => bridge.login(this.selector(label), pin, opts));
    this.logins.set(this.loginKey(label), { userType: outcome.userType, pid: bridge.childPid });
    return outcome;
  }

  async logout(label: string): Promise<{ wasLoggedIn: boolean }> {
    const bridge = this.bridge();
    this.logins.delete(this.loginKey(label));
    return this.run(label, () => bridge.logout(this.selector(label)));
  }

  /**
   * Runs a token call that needs the officer's login. Refuses up front when this process
   * holds no login on the token; after a removal or crash forgets every login of the module.
   */
  async withLogin<T>(label: string, fn: (bridge: TokenBridge, token: TokenSelector) => Promise<T>): Promise<T> {
    const bridge = this.bridge();
    if (this.loggedInAs(label) === null) {
      throw new KwError('TokenNotLoggedIn', `log in to token "${label}" first (tokenLogin); logins end when the token is removed or its module restarts`, { tokenLabel: label });
    }
    return this.run(label, () => fn(bridge, this.selector(label)));
  }

  /** Runs a token call that needs no login, keeping the login book in step with the token. */
  async run<T>(label: string | null, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof KwError) {
        if (SESSION_LOST.has(e.code)) this.forgetModule();
        else if (e.code === 'TokenNotLoggedIn' && label !== null) this.logins.delete(this.loginKey(label));
        else if (e.code === 'TokenNotFound') await this.rescanIfIdle();
      }
      throw e;
    }
  }

  /**
   * Some modules (SoftHSM2, several UKey middlewares) enumerate tokens only at
   * C_Initialize, so a token plugged in later is not seen by the running child. When
   * no login would be lost, the child is stopped and the next call starts a fresh one.
   */
  private async rescanIfIdle(): Promise<void> {
    const path = this.modulePathValue;
    if (!path) return;
    const prefix = `${path}\u0000`;
    if ([...this.logins.keys()].some((k) => k.startsWith(prefix))) return;
    const b = this.bridges.get(path);
    this.bridges.delete(path);
    await b?.close().catch(() => undefined);
  }

  private forgetModule(): void {
    const prefix = `${this.modulePathValue ?? ''}\u0000`;
    for (const k of [...this.logins.keys()]) if (k.startsWith(prefix)) this.logins.delete(k);
  }

  /** Stops every bridge child (which logs out of every token). */
  async close(): Promise<void> {
    this.logins.clear();
    const all = [...this.bridges.values()];
    this.bridges.clear();
    await Promise.all(all.map((b) => b.close().catch(() => undefined)));
  }
}
