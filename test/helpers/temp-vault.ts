/** A fresh vault in a temp folder per test, with a movable clock and a cheap KDF. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keywarden, type KeywardenOptions } from '../../core/service/keywarden.ts';
import { ManualClock } from '../../core/ports/index.ts';
import type { KeywardenApi } from '../../core/api/contract.ts';

export const TEST_PASSPHRASE = 'correct horse battery staple';
export const LOW_SCRYPT = { N: 2 ** 14, r: 8, p: 1 };

export interface TempVault {
  dir: string;
  kw: Keywarden;
  api: KeywardenApi;
  clock: ManualClock;
  reopen(): Promise<void>;
  cleanup(): void;
}

export async function tempVault(opts: Partial<KeywardenOptions> & { init?: boolean } = {}): Promise<TempVault> {
  const dir = mkdtempSync(join(tmpdir(), 'kw-test-'));
  const clock = (opts.clock as ManualClock | undefined) ?? new ManualClock();
  const open = () => Keywarden.open({ vaultDir: dir, clock, scryptCost: LOW_SCRYPT, schedulerIntervalMs: 0, ...opts });
  const tv: TempVault = {
    dir,
    clock,
    kw: await open(),
    api: undefined as unknown as KeywardenApi,
    async reopen() {
      tv.kw.close();
      tv.kw = await open();
      tv.api = tv.kw.api({ actor: 'test' });
      await tv.api.unlockVault({ passphrase: TEST_PASSPHRASE });
    },
    cleanup() {
      tv.kw.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  tv.api = tv.kw.api({ actor: 'test' });
  if (opts.init !== false) await tv.api.initVault({ passphrase: TEST_PASSPHRASE });
  return tv;
}

/** Asserts that a promise rejects with a KwError of the given code. */
export async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  try {
    await p;
  } catch (e) {
    const got = (e as { code?: string }).code;
    if (got !== code) throw new Error(`expected error ${code}, got ${got}: ${(e as Error).message}`, { cause: e });
    return;
  }
  throw new Error(`expected error ${code}, but the call succeeded`);
}

export const b64 = (s: string | Uint8Array) => Buffer.from(s).toString('base64');
