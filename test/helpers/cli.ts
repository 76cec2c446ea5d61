/** Runs the real `kw` binary against a vault folder, with a test passphrase and a cheap KDF. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;

export function kw(vault: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [join(root, 'bin/kw.js'), '--vault', vault, ...args], {
    encoding: 'utf8',
    env: { ...process.env, KW_PASSPHRASE: 'cli test passphrase', KW_SCRYPT_LOG2N: '14', ...env },
  });
  return { status: r.status, out: r.stdout, err: r.stderr, json: () => JSON.parse(r.stdout) };
}

