/** Migration 002 (BYOK tables) applied on top of 001, with its cascades and checks. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCatalogue, schemaVersion } from '../../core/catalogue/db.ts';
import { MIGRATIONS } from '../../core/catalogue/migrations/index.ts';

describe('migration 002-byok', () => {
  test('creates the BYOK tables; rows follow their key on deletion; checks hold', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-mig002-'));
    try {
      const upTo = MIGRATIONS.findIndex((m) => m.name === 'byok') + 1;
      assert.equal(MIGRATIONS[upTo - 1]!.version, 2);
      const db = openCatalogue(join(dir, 'c.db'), { migrations: MIGRATIONS.slice(0, upTo) });
      assert.equal(schemaVersion(db), 2);
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((r) => r.name);
      for (const t of ['byok_secrets', 'import_wrapping_keys', 'imported_material', 'byok_escrow', 'byok_packages']) assert.ok(tables.includes(t), t);
      db.prepare("INSERT INTO keys (id, spec, usage, protection_level, origin, state, created_at, updated_at) VALUES ('k', 'AES_256', 'ENCRYPT_DECRYPT', 'SOFTWARE', 'EXTERNAL', 'PendingImport', 0, 0)").run();
      db.prepare("INSERT INTO import_wrapping_keys VALUES ('w', 'k', 'RSA_2048', 'RSAES_OAEP_SHA_256', x'00', x'00', 0, 1)").run();
      db.prepare("INSERT INTO imported_material VALUES ('k', x'00', 0, 0, 'KEY_MATERIAL_EXPIRES')").run();
      assert.throws(() => db.prepare("INSERT INTO import_wrapping_keys VALUES ('w2', 'k', 'RSA_1024', 'X', x'00', x'00', 0, 1)").run(), /CHECK/);
      assert.throws(() => db.prepare("INSERT INTO import_wrapping_keys VALUES ('w3', 'nokey', 'RSA_2048', 'X', x'00', x'00', 0, 1)").run(), /FOREIGN KEY/);
      db.prepare("DELETE FROM keys WHERE id = 'k'").run();
      assert.equal((db.prepare('SELECT count(*) AS n FROM import_wrapping_keys').get() as { n: number }).n, 0);
      assert.equal((db.prepare('SELECT count(*) AS n FROM imported_material').get() as { n: number }).n, 0);
      db.prepare("INSERT INTO byok_escrow VALUES ('e', 'AES_256', 'SOFTWARE', x'00', 0)").run();
      db.prepare("INSERT INTO byok_packages VALUES ('p', 'e', 'aws', 'RSAES_OAEP_SHA_256', NULL, x'00', NULL, NULL, 0)").run();
      db.prepare("DELETE FROM byok_escrow WHERE id = 'e'").run();
      assert.equal((db.prepare('SELECT count(*) AS n FROM byok_packages').get() as { n: number }).n, 0);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
