import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCatalogue } from '../../core/catalogue/db.ts';
import { MIGRATIONS } from '../../core/catalogue/migrations/index.ts';

describe('migration 008: officers', () => {
  test('applies on top of the earlier ones with keys and certificates present; their creator is null; the CHECKs hold', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-mig8-'));
    try {
      const at = MIGRATIONS.findIndex((m) => m.name === 'officers');
      assert.equal(MIGRATIONS[at]?.version, 8);
      const file = join(dir, 'o.db');
      const before = openCatalogue(file, { migrations: MIGRATIONS.slice(0, at) });
      before.prepare("INSERT INTO keys (id, spec, usage, protection_level, origin, state, created_at, updated_at) VALUES ('k1', 'AES_256', 'ENCRYPT_DECRYPT', 'SOFTWARE', 'KMS', 'Enabled', 0, 0)").run();
      before.close();
      const db = openCatalogue(file, { migrations: MIGRATIONS.slice(0, at + 1) });
      assert.equal((db.prepare("SELECT creator FROM keys WHERE id = 'k1'").get() as { creator: string | null }).creator, null);
      assert.ok(db.prepare("SELECT 1 FROM pragma_table_info('certificates') WHERE name = 'creator'").get());
      for (const t of ['officers', 'officer_credentials', 'officer_sessions', 'officer_challenges', 'roles', 'custody_settings', 'quorum_policies', 'quorum_requests', 'quorum_approvals']) {
        assert.ok(db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(t), t);
      }
      db.prepare("INSERT INTO officers (id, name, status, roles, created_at, updated_at) VALUES ('o1', 'li', 'active', '[]', 0, 0)").run();
      assert.throws(() => db.prepare("INSERT INTO officers (id, name, status, roles, created_at, updated_at) VALUES ('o2', 'li', 'active', '[]', 0, 0)").run(), /UNIQUE/);
      assert.throws(() => db.prepare("INSERT INTO officers (id, name, status, roles, created_at, updated_at) VALUES ('o3', 'wang', 'sleeping', '[]', 0, 0)").run(), /CHECK/);
      assert.throws(() => db.prepare("INSERT INTO officer_credentials (id, officer_id, kind, assurance, created_at) VALUES ('c1', 'o1', 'password', 'low', 0)").run(), /CHECK/);
      assert.throws(() => db.prepare("INSERT INTO quorum_policies (operation, role, required) VALUES ('x', 'administrator', 0)").run(), /CHECK/);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
