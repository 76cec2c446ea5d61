import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ForkOptions, UtilityProcess } from 'electron';
import { TokenBridge } from '../../core/pkcs11/bridge.ts';
import { forkWorker, MODULE_PATH_ENV, type WorkerLaunch, type WorkerSpawner } from '../../core/pkcs11/worker-process.ts';
import { utilityProcessSpawner } from '../../electron/token-worker.ts';
import { SoftHsmFixture } from './softhsm.ts';

const shim = fileURLToPath(new URL('./parent-port-shim.mjs', import.meta.url));

/**
 * `utilityProcess.fork` as far as the adapter uses it (postMessage, kill, pid, 'message',
 * 'exit' with a code), over a real Node child that has Electron's parentPort shape.
 */
function nodeUtilityFork(modulePath: string, args: string[] = [], options: ForkOptions = {}): UtilityProcess {
  const child = fork(modulePath, args, { env: options.env as NodeJS.ProcessEnv | undefined, execArgv: ['--import', 'tsx', '--import', shim], serialization: 'advanced', stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  const proc = new EventEmitter() as EventEmitter & { postMessage(m: unknown): void; kill(): boolean; readonly pid: number | undefined };
  child.on('message', (m) => proc.emit('message', m));
  child.on('exit', (code) => proc.emit('exit', code ?? 1));
  Object.assign(proc, { postMessage: (m: unknown) => void child.send(m as never), kill: () => child.kill() });
  Object.defineProperty(proc, 'pid', { get: () => child.pid });
  return proc as unknown as UtilityProcess;
}

describe('the bridge child is started by an injectable spawner', () => {
  test('the host-given spawner starts the child; the bridge works through it against SoftHSM2', async () => {
    const hsm = new SoftHsmFixture('spawner');
    const launches: WorkerLaunch[] = [];
    const recording: WorkerSpawner = (launch) => {
      launches.push(launch);
      return forkWorker(launch);
    };
    try {
      hsm.initToken('spawner');
      const bridge = new TokenBridge({ modulePath: hsm.module, env: hsm.env, spawn: recording });
      try {
        assert.ok((await bridge.listTokens()).some((t) => t.label === 'spawner'));
        assert.equal(launches.length, 1);
        assert.deepEqual(launches[0]?.args, [hsm.module]);
        assert.ok(launches[0]?.script.endsWith('worker.ts'));
      } finally {
        await bridge.close();
      }
    } finally {
      hsm.cleanup();
    }
  });

  test("Electron's utility-process adapter: module path by environment, parentPort messages, crash and restart", async () => {
    const hsm = new SoftHsmFixture('utility');
    const env: Record<string, string | undefined> = {};
    const spawn = utilityProcessSpawner((modulePath, args, options) => {
      Object.assign(env, options?.env);
      return nodeUtilityFork(modulePath, args, options);
    });
    try {
      hsm.initToken('utility');
      const bridge = new TokenBridge({ modulePath: hsm.module, env: hsm.env, spawn });
      try {
        assert.ok((await bridge.listTokens()).some((t) => t.label === 'utility'));
        assert.equal(env[MODULE_PATH_ENV], hsm.module);
        assert.equal((await bridge.generateRandom({ label: 'utility' }, 32)).length, 32);
        const pid = bridge.childPid;
        assert.ok(pid);
        process.kill(pid, 'SIGKILL');
        // The adapter reports the utility process's exit; the bridge drops the dead child.
        for (let i = 0; i < 500 && bridge.childPid === pid; i++) await new Promise((r) => setTimeout(r, 20));
        assert.notEqual(bridge.childPid, pid, 'the killed child was noticed');
        assert.ok((await bridge.listTokens()).some((t) => t.label === 'utility'), 'a new child serves after the crash');
        assert.notEqual(bridge.childPid, pid);
      } finally {
        await bridge.close();
      }
    } finally {
      hsm.cleanup();
    }
  });

  test('a module that does not load is reported, and the utility child is ended', async () => {
    const spawn = utilityProcessSpawner(nodeUtilityFork);
    const bridge = new TokenBridge({ modulePath: '/nonexistent/libnothing.so', spawn });
    await assert.rejects(bridge.listTokens(), (e: unknown) => (e as { code?: string }).code === 'TokenModuleLoadFailed');
    await bridge.close();
  });
});
