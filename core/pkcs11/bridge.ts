/**
 * TokenBridge: the vault-side handle on one PKCS#11 module. pkcs11js and the vendor
 * library live in a child process (worker.ts); this class never loads them. If the
 * child dies (segfault, SIGKILL) every pending call rejects with TokenModuleCrashed
 * and the next call starts a fresh child — which has no login, so callers log in
 * again. Calls issued in the same tick travel as one batch, so many may be in flight.
 */
import { fileURLToPath } from 'node:url';
import { KwError } from '../api/errors.ts';
import type { ErrorData } from '../api/errors.ts';
import type {
  CertificateObject, ChildMessage, ExtractabilityProbe, GcmSealed, GeneratedKey, KeyObjectInfo, KeySpec, LoginOutcome,
  MechanismDescription, ModuleDescription, OaepAlgorithm, OaepPath, OpName, OpParams, OpResult, ParentMessage, PinUser,
  Request, SignAlgorithm, SlotDescription, TokenDescription, TokenSelector,
} from './protocol.ts';
import { KEY_SPECS } from './protocol.ts';
import { MAX_RANDOM_REQUEST, RandomCoalescer } from './random-batch.ts';
import { forkWorker, type WorkerProcess, type WorkerSpawner } from './worker-process.ts';

/** The exact words a caller must pass to C_InitToken, which erases the token. */
export const INIT_TOKEN_CONFIRMATION = 'DESTROY-ALL-OBJECTS';

export interface TokenBridgeOptions {
  /** Path of the PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so. */
  modulePath: string;
  /** Environment of the child (e.g. SOFTHSM2_CONF); defaults to this process's. */
  env?: NodeJS.ProcessEnv;
  /** Worker script and Node flags; defaults run worker.ts through tsx. */
  workerScript?: string;
  execArgv?: string[];
  /** What starts the child: a forked Node process unless the host gives another (Electron: a utility process). */
  spawn?: WorkerSpawner;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: KwError) => void;
  op: OpName;
  selectorKey: string | null;
  /** The child the request went to; only its death fails the request. */
  sentTo: WorkerProcess | null;
}

const HEX = /^(?:[0-9a-f]{2})+$/;

function fromData(e: ErrorData): KwError {
  return new KwError(e.code, e.message, e.details);
}

function selectorKey(params: unknown): string | null {
  const t = (params as { token?: TokenSelector } | null)?.token;
  return t ? JSON.stringify([t.serial ?? null, t.label ?? null, t.slotId ?? null]) : null;
}

/**
 * Checks a byte argument and returns it compact: structured clone copies a view's whole
 * ArrayBuffer, so a small slice of a pooled Buffer (Buffer.from(string) shares an 8 KiB
 * slab) would carry the slab to the child; such views travel as copies of their bytes.
 */
function bytes(x: Uint8Array, name: string, len?: number): Uint8Array {
  if (!(x instanceof Uint8Array)) throw new KwError('InvalidParameter', `${name} must be bytes`);
  if (len !== undefined && x.length !== len) throw new KwError('InvalidParameter', `${name} must be ${len} bytes`);
  return x.byteLength === x.buffer.byteLength ? x : new Uint8Array(x);
}

function keyRef(token: TokenSelector, idHex: string): { token: TokenSelector; idHex: string } {
  if (typeof idHex !== 'string' || !HEX.test(idHex)) throw new KwError('InvalidParameter', 'key id must be lowercase hex');
  return { token, idHex };
}

export class TokenBridge {
  private child: WorkerProcess | null = null;
  private ready: Promise<ModuleDescription> | null = null;
  private exited: Promise<void> = Promise.resolve();
  private readonly pending = new Map<number, Pending>();
  private outbox: Request[] = [];
  private flushQueued = false;
  private nextId = 1;
  private retiring = false;
  private readonly random = new RandomCoalescer();
  /** Selectors that reached a token in this bridge's life: a later "not found" means removed. */
  private readonly seen = new Set<string>();

  constructor(private readonly opts: TokenBridgeOptions) {}

  /** pid of the current child, if one runs (for diagnostics and crash tests). */
  get childPid(): number | undefined {
    return this.child?.pid;
  }

