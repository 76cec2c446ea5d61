import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { kw } from '../helpers/cli.ts';

const root = new URL('../..', import.meta.url).pathname;

/**
 * Kill -9 during a stream of key creations: every key the writer reported as created
 * (its transaction committed before it printed) must still be there, and the file must
 * pass integrity_check.
 */
describe('crash safety', () => {
  test('SIGKILL during writes loses no committed key and leaves a sound catalogue', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-crash-'));
    const vault = join(dir, 'vault');
    try {
      assert.equal(kw(vault, ['init']).status, 0);
      const script = `
        import { Keywarden } from ${JSON.stringify(join(root, 'core/service/keywarden.ts'))};
        const kw = await Keywarden.open({ vaultDir: process.argv[1], schedulerIntervalMs: 0 });
        const api = kw.api({ actor: 'crash-test' });
        await api.unlockVault({ passphrase: 'cli test passphrase' });
        for (let i = 0; ; i++) {
          const r = await api.createKey({ keySpec: i % 2 ? 'SM4' : 'AES_256', keyUsage: 'ENCRYPT_DECRYPT', description: 'crash-' + i });
          process.stdout.write(r.keyMetadata.cmkUuid + '\\n');
        }
      `;
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, vault], { stdio: ['ignore', 'pipe', 'pipe'] });
      const reported: string[] = [];
      let buf = '';
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        const lines = buf.split('\n');
        buf = lines.pop()!;
        reported.push(...lines.filter(Boolean));
      });
      await new Promise<void>((resolve, reject) => {
        const t = setInterval(() => {
          if (reported.length >= 40) {
            clearInterval(t);
            child.kill('SIGKILL');
            resolve();
          }
        }, 5);
        child.on('exit', (code) => {
          clearInterval(t);
          if (reported.length < 40) reject(new Error(`writer exited early (${code})`));
        });
      });
      await new Promise((r) => child.on('close', r));
      const db = new Database(join(vault, 'keywarden.db'));
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
      const ids = new Set((db.prepare('SELECT id FROM keys').all() as Array<{ id: string }>).map((r) => r.id));
      for (const id of reported) assert.ok(ids.has(id), `committed key ${id} lost`);
      const audited = (db.prepare("SELECT count(*) AS n FROM audit_log WHERE event = 'createKey' AND outcome = 'success'").get() as { n: number }).n;
      assert.equal(audited, ids.size, 'every key has its audit record');
      db.close();
      const list = kw(vault, ['key', 'list', '--page-size', '1000']);
      assert.equal(list.status, 0, list.err);
      assert.equal(list.json().totalCount, ids.size);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
