/** Runs the real `kw` binary against a vault folder, with a test passphrase and a cheap KDF. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;

/** `input` is written to the child's stdin (otherwise stdin is an empty pipe). */
export function kw(vault: string, args: string[], env: Record<string, string> = {}, input?: string | Buffer) {
  const r = spawnSync(process.execPath, [join(root, 'bin/kw.js'), '--vault', vault, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    ...(input !== undefined ? { input } : {}),
    env: { ...process.env, KW_PASSPHRASE: 'cli test passphrase', KW_SCRYPT_LOG2N: '14', ...env },
  });
  return { status: r.status, out: r.stdout, err: r.stderr, json: () => JSON.parse(r.stdout) };
}

