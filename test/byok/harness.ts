/** A temp vault per test, an openssl runner, and a catalogue snapshot to prove a refused call changed nothing. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { Keywarden } from '../../core/service/keywarden.ts';
import { ManualClock } from '../../core/ports/index.ts';
import type { KeywardenApi } from '../../core/api/contract.ts';

export const PASSPHRASE = 'byok test passphrase';

export interface ByokVault {
  dir: string;
  work: string;
  kw: Keywarden;
  api: KeywardenApi;
  clock: ManualClock;
  cleanup(): void;
}

export async function byokVault(): Promise<ByokVault> {
  const dir = mkdtempSync(join(tmpdir(), 'kw-byok-'));
  const work = mkdtempSync(join(tmpdir(), 'kw-byok-files-'));
  const clock = new ManualClock();
  const kw = await Keywarden.open({ vaultDir: dir, scryptCost: { N: 2 ** 14, r: 8, p: 1 }, schedulerIntervalMs: 0, clock });
  const api = kw.api({ actor: 'test' });
  await api.initVault({ passphrase: PASSPHRASE });
  return {
    dir,
    work,
    kw,
    api,
    clock,
    cleanup() {
      kw.close();
      rmSync(dir, { recursive: true, force: true });
      rmSync(work, { recursive: true, force: true });
    },
  };
}

export function openssl(args: string[], cwd: string): Buffer {
  return execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Everything in the catalogue except the audit log and its sealed head (a refused call is audited, nothing else). */
export function snapshot(kw: Keywarden): string {
  const db = kw.services.db;
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('audit_log', 'audit_pending', 'audit_checkpoints', 'sqlite_sequence') ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);
  const rows = (t: string) => db.prepare(t === 'vault_meta' ? "SELECT * FROM vault_meta WHERE name NOT LIKE 'audit\\_%' ESCAPE '\\' ORDER BY rowid" : `SELECT * FROM ${t} ORDER BY rowid`).all();
  return JSON.stringify(tables.map((t) => [t, rows(t)]), (_k, v) => (v && v.type === 'Buffer' ? Buffer.from(v.data).toString('hex') : v));
}

export async function rejects(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: { code?: string; message?: string }) => {
    assert.equal(e.code, code, `expected ${code}, got ${e.code}: ${e.message}`);
    return true;
  });
}

export const b64 = (b: Uint8Array | string): string => Buffer.from(b).toString('base64');
