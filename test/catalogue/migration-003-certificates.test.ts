import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCatalogue, schemaVersion } from '../../core/catalogue/db.ts';
import { MIGRATIONS } from '../../core/catalogue/migrations/index.ts';

const insert = `INSERT INTO certificates (id, kind, status, source, public_key, sealed_private_key, certificate, subject_dn, created_at, updated_at)
  VALUES (@id, @kind, @status, @source, x'00', @sealed, @cert, 'CN=x', 0, 0)`;

describe('migration 003: certificates', () => {
  test('applies on top of 002, and its CHECKs keep private keys out of UKey rows and certificates out of pending rows', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-mig3-'));
    try {
      const v3 = MIGRATIONS.findIndex((m) => m.name === 'certificates');
      assert.equal(MIGRATIONS[v3]?.version, 3);
      const db = openCatalogue(join(dir, 'c.db'), { migrations: MIGRATIONS.slice(0, v3 + 1) });
      assert.equal(schemaVersion(db), 3);
      const ins = db.prepare(insert);
      ins.run({ id: 'a', kind: 'KMS', status: 'PendingIssue', source: 'CSR', sealed: Buffer.from([1]), cert: null });
      ins.run({ id: 'b', kind: 'UKEY', status: 'Enabled', source: 'UKEY', sealed: null, cert: Buffer.from([2]) });
      // A UKey row never holds a private key; a KMS row always does.
      assert.throws(() => ins.run({ id: 'c', kind: 'UKEY', status: 'Enabled', source: 'UKEY', sealed: Buffer.from([1]), cert: Buffer.from([2]) }), /CHECK/);
      assert.throws(() => ins.run({ id: 'd', kind: 'KMS', status: 'Enabled', source: 'PKCS12', sealed: null, cert: Buffer.from([2]) }), /CHECK/);
      // Only a pending row may lack its certificate, and UKey rows are never pending.
      assert.throws(() => ins.run({ id: 'e', kind: 'KMS', status: 'Enabled', source: 'CSR', sealed: Buffer.from([1]), cert: null }), /CHECK/);
      assert.throws(() => ins.run({ id: 'f', kind: 'UKEY', status: 'PendingIssue', source: 'UKEY', sealed: null, cert: null }), /CHECK/);
      assert.throws(() => ins.run({ id: 'g', kind: 'KMS', status: 'Expired', source: 'CSR', sealed: Buffer.from([1]), cert: null }), /CHECK/);
      // The chain goes with its certificate.
      db.prepare("INSERT INTO certificate_chain (certificate_id, position, der) VALUES ('b', 0, x'01')").run();
      assert.throws(() => db.prepare("INSERT INTO certificate_chain (certificate_id, position, der) VALUES ('zz', 0, x'01')").run(), /FOREIGN KEY/);
      db.prepare("DELETE FROM certificates WHERE id = 'b'").run();
      assert.equal((db.prepare('SELECT count(*) AS n FROM certificate_chain').get() as { n: number }).n, 0);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
