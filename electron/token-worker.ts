/**
 * The PKCS#11 bridge child of the desktop app: an Electron utility process running the
 * bundled worker (dist/electron/pkcs11-worker.mjs). Unlike a child_process fork of our
 * own binary, this needs no ELECTRON_RUN_AS_NODE, so the packaged app ships with the
 * RunAsNode fuse off (scripts/electron-fuses.cjs). A vendor module that crashes ends
 * only this process; the bridge reports TokenModuleCrashed and starts a new one.
 */
import type { ForkOptions, UtilityProcess } from 'electron';
import { MODULE_PATH_ENV, type WorkerSpawner } from '../core/pkcs11/worker-process.ts';
import type { ChildMessage } from '../core/pkcs11/protocol.ts';

type Fork = (modulePath: string, args?: string[], options?: ForkOptions) => UtilityProcess;

export function utilityProcessSpawner(fork: Fork): WorkerSpawner {
  return ({ script, args, env }) => {
    const proc = fork(script, args, {
      env: { ...env, [MODULE_PATH_ENV]: args[0] ?? '' },
      stdio: 'ignore',
      serviceName: 'Keywarden PKCS#11 bridge',
      // macOS: vendor PKCS#11 libraries are often unsigned; only this helper may load them.
      allowLoadingUnsignedLibraries: process.platform === 'darwin',
    });
    let running = true;
    proc.once('exit', () => {
      running = false;
    });
    return {
      get pid() {
        return proc.pid;
      },
      connected: () => running,
      send: (m) => proc.postMessage(m),
      onMessage: (listener) => void proc.on('message', (m: unknown) => listener(m as ChildMessage)),
      // A utility process reports only its exit code; a crash shows as a non-zero code.
      onExit: (listener) => void proc.once('exit', (code: number) => listener(code, null)),
      kill: () => void proc.kill(),
    };
  };
}
