/**
 * Test fixture: a private SoftHSM2 configuration and token folder per test file, in
 * os.tmpdir(), removed afterwards. Tokens are made with softhsm2-util like an
 * officer would; the module path is looked up in the usual Debian/Ubuntu places.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CANDIDATES = [
  process.env.SOFTHSM2_MODULE,
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib64/pkcs11/libsofthsm2.so',
  '/usr/local/lib/softhsm/libsofthsm2.so',
];

export function softhsmModule(): string {
  for (const c of CANDIDATES) if (c && existsSync(c)) return c;
  throw new Error('libsofthsm2.so not found; install the softhsm2 package');
}

export const USER_PIN = '1234';
export const SO_PIN = '5678';

export class SoftHsmFixture {
  readonly dir: string;
  readonly tokenDir: string;
  readonly conf: string;
  readonly module = softhsmModule();

  constructor(name: string) {
    this.dir = mkdtempSync(join(tmpdir(), `kw-p11-${name}-`));
    this.tokenDir = join(this.dir, 'tokens');
    mkdirSync(this.tokenDir);
    this.conf = join(this.dir, 'softhsm2.conf');
    writeFileSync(this.conf, `directories.tokendir = ${this.tokenDir}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  }

  get env(): NodeJS.ProcessEnv {
    return { ...process.env, SOFTHSM2_CONF: this.conf };
  }

  /** Creates a token; returns its serial as softhsm2-util and PKCS#11 report it. */
  initToken(label: string, pin = USER_PIN, soPin = SO_PIN): string {
    execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', soPin], { env: this.env, stdio: 'pipe' });
    const out = execFileSync('softhsm2-util', ['--show-slots'], { env: this.env, encoding: 'utf8' });
    const blocks = out.split(/\nSlot /);
    for (const b of blocks) {
      if (new RegExp(`Label:\\s+${label}\\s*(?:\\n|$)`).test(b)) {
        const m = /Serial number:\s+(\S+)/.exec(b);
        if (m?.[1]) return m[1];
      }
    }
    throw new Error(`token ${label} not found after init`);
  }

  /** Runs pkcs11-tool (OpenSC) against this fixture's SoftHSM2. */
  pkcs11Tool(args: string[]): string {
    return execFileSync('pkcs11-tool', ['--module', this.module, ...args], { env: this.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
