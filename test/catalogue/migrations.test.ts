import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCatalogue, schemaVersion, migrate } from '../../core/catalogue/db.ts';
import { MIGRATIONS } from '../../core/catalogue/migrations/index.ts';

describe('catalogue migrations', () => {
  test('numbered, increasing, and each applies on top of the previous ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-mig-'));
    try {
      MIGRATIONS.forEach((m, i) => assert.equal(m.version, i + 1, `migration ${m.name} is numbered ${m.version}`));
      for (let upTo = 1; upTo <= MIGRATIONS.length; upTo++) {
        const db = openCatalogue(join(dir, `step-${upTo}.db`), { migrations: MIGRATIONS.slice(0, upTo) });
        assert.equal(schemaVersion(db), upTo);
        migrate(db, MIGRATIONS);
        assert.equal(schemaVersion(db), MIGRATIONS.length);
        assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('001 creates the tables with WAL, full sync and secure delete', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-mig-'));
    try {
      const db = openCatalogue(join(dir, 'a.db'), { migrations: MIGRATIONS.slice(0, 1) });
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);
      for (const t of ['aliases', 'audit_log', 'key_versions', 'keys', 'root_key_wrappings', 'tags', 'vault_meta']) assert.ok(tables.includes(t), t);
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(db.pragma('synchronous', { simple: true }), 2);
      assert.equal(db.pragma('secure_delete', { simple: true }), 1);
      assert.throws(() => db.prepare("INSERT INTO keys (id, spec, usage, protection_level, origin, state, created_at, updated_at) VALUES ('x','AES_256','ENCRYPT_DECRYPT','SOFTWARE','KMS','Bogus',0,0)").run(), /CHECK/);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a newer schema or a corrupt file is refused with VaultCorrupt', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-mig-'));
    try {
      const db = openCatalogue(join(dir, 'n.db'));
      db.pragma(`user_version = ${MIGRATIONS.length + 5}`);
      db.close();
      assert.throws(() => openCatalogue(join(dir, 'n.db')), (e: { code?: string }) => e.code === 'VaultCorrupt');
      writeFileSync(join(dir, 'junk.db'), Buffer.alloc(8192, 0x41));
      assert.throws(() => openCatalogue(join(dir, 'junk.db')), (e: { code?: string }) => e.code === 'VaultCorrupt');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
