/**
 * The bridge child as both sides see it, whatever starts it. The CLI, the browser shell
 * and the tests fork a Node child (`forkWorker`); the Electron main process starts an
 * Electron utility process instead (electron/token-worker.ts), so the packaged app never
 * needs Node mode of its own binary (the RunAsNode fuse stays off). Both carry the same
 * structured-clone messages of protocol.ts.
 */
import { fork } from 'node:child_process';
import type { ChildMessage, ParentMessage } from './protocol.ts';

/** How a utility-process host hands the worker its module path (argv placement differs by host). */
export const MODULE_PATH_ENV = 'KW_PKCS11_WORKER_MODULE';

/** A started bridge child, seen from the vault side. */
export interface WorkerProcess {
  readonly pid: number | undefined;
  /** True while messages can still reach the child. */
  connected(): boolean;
  send(message: ParentMessage): void;
  onMessage(listener: (message: ChildMessage) => void): void;
  /** Called once when the child has ended, for whatever reason. */
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  /** Ends the child at once (used when it reported that the module did not load). */
  kill(): void;
}

export interface WorkerLaunch {
  script: string;
  /** argv after the script: the PKCS#11 module path. */
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Node flags (`--import tsx` when running worker.ts from source). */
  execArgv: string[];
}

export type WorkerSpawner = (launch: WorkerLaunch) => WorkerProcess;

/** The Node child used outside Electron: fork with an IPC channel and V8 serialization. */
export const forkWorker: WorkerSpawner = ({ script, args, env, execArgv }) => {
  const child = fork(script, args, { execArgv, env, serialization: 'advanced', stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  child.on('error', () => {
    // 'exit' follows and reports; nothing secret is in the error either way
  });
  return {
    get pid() {
      return child.pid;
    },
    connected: () => child.connected,
    send: (m) => void child.send(m),
    onMessage: (listener) => void child.on('message', (m) => listener(m as ChildMessage)),
    onExit: (listener) => void child.once('exit', (code, signal) => listener(code, signal)),
    kill: () => void child.kill(),
  };
};

/** What the worker needs of its parent: Electron's `process.parentPort`, or Node's IPC channel. */
export interface ParentChannel {
  send(message: ChildMessage): void;
  onMessage(listener: (message: ParentMessage) => void): void;
  /** The parent went away (Node IPC only: Electron ends utility processes with their parent). */
  onGone(listener: () => void): void;
  /** Stops listening so the process can end once it has nothing left to do. */
  close(): void;
}

interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): unknown;
  removeAllListeners(event?: string): unknown;
}

export function parentChannel(proc: NodeJS.Process = process): ParentChannel {
  const port = (proc as NodeJS.Process & { parentPort?: ElectronParentPort }).parentPort;
  if (port) {
    return {
      send: (m) => port.postMessage(m),
      onMessage: (listener) => void port.on('message', (e) => listener(e.data as ParentMessage)),
      onGone: () => undefined,
      close: () => void port.removeAllListeners('message'),
    };
  }
  return {
    send: (m) => void proc.send?.(m),
    onMessage: (listener) => void proc.on('message', (m) => listener(m as ParentMessage)),
    onGone: (listener) => void proc.on('disconnect', listener),
    close: () => proc.disconnect?.(),
  };
}
