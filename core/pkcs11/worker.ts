/**
 * Entry point of the bridge child process (started by TokenBridge: a forked Node child,
 * or an Electron utility process in the packaged app; worker-process.ts). It
 * loads one PKCS#11 module, answers requests in order, and exits when the
 * parent goes away. A crash here (segfault in a vendor module) ends only this process.
 * argv[2] is the module path.
 *
 * A batch is answered in two halves with a turn of the event loop between them, so the
 * callers answered first can send their next requests while the second half is worked
 * on: under load the child always has queued work instead of waiting for the parent to
 * refill it. (Answering in ~1 ms slices was tried: the extra messages cost more than the
 * overlap gained on a busy 2-core machine.)
 */
import { KwError, toErrorData } from '../api/errors.ts';
import { systemRandom } from '../ports/index.ts';
import * as auth from './auth-ops.ts';
import * as crypto from './crypto-ops.ts';
import * as keys from './key-ops.ts';
import * as wrap from './wrap-ops.ts';
import { ModuleRuntime } from './runtime.ts';
import type { ChildMessage, Handlers, ParentMessage, Request, Response } from './protocol.ts';
import { MODULE_PATH_ENV, parentChannel } from './worker-process.ts';

const parent = parentChannel();

function send(m: ChildMessage): void {
  parent.send(m);
}

function handlersFor(rt: ModuleRuntime): Handlers {
  return {
    moduleInfo: () => rt.module,
    listSlots: () => rt.listSlots(),
    tokenInfo: (p) => auth.tokenInfo(rt, p),
    mechanisms: (p) => auth.mechanisms(rt, p),
    login: (p) => auth.login(rt, p),
    logout: (p) => auth.logout(rt, p),
    changePin: (p) => auth.changePin(rt, p),
    initToken: (p) => auth.initToken(rt, p),
    initUserPin: (p) => auth.initUserPin(rt, p),
    generateKey: (p) => keys.generateKey(rt, p),
    findKey: (p) => keys.findKey(rt, p),
    probeExtractability: (p) => keys.probeExtractability(rt, p),
    publicKeySpki: (p) => keys.publicKeySpki(rt, p),
    // IVs from the pooled CSPRNG: one draw per IV costs a tenth of a token AES-GCM call.
    aesGcmEncrypt: (p) => crypto.aesGcmEncrypt(rt, p, () => systemRandom.bytes(12)),
    aesGcmDecrypt: (p) => crypto.aesGcmDecrypt(rt, p),
    sign: (p) => crypto.sign(rt, p),
    verify: (p) => crypto.verify(rt, p),
    rsaEncrypt: (p) => crypto.rsaEncrypt(rt, p),
    rsaDecrypt: (p) => crypto.rsaDecrypt(rt, p),
    generateRandom: (p) => keys.generateRandom(rt, p),
    destroyKey: (p) => keys.destroyKey(rt, p),
    listCertificates: (p) => keys.listCertificates(rt, p),
    byokWrapNew: (p) => wrap.byokWrapNew(rt, p),
    byokRewrap: (p) => wrap.byokRewrap(rt, p),
  };
}

function answer(handlers: Handlers, r: Request): Response {
  const h = handlers[r.op] as ((p: unknown) => unknown) | undefined;
  if (!h) return { id: r.id, ok: false, error: new KwError('UnknownOperation', `unknown bridge operation ${String(r.op)}`).toData() };
  try {
    return { id: r.id, ok: true, value: h(r.params) };
  } catch (e) {
    return { id: r.id, ok: false, error: toErrorData(e) };
  }
}

/** FIFO of received requests, answered in halves (see the header). */
class RequestQueue {
  private items: Request[] = [];
  private head = 0;
  private slice = 1;
  private scheduled = false;

  constructor(private readonly handlers: Handlers) {}

  push(requests: Request[]): void {
    if (this.head === this.items.length) this.slice = Math.max(1, Math.ceil(requests.length / 2));
    for (const r of requests) this.items.push(r);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.answerSlice());
    }
  }

  private take(max: number): Response[] {
    const end = Math.min(this.items.length, this.head + max);
    const out: Response[] = [];
    while (this.head < end) out.push(answer(this.handlers, this.items[this.head++]!));
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    }
    return out;
  }

  private answerSlice(): void {
    const responses = this.take(this.slice);
    if (responses.length) send({ kind: 'batch', responses });
    if (this.head < this.items.length) setImmediate(() => this.answerSlice());
    else this.scheduled = false;
  }

  /** Answers everything still queued (before shutting down). */
  flush(): void {
    if (this.head < this.items.length) send({ kind: 'batch', responses: this.take(Infinity) });
  }
}

function main(): void {
  // A forked child gets the module path as argv[2]; an Electron utility process in its
  // environment (where its argv lands is Electron's business), see worker-process.ts.
  const modulePath = process.env[MODULE_PATH_ENV] ?? process.argv[2];
  let rt: ModuleRuntime;
  try {
    if (!modulePath) throw new KwError('TokenModuleLoadFailed', 'no PKCS#11 module path given');
    rt = new ModuleRuntime(modulePath);
  } catch (e) {
    send({ kind: 'loadFailed', error: toErrorData(e) });
    parent.close();
    return;
  }
  const queue = new RequestQueue(handlersFor(rt));
  const stop = (): void => {
    rt.finalize();
    process.exit(0);
  };
  parent.onGone(stop); // parent gone: never keep a logged-in token open
  parent.onMessage((m: ParentMessage) => {
    if (m.kind !== 'shutdown') return queue.push(m.requests);
    queue.flush(); // requests sent before the shutdown are answered first, as they always were
    stop();
  });
  send({ kind: 'ready', module: rt.module });
}

main();