  private start(): Promise<ModuleDescription> {
    const script = this.opts.workerScript ?? fileURLToPath(new URL('./worker.ts', import.meta.url));
    const child = (this.opts.spawn ?? forkWorker)({
      script,
      args: [this.opts.modulePath],
      execArgv: this.opts.execArgv ?? ['--import', 'tsx'],
      env: this.opts.env ?? process.env,
    });
    this.child = child;
    this.retiring = false;
    let markExited: () => void = () => {};
    this.exited = new Promise((r) => (markExited = r));
    const ready = new Promise<ModuleDescription>((resolve, reject) => {
      child.onMessage((m: ChildMessage) => {
        if (m.kind === 'ready') resolve(m.module);
        else if (m.kind === 'loadFailed') {
          reject(fromData(m.error));
          child.kill();
        }
        else for (const r of m.responses) this.settle(r.id, r.ok ? { value: r.value } : { error: r.error });
      });
      child.onExit((code, signal) => {
        if (this.child === child) {
          this.child = null;
          this.ready = null;
        }
        const err = new KwError('TokenModuleCrashed', 'the token module process stopped; log in again after it restarts', {
          signal: signal ?? null,
          exitCode: code ?? null,
        });
        reject(err);
        for (const [id, p] of [...this.pending]) if (p.sentTo === child) this.settle(id, { error: err.toData() });
        markExited();
      });
    });
    ready.catch(() => undefined);
    return ready;
  }

