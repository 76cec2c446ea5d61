import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { tempVault, rejectsWith, b64, TEST_PASSPHRASE } from '../helpers/temp-vault.ts';

interface Row {
  seq: number;
  event: string;
  actor: string;
  key_id: string | null;
  outcome: string;
  error_code: string | null;
  detail: string | null;
}

describe('audit log', () => {
  test('every operation is audited: successes, failures, with key id and never secrets', async () => {
    const v = await tempVault();
    try {
      const { keyMetadata: k } = await v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT', alias: 'alias/audited' });
      const dk = await v.api.generateDataKey({ cmkUuid: 'alias/audited' });
      await rejectsWith(v.api.scheduleKeyDeletion({ cmkUuid: k.cmkUuid, pendingWindowInDays: 3 }), 'InvalidParameter');
      await v.api.deleteProtect({ cmkUuid: k.cmkUuid });
      await rejectsWith(v.api.scheduleKeyDeletion({ cmkUuid: k.cmkUuid }), 'DeletionProtected');
      v.kw.services.audit.flush();
      const rows = v.kw.services.db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as Row[];
      const events = rows.map((r) => `${r.event}:${r.outcome}${r.error_code ? ':' + r.error_code : ''}`);
      assert.deepEqual(events, [
        'initVault:success',
        'createKey:success',
        'generateDataKey:success',
        'scheduleKeyDeletion:failure:InvalidParameter',
        'deleteProtect:success',
        'scheduleKeyDeletion:failure:DeletionProtected',
      ]);
      assert.equal(rows[1]!.key_id, k.cmkUuid);
      assert.equal(rows[2]!.key_id, k.cmkUuid);
      assert.equal(rows[5]!.key_id, k.cmkUuid);
      assert.ok(rows.every((r) => r.actor === 'test'));
      const all = JSON.stringify(rows);
      assert.ok(!all.includes(dk.plaintext), 'the data key is not in the audit log');
      assert.ok(!all.includes('correct horse'), 'the passphrase is not in the audit log');
      assert.deepEqual(v.kw.services.audit.verify(), { ok: true, records: 6, brokenAtSeq: null, reason: null, headSeq: 6, checkpointsVerified: 0, latestCheckpointSeq: null });
      // A failed operation changed nothing.
      assert.equal((await v.api.describeKey({ cmkUuid: k.cmkUuid })).keyMetadata.keyState, 'Enabled');
    } finally {
      v.cleanup();
    }
  });

  test('the log is append-only and its hash chain exposes tampering', async () => {
    const v = await tempVault();
    try {
      await v.api.createKey({ keySpec: 'SM4', keyUsage: 'ENCRYPT_DECRYPT' });
      await v.api.createKey({ keySpec: 'SM4', keyUsage: 'ENCRYPT_DECRYPT' });
      const db = v.kw.services.db;
      assert.throws(() => db.prepare("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2").run(), /append-only/);
      assert.throws(() => db.prepare('DELETE FROM audit_log WHERE seq = 2').run(), /append-only/);
      db.exec('DROP TRIGGER audit_no_update');
      db.prepare("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2").run();
      const r = v.kw.services.audit.verify();
      assert.deepEqual([r.ok, r.records, r.brokenAtSeq, r.reason], [false, 1, 2, 'recordAltered']);
    } finally {
      v.cleanup();
    }
  });

  test('resource type and level filters, as the reference audit screen has them', async () => {
    const v = await tempVault({ init: false });
    try {
      await v.api.initVault({ passphrase: TEST_PASSPHRASE });
      const { keyMetadata: k } = await v.api.createKey({ keySpec: 'SM4', keyUsage: 'ENCRYPT_DECRYPT' });
      await rejectsWith(v.api.describeCertificate({ certificateId: '00000000-0000-4000-8000-000000000000' }), 'CertificateNotFound');
      await v.api.lockVault({});
      await rejectsWith(v.api.unlockVault({ passphrase: 'not it' }), 'WrongPassphrase');
      await v.api.unlockVault({ passphrase: TEST_PASSPHRASE });
      const list = async (f: Record<string, string>) => (await v.api.listAuditEvents({ ...f, sortOrder: 'asc', pageSize: 100 })).events.map((e) => `${e.event}:${e.resourceType}:${e.level}`);
      assert.deepEqual(await list({ resourceType: 'key' }), ['createKey:key:normal']);
      assert.deepEqual(await list({ resourceType: 'certificate' }), ['describeCertificate:certificate:warning']);
      assert.deepEqual(await list({ level: 'incident' }), ['unlockVault:vault:incident']);
      assert.deepEqual(await list({ level: 'warning' }), ['describeCertificate:certificate:warning']);
      assert.deepEqual(await list({ resourceType: 'vault', level: 'normal' }), ['initVault:vault:normal', 'lockVault:vault:normal', 'unlockVault:vault:normal']);
      const all = await v.api.listAuditEvents({ pageSize: 100 });
      assert.ok(all.events.every((e) => e.keyId !== k.cmkUuid || e.resourceType === 'key'));
      await rejectsWith(v.api.listAuditEvents({ level: 'fatal' } as never), 'InvalidParameter');
    } finally {
      v.cleanup();
    }
  });

  test('crypto records are group-committed and flushed within the window', async () => {
    const v = await tempVault({ audit: { flushIntervalMs: 5, maxBuffered: 1000 } });
    try {
      const { keyMetadata: k } = await v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT' });
      for (let i = 0; i < 50; i++) await v.api.encrypt({ cmkUuid: k.cmkUuid, plaintext: b64('x') });
      await new Promise((r) => setTimeout(r, 50));
      const n = (v.kw.services.db.prepare("SELECT count(*) AS n FROM audit_log WHERE event = 'encrypt'").get() as { n: number }).n;
      assert.equal(n, 50);
      assert.equal(v.kw.services.audit.verify().ok, true);
    } finally {
      v.cleanup();
    }
  });

  test('fails closed: when the audit cannot be written, operations are refused', async () => {
    const v = await tempVault({ audit: { flushIntervalMs: 1000, maxBuffered: 1000 } });
    try {
      const { keyMetadata: k } = await v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT' });
      await v.api.encrypt({ cmkUuid: k.cmkUuid, plaintext: b64('x') });
      // Make the audit table unwritable: a trigger that aborts every insert.
      v.kw.services.db.exec("CREATE TRIGGER audit_jam BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'disk full'); END");
      v.kw.services.audit.flush();
      assert.equal(v.kw.services.audit.healthy, false);
      await rejectsWith(v.api.encrypt({ cmkUuid: k.cmkUuid, plaintext: b64('x') }), 'AuditUnavailable');
      await rejectsWith(v.api.createKey({ keySpec: 'SM4', keyUsage: 'ENCRYPT_DECRYPT' }), 'AuditUnavailable');
      assert.equal((v.kw.services.db.prepare('SELECT count(*) AS n FROM keys').get() as { n: number }).n, 1);
      v.kw.services.db.exec('DROP TRIGGER audit_jam');
      await v.api.encrypt({ cmkUuid: k.cmkUuid, plaintext: b64('x') });
      assert.equal(v.kw.services.audit.healthy, true);
      v.kw.services.audit.flush();
      assert.equal(v.kw.services.audit.verify().ok, true);
    } finally {
      v.cleanup();
    }
  });
});
