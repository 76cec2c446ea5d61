/** Migration 007 on a catalogue with keys in it: rows survive, the new column and table hold their CHECKs. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCatalogue, schemaVersion } from '../../core/catalogue/db.ts';
import { MIGRATIONS } from '../../core/catalogue/migrations/index.ts';

describe('migration 007: deletion fidelity', () => {
  test('keeps keys (pending ones with no recorded prior state), checks the new column and the token destruction records', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-mig7-'));
    try {
      const at = MIGRATIONS.findIndex((m) => m.name === 'deletion-fidelity');
      assert.equal(MIGRATIONS[at]?.version, 7);
      const file = join(dir, 'k.db');
      const old = openCatalogue(file, { migrations: MIGRATIONS.slice(0, at) });
      old.prepare("INSERT INTO keys (id, spec, usage, protection_level, origin, state, created_at, updated_at, deletion_date, pending_window_days) VALUES ('p', 'AES_256', 'ENCRYPT_DECRYPT', 'SOFTWARE', 'KMS', 'PendingDeletion', 0, 0, 9, 7)").run();
      old.close();

      const db = openCatalogue(file, { migrations: MIGRATIONS.slice(0, at + 1) });
      assert.equal(schemaVersion(db), 7);
      const row = db.prepare("SELECT state, deletion_date, state_before_deletion FROM keys WHERE id = 'p'").get();
      assert.deepEqual({ ...(row as object) }, { state: 'PendingDeletion', deletion_date: 9, state_before_deletion: null });
      db.prepare("UPDATE keys SET state_before_deletion = 'Enabled' WHERE id = 'p'").run();
      assert.throws(() => db.prepare("UPDATE keys SET state_before_deletion = 'PendingDeletion' WHERE id = 'p'").run(), /CHECK/);

      const ins = db.prepare("INSERT INTO token_destructions (token_label, token_object_id, key_id, version_id, key_spec, reason, requested_at) VALUES (?, ?, 'k', 'v', 'AES_256', ?, 1)");
      ins.run('KW', 'ab', 'pendingWindowEnded');
      ins.run('Other', 'ab', 'materialDeleted');
      assert.throws(() => ins.run('KW', 'ab', 'pendingWindowEnded'), /UNIQUE|PRIMARY/, 'one record per object of a token');
      assert.throws(() => ins.run('KW', 'cd', 'whim'), /CHECK/);
      assert.equal((db.prepare('SELECT count(*) AS n FROM token_destructions').get() as { n: number }).n, 2);
      assert.deepEqual(db.pragma('foreign_key_check'), []);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