  private settle(id: number, r: { value: unknown } | { error: ErrorData }): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if ('value' in r) {
      if (p.selectorKey) this.seen.add(p.selectorKey);
      p.resolve(r.value);
      return;
    }
    let err = fromData(r.error);
    if (err.code === 'TokenNotFound' && p.selectorKey && this.seen.has(p.selectorKey)) {
      err = new KwError('TokenRemoved', 'the token was present earlier and is gone; reinsert it and log in again', err.details);
    }
    if (err.code === 'TokenRemoved') this.retire();
    p.reject(err);
  }

  /**
   * After a removal the module's view of the slot can stay broken (SoftHSM2 does), so
   * the child is replaced once its in-flight calls are answered. Logins are lost.
   */
  private retire(): void {
    const child = this.child;
    if (!child || this.retiring) return;
    this.retiring = true;
    const finish = (): void => {
      if ([...this.pending.values()].some((p) => p.sentTo === child)) return void setImmediate(finish);
      if (child.connected()) child.send({ kind: 'shutdown' } satisfies ParentMessage);
    };
    setImmediate(finish);
  }

  private async ensureReady(): Promise<void> {
    if (this.retiring) await this.exited;
    if (!this.ready) this.ready = this.start();
    await this.ready;
  }

  /** Sends one operation to the child. Exposed for the benchmark; prefer the typed methods. */
  call<K extends OpName>(op: K, params: OpParams<K>): Promise<OpResult<K>> {
    return new Promise<OpResult<K>>((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, op, selectorKey: selectorKey(params), sentTo: null });
      this.outbox.push({ id, op, params } as Request);
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (!this.flushQueued) {
      this.flushQueued = true;
      void this.flush();
    }
  }

  /** Queued random requests join the outbox as one request per token (random-batch.ts). */
  private emitRandom(): void {
    if (!this.random.empty) this.random.emit((token, length) => this.call('generateRandom', { token, length }));
  }

  private async flush(): Promise<void> {
    try {
      await this.ensureReady();
    } catch (e) {
      const err = e instanceof KwError ? e : new KwError('TokenModuleLoadFailed', 'the token module process did not start');
      this.emitRandom();
      this.flushQueued = false;
      const batch = this.outbox;
      this.outbox = [];
      for (const r of batch) {
        const p = this.pending.get(r.id);
        this.pending.delete(r.id);
        p?.reject(err);
      }
      return;
    }
    // Let the rest of this tick's calls join the batch.
    await new Promise<void>((r) => setImmediate(r));
    this.emitRandom();
    this.flushQueued = false;
    const batch = this.outbox;
    this.outbox = [];
    if (batch.length === 0) return;
    const child = this.child;
    if (!child?.connected()) {
      const err = new KwError('TokenModuleCrashed', 'the token module process stopped; log in again after it restarts');
      for (const r of batch) this.settle(r.id, { error: err.toData() });
      return;
    }
    for (const r of batch) {
      const p = this.pending.get(r.id);
      if (p) p.sentTo = child;
    }
    child.send({ kind: 'batch', requests: batch } satisfies ParentMessage);
  }

  /** Stops the child (logging out of every token). */
  async close(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.retiring = true;
    if (child.connected()) child.send({ kind: 'shutdown' } satisfies ParentMessage);
    await this.exited;
  }

  // ---- module and tokens -------------------------------------------------------

  async moduleInfo(): Promise<ModuleDescription> {
    return this.call('moduleInfo', {});
  }
  async listSlots(): Promise<SlotDescription[]> {
    return this.call('listSlots', {});
  }
  async listTokens(): Promise<TokenDescription[]> {
    return (await this.listSlots()).flatMap((s) => (s.token ? [s.token] : []));
  }
  async tokenInfo(token: TokenSelector): Promise<TokenDescription> {
    return this.call('tokenInfo', { token });
  }
  async mechanisms(token: TokenSelector): Promise<MechanismDescription[]> {
    return this.call('mechanisms', { token });
  }

  /** Reads the PIN flags first; at FINAL_TRY refuses unless `confirmFinalTry`. Never retries. */
  async login(token: TokenSelector, pin: string, opts: { userType?: PinUser; confirmFinalTry?: boolean } = {}): Promise<LoginOutcome> {
    if (typeof pin !== 'string' || pin.length === 0) return Promise.reject(new KwError('MissingParameter', 'PIN is required'));
    return this.call('login', { token, pin, userType: opts.userType ?? 'user', confirmFinalTry: opts.confirmFinalTry === true });
  }
  async logout(token: TokenSelector): Promise<{ wasLoggedIn: boolean }> {
    return this.call('logout', { token });
  }
  /** Changes the PIN of whoever is logged in (the user PIN when nobody is). */
  async changePin(token: TokenSelector, oldPin: string, newPin: string, opts: { confirmFinalTry?: boolean } = {}): Promise<{ changed: true }> {
    return this.call('changePin', { token, oldPin, newPin, confirmFinalTry: opts.confirmFinalTry === true });
  }
  /** Erases the token. `confirm` must be exactly INIT_TOKEN_CONFIRMATION. */
  async initToken(token: TokenSelector, opts: { soPin: string; label: string; confirm?: string }): Promise<TokenDescription> {
    if (opts.confirm !== INIT_TOKEN_CONFIRMATION) {
      return Promise.reject(new KwError('ConfirmationRequired', `initialising a token destroys every object on it; pass confirm: '${INIT_TOKEN_CONFIRMATION}'`));
    }
    if (opts.label.length === 0 || Buffer.byteLength(opts.label) > 32) return Promise.reject(new KwError('InvalidParameter', 'token label must be 1-32 bytes'));
    return this.call('initToken', { token, soPin: opts.soPin, label: opts.label });
  }
  /** Sets the user PIN; needs a security-officer login. */
  async initUserPin(token: TokenSelector, pin: string): Promise<{ initialized: true }> {
    return this.call('initUserPin', { token, pin });
  }

  // ---- keys ----------------------------------------------------------------------

  async generateKey(token: TokenSelector, keySpec: KeySpec, label: string, opts: { alwaysAuthenticate?: boolean } = {}): Promise<GeneratedKey> {
    if (!KEY_SPECS.includes(keySpec)) return Promise.reject(new KwError('NotSupportedByToken', `key spec ${String(keySpec)} is not generated on tokens by the bridge`));
    return this.call('generateKey', { token, keySpec, label, alwaysAuthenticate: opts.alwaysAuthenticate === true });
  }
  async findKey(token: TokenSelector, idHex: string): Promise<KeyObjectInfo[]> {
    return this.call('findKey', keyRef(token, idHex));
  }
  async probeExtractability(token: TokenSelector, idHex: string): Promise<ExtractabilityProbe[]> {
    return this.call('probeExtractability', keyRef(token, idHex));
  }
  async publicKeySpki(token: TokenSelector, idHex: string): Promise<Uint8Array> {
    return this.call('publicKeySpki', keyRef(token, idHex));
  }
  async destroyKey(token: TokenSelector, idHex: string): Promise<{ destroyed: number }> {
    return this.call('destroyKey', keyRef(token, idHex));
  }

  // ---- cryptography ------------------------------------------------------------------

  /** AES-GCM with a 12-byte IV (random unless given) and a 16-byte tag. */
  async aesGcmEncrypt(token: TokenSelector, idHex: string, plaintext: Uint8Array, opts: { aad?: Uint8Array; iv?: Uint8Array } = {}): Promise<GcmSealed> {
    return this.call('aesGcmEncrypt', {
      ...keyRef(token, idHex),
      plaintext: bytes(plaintext, 'plaintext'),
      aad: opts.aad ? bytes(opts.aad, 'aad') : null,
      iv: opts.iv ? bytes(opts.iv, 'iv', 12) : null,
    });
  }
  async aesGcmDecrypt(token: TokenSelector, idHex: string, sealed: GcmSealed, opts: { aad?: Uint8Array } = {}): Promise<Uint8Array> {
    return this.call('aesGcmDecrypt', {
      ...keyRef(token, idHex),
      iv: bytes(sealed.iv, 'iv', 12),
      ciphertext: bytes(sealed.ciphertext, 'ciphertext'),
      tag: bytes(sealed.tag, 'tag', 16),
      aad: opts.aad ? bytes(opts.aad, 'aad') : null,
    });
  }
  /** Wraps a 32-byte vault root key under a token AES key; the caller wipes its copy. */
  async wrapRootKey(token: TokenSelector, idHex: string, rootKey: Uint8Array, aad: Uint8Array): Promise<GcmSealed> {
    return this.aesGcmEncrypt(token, idHex, bytes(rootKey, 'root key', 32), { aad });
  }
  async unwrapRootKey(token: TokenSelector, idHex: string, sealed: GcmSealed, aad: Uint8Array): Promise<Uint8Array> {
    const key = await this.aesGcmDecrypt(token, idHex, sealed, { aad });
    if (key.length !== 32) {
      key.fill(0);
      throw new KwError('VaultCorrupt', 'the unwrapped vault root key has the wrong length');
    }
    return key;
  }
  /** Signs a message (hashed with SHA-256) or a 32-byte digest; ECDSA output is DER. */
  async sign(token: TokenSelector, idHex: string, algorithm: SignAlgorithm, input: { message?: Uint8Array; digest?: Uint8Array }, opts: { contextPin?: string } = {}): Promise<Uint8Array> {
    return this.call('sign', {
      ...keyRef(token, idHex), algorithm,
      message: input.message ? bytes(input.message, 'message') : null,
      digest: input.digest ? bytes(input.digest, 'digest', 32) : null,
      contextPin: opts.contextPin ?? null,
    });
  }
  async verify(token: TokenSelector, idHex: string, algorithm: SignAlgorithm, input: { message?: Uint8Array; digest?: Uint8Array }, signature: Uint8Array): Promise<boolean> {
    return this.call('verify', {
      ...keyRef(token, idHex), algorithm,
      message: input.message ? bytes(input.message, 'message') : null,
      digest: input.digest ? bytes(input.digest, 'digest', 32) : null,
      signature: bytes(signature, 'signature'),
    });
  }
  async rsaEncrypt(token: TokenSelector, idHex: string, algorithm: OaepAlgorithm, plaintext: Uint8Array): Promise<{ ciphertext: Uint8Array; path: OaepPath }> {
    return this.call('rsaEncrypt', { ...keyRef(token, idHex), algorithm, plaintext: bytes(plaintext, 'plaintext') });
  }
  async rsaDecrypt(token: TokenSelector, idHex: string, algorithm: OaepAlgorithm, ciphertext: Uint8Array, opts: { contextPin?: string } = {}): Promise<{ plaintext: Uint8Array; path: OaepPath }> {
    return this.call('rsaDecrypt', { ...keyRef(token, idHex), algorithm, ciphertext: bytes(ciphertext, 'ciphertext'), contextPin: opts.contextPin ?? null });
  }
  /** Random bytes from the token's RNG; same-tick calls share one C_GenerateRandom (random-batch.ts). */
  async generateRandom(token: TokenSelector, length: number): Promise<Uint8Array> {
    if (!Number.isInteger(length) || length < 1 || length > MAX_RANDOM_REQUEST) {
      return Promise.reject(new KwError('InvalidParameter', `random length must be 1-${MAX_RANDOM_REQUEST} bytes`));
    }
    const bytes = this.random.add(token, selectorKey({ token }) ?? '', length);
    this.scheduleFlush();
    return bytes;
  }
  async listCertificates(token: TokenSelector): Promise<CertificateObject[]> {
    return this.call('listCertificates', { token });
  }
}
