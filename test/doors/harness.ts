/**
 * One vault reached through every door at once: the service's own `call`, the Electron
 * IPC handlers (registered on a recording ipcMain, called with the sender facts a real
 * frame would give), the browser shell over real HTTP with the renderer's transport, and
 * the `kw` CLI as a separate process. Tests send the same request through each and
 * compare the Results.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Result } from '../../core/api/errors.ts';
import { Keywarden } from '../../core/service/keywarden.ts';
import { startShell, type RunningShell } from '../../core/shell/server.ts';
import { APP_ORIGIN, registerIpcHandlers } from '../../electron/ipc.ts';
import { httpTransport } from '../../renderer/api/client.ts';
import { kw as runCli } from '../helpers/cli.ts';

/** The passphrase test/helpers/cli.ts gives the CLI. */
export const CLI_PASSPHRASE = 'cli test passphrase';

export type DoorName = 'service' | 'ipc' | 'shell' | 'cli';
export const DOORS: readonly DoorName[] = ['service', 'ipc', 'shell', 'cli'];

export interface Doors {
  kw: Keywarden;
  vault: string;
  shell: RunningShell;
  /** Sends one call through the named door and answers its Result. */
  call(door: DoorName, name: string, request: unknown): Promise<Result<unknown>>;
  /** The raw IPC handler for a channel, as Electron would call it. */
  ipc(channel: string, sender: { url: string; main?: boolean }, request: unknown): Promise<Result<unknown>>;
  cleanup(): Promise<void>;
}

const root = new URL('../..', import.meta.url).pathname;

/**
 * The CLI as test/helpers/cli.ts runs it, but without blocking this process: the shell
 * under test lives here, and a blocked event loop would stall its sockets.
 */
export function cliAsync(vault: string, args: string[]): Promise<{ status: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(root, 'bin/kw.js'), '--vault', vault, ...args],
      { encoding: 'utf8', env: { ...process.env, KW_PASSPHRASE: CLI_PASSPHRASE, KW_SCRYPT_LOG2N: '14' } },
      (error, out, err) => resolve({ status: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out, err }),
    );
  });
}

export async function openDoors(): Promise<Doors> {
  const dir = mkdtempSync(join(tmpdir(), 'kw-doors-'));
  const vault = join(dir, 'vault');
  const init = runCli(vault, ['init']);
  if (init.status !== 0) throw new Error(`kw init failed: ${init.err}`);
  const kw = await Keywarden.open({ vaultDir: vault, schedulerIntervalMs: 0 });
  const unlocked = await kw.call('unlockVault', { passphrase: CLI_PASSPHRASE }, { actor: 'test' });
  if (!unlocked.ok) throw new Error(unlocked.error.code);

  const handlers = new Map<string, (event: unknown, req: unknown) => Promise<Result<unknown>>>();
  registerIpcHandlers({ handle: (ch: string, fn: never) => void handlers.set(ch, fn), removeHandler: (ch: string) => void handlers.delete(ch) } as never, kw);
  const ipc = async (channel: string, sender: { url: string; main?: boolean }, request: unknown): Promise<Result<unknown>> => {
    const handler = handlers.get(channel);
    if (!handler) return { ok: false, error: { code: 'UnknownOperation', message: `no IPC handler on ${channel}` } };
    const frame = { url: sender.url };
    return handler({ senderFrame: frame, sender: { mainFrame: sender.main === false ? {} : frame } }, request);
  };

  // The shell serves the renderer's files; only index.html is needed for the API.
  const rendererDir = join(dir, 'renderer');
  mkdirSync(rendererDir);
  copyFileSync(join(root, 'renderer/index.html'), join(rendererDir, 'index.html'));
  const shell = await startShell({ keywarden: kw, rendererDir });
  const http = httpTransport(shell.token, shell.origin, (url, init) => fetch(url, { ...init, headers: { ...(init?.headers as Record<string, string>), origin: shell.origin } }));

  return {
    kw,
    vault,
    shell,
    ipc,
    async call(door, name, request) {
      switch (door) {
        case 'service':
          return kw.call(name, request, { actor: 'test' });
        case 'ipc':
          return ipc(`kw:${name}`, { url: `${APP_ORIGIN}/index.html` }, request);
        case 'shell':
          return http(name, request);
        case 'cli': {
          const r = await cliAsync(vault, ['api', name, JSON.stringify(request)]);
          return r.status === 0 ? { ok: true, value: JSON.parse(r.out) as unknown } : { ok: false, error: JSON.parse(r.err) as never };
        }
      }
    },
    async cleanup() {
      await shell.close();
      kw.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
