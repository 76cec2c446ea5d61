import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCatalogue, schemaVersion } from '../../core/catalogue/db.ts';
import { MIGRATIONS } from '../../core/catalogue/migrations/index.ts';

describe('migration 005: key counts index', () => {
  test('applies on top of 004 with keys present, and the overview counts read the index, not the table', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-mig5-'));
    try {
      const v5 = MIGRATIONS.findIndex((m) => m.name === 'key-counts-index');
      assert.equal(MIGRATIONS[v5]?.version, 5);
      const file = join(dir, 'k.db');
      const before = openCatalogue(file, { migrations: MIGRATIONS.slice(0, v5) });
      const ins = before.prepare("INSERT INTO keys (id, spec, usage, protection_level, origin, state, created_at, updated_at) VALUES (?, ?, 'ENCRYPT_DECRYPT', 'SOFTWARE', 'KMS', ?, 0, 0)");
      for (let i = 0; i < 30; i++) ins.run(`k${i}`, i % 2 ? 'SM4' : 'AES_256', i % 3 ? 'Enabled' : 'Disabled');
      before.close();
      const db = openCatalogue(file, { migrations: MIGRATIONS.slice(0, v5 + 1) });
      assert.equal(schemaVersion(db), 5);
      const sql = 'SELECT state, spec, protection_level AS pl, count(*) AS n FROM keys GROUP BY state, spec, protection_level';
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((r) => r.detail).join('\n');
      assert.match(plan, /COVERING INDEX keys_state_spec_level/);
      const counts = db.prepare(sql).all() as Array<{ state: string; spec: string; n: number }>;
      assert.equal(counts.reduce((a, r) => a + r.n, 0), 30);
      assert.equal(counts.find((r) => r.state === 'Disabled' && r.spec === 'AES_256')?.n, 5);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
