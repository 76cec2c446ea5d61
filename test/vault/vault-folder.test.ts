/** The vault folder on disk: catalogue files 0600 while open, a warning for a folder others can enter, typed errors for a path that is no folder. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keywarden } from '../../core/service/keywarden.ts';
import { FOLDER_WARNING_CODE } from '../../core/vault/vault-folder.ts';
import { LOW_SCRYPT, tempVault } from '../helpers/temp-vault.ts';

const mode = (p: string) => statSync(p).mode & 0o777;

async function warningsDuring(fn: () => Promise<void>): Promise<Array<Error & { code?: string }>> {
  const seen: Array<Error & { code?: string }> = [];
  const on = (w: Error & { code?: string }) => seen.push(w);
  process.on('warning', on);
  try {
    await fn();
    await new Promise((r) => setImmediate(r));
  } finally {
    process.off('warning', on);
  }
  return seen;
}

describe('vault folder', () => {
  test('the catalogue and its -wal/-shm files are 0600 while the vault is open', async () => {
    const v = await tempVault();
    try {
      await v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT' });
      for (const f of ['keywarden.db', 'keywarden.db-wal', 'keywarden.db-shm']) assert.equal(mode(join(v.dir, f)), 0o600, f);
      assert.equal(mode(v.dir) & 0o077, 0, 'folder private');
    } finally {
      v.cleanup();
    }
  });

  test('files an older version left 0644 are tightened; a folder others can enter is warned about', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-folder-'));
    try {
      const vault = join(dir, 'v');
      mkdirSync(vault);
      chmodSync(vault, 0o755);
      writeFileSync(join(vault, 'keywarden.db'), '');
      chmodSync(join(vault, 'keywarden.db'), 0o644);
      let kw: Keywarden | undefined;
      const warnings = await warningsDuring(async () => {
        kw = await Keywarden.open({ vaultDir: vault, scryptCost: LOW_SCRYPT, schedulerIntervalMs: 0 });
      });
      kw?.close();
      assert.ok(warnings.some((w) => w.code === FOLDER_WARNING_CODE && w.message.includes(vault)), JSON.stringify(warnings.map((w) => w.message)));
      assert.equal(mode(join(vault, 'keywarden.db')), 0o600);
      chmodSync(vault, 0o700);
      const quiet = await warningsDuring(async () => (await Keywarden.open({ vaultDir: vault, scryptCost: LOW_SCRYPT, schedulerIntervalMs: 0 })).close());
      assert.equal(quiet.filter((w) => w.code === FOLDER_WARNING_CODE).length, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a vault path that is a regular file, or under one, is VaultFolderInvalid naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-folder-'));
    try {
      const file = join(dir, 'plain');
      writeFileSync(file, 'x');
      for (const p of [file, join(file, 'below')]) {
        await assert.rejects(Keywarden.open({ vaultDir: p, schedulerIntervalMs: 0 }), (e: { code?: string; details?: { path?: string } }) => e.code === 'VaultFolderInvalid' && e.details?.path === p);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
