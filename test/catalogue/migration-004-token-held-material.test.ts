/** Migration 004 on a v3 catalogue with rows in it: data and children survive the rebuilds; the new CHECKs hold. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCatalogue, schemaVersion } from '../../core/catalogue/db.ts';
import { MIGRATIONS } from '../../core/catalogue/migrations/index.ts';

const count = (db: ReturnType<typeof openCatalogue>, t: string) => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;

describe('migration 004: token-held material', () => {
  test('keeps v3 escrows, packages, certificates and chains; HSM escrows and HSM certificate rows need their token object', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-mig4-'));
    try {
      const v4 = MIGRATIONS.findIndex((m) => m.name === 'token-held-material');
      assert.equal(MIGRATIONS[v4]?.version, 4);
      const file = join(dir, 'c.db');
      const old = openCatalogue(file, { migrations: MIGRATIONS.slice(0, v4) });
      assert.equal(schemaVersion(old), 3);
      old.prepare("INSERT INTO byok_escrow VALUES ('e', 'AES_256', 'SOFTWARE', x'0102', 7)").run();
      old.prepare("INSERT INTO byok_packages VALUES ('p', 'e', 'aws', 'RSAES_OAEP_SHA_256', NULL, x'00', NULL, 9, 8)").run();
      old.prepare(`INSERT INTO certificates (id, kind, status, source, protection_level, public_key, sealed_private_key, certificate, subject_dn, created_at, updated_at)
        VALUES ('c', 'KMS', 'Enabled', 'PKCS12', 'SOFTWARE', x'00', x'01', x'02', 'CN=c', 0, 0)`).run();
      old.prepare("INSERT INTO certificate_chain VALUES ('c', 0, x'03')").run();
      old.close();

      const db = openCatalogue(file, { migrations: MIGRATIONS.slice(0, v4 + 1) });
      assert.equal(schemaVersion(db), 4);
      assert.deepEqual({ ...(db.prepare("SELECT * FROM byok_escrow WHERE id = 'e'").get() as object) }, {
        id: 'e', key_spec: 'AES_256', source: 'SOFTWARE', sealed_material: Buffer.from([1, 2]), token_label: null, token_key_id: null, created_at: 7,
      });
      assert.equal(count(db, 'byok_packages'), 1);
      assert.equal(count(db, 'certificate_chain'), 1);
      assert.deepEqual(db.pragma('foreign_key_check'), []);

      // HSM escrow: token label and key id both, and only then.
      db.prepare("INSERT INTO byok_escrow VALUES ('h', 'AES_256', 'HSM', x'01', 'KW', 'ab', 0)").run();
      assert.throws(() => db.prepare("INSERT INTO byok_escrow VALUES ('h2', 'AES_256', 'HSM', x'01', 'KW', NULL, 0)").run(), /CHECK/);
      assert.throws(() => db.prepare("INSERT INTO byok_escrow VALUES ('h3', 'AES_256', 'SOFTWARE', x'01', 'KW', 'ab', 0)").run(), /CHECK/);

      const ins = db.prepare(`INSERT INTO certificates (id, kind, status, source, protection_level, exportable, public_key, sealed_private_key, csr, subject_dn, token_label, token_object_id, created_at, updated_at)
        VALUES (@id, 'KMS', 'PendingIssue', 'CSR', @level, @exportable, x'00', @sealed, x'01', 'CN=x', @label, @object, 0, 0)`);
      const row = { level: 'HSM', exportable: 0, sealed: null, label: 'KW', object: 'ab' };
      ins.run({ id: 'hsm', ...row });
      assert.throws(() => ins.run({ ...row, id: 'x1', sealed: Buffer.from([1]) }), /CHECK/, 'an HSM key is never sealed in the vault');
      assert.throws(() => ins.run({ ...row, id: 'x2', object: null }), /CHECK/, 'an HSM key names its token object');
      assert.throws(() => ins.run({ ...row, id: 'x3', exportable: 1 }), /CHECK/, 'an HSM key is never exportable');
      assert.throws(() => ins.run({ ...row, id: 'x4', level: 'SOFTWARE' }), /CHECK/, 'a software key is always sealed');
      db.prepare("INSERT INTO certificate_chain VALUES ('hsm', 0, x'03')").run();
      db.prepare("DELETE FROM certificates WHERE id = 'hsm'").run();
      db.prepare("DELETE FROM byok_escrow WHERE id = 'e'").run();
      assert.equal(count(db, 'certificate_chain'), 1);
      assert.equal(count(db, 'byok_packages'), 0, 'packages still follow their escrow');
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
