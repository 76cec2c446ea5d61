import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { tempVault, rejectsWith, b64 } from '../helpers/temp-vault.ts';
import { DAY_MS } from '../../core/domain/limits.ts';

describe('time-driven work', () => {
  test('due rotations run on open and catch up once after months offline', async () => {
    const v = await tempVault();
    try {
      const { keyMetadata: k } = await v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT', rotationIntervalDays: 30 });
      const ct = await v.api.encrypt({ cmkUuid: k.cmkUuid, plaintext: b64('before the holidays') });
      v.clock.advance(200 * DAY_MS); // the workstation was off for more than six months
      await v.reopen();
      const after = (await v.api.describeKey({ cmkUuid: k.cmkUuid })).keyMetadata;
      assert.equal(after.versionCount, 2, 'one rotation, not one per missed period');
      assert.notEqual(after.primaryKeyVersionId, k.primaryKeyVersionId);
      assert.equal(Date.parse(after.nextRotationAt!), v.clock.now() + 30 * DAY_MS);
      assert.equal(Buffer.from((await v.api.decrypt({ ciphertextBlob: ct.ciphertextBlob })).plaintext, 'base64').toString(), 'before the holidays');
      v.clock.advance(29 * DAY_MS);
      assert.deepEqual(await v.api.runScheduledWork({}), { rotated: 0, deleted: 0, materialExpired: 0, deletionsRefused: 0, tokenObjectsDestroyed: 0, tokenObjectsPending: 0 });
      v.clock.advance(1 * DAY_MS);
      assert.equal((await v.api.runScheduledWork({})).rotated, 1);
    } finally {
      v.cleanup();
    }
  });

  test('a key whose waiting period ended is destroyed with all its versions and aliases', async () => {
    const v = await tempVault();
    try {
      const { keyMetadata: k } = await v.api.createKey({ keySpec: 'SM4', keyUsage: 'ENCRYPT_DECRYPT', alias: 'alias/doomed' });
      await v.api.rotateKey({ cmkUuid: k.cmkUuid });
      const ct = await v.api.encrypt({ cmkUuid: k.cmkUuid, plaintext: b64('x') });
      await v.api.scheduleKeyDeletion({ cmkUuid: k.cmkUuid, pendingWindowInDays: 7 });
      v.clock.advance(7 * DAY_MS - 1);
      assert.equal((await v.api.runScheduledWork({})).deleted, 0);
      v.clock.advance(1);
      assert.equal((await v.api.runScheduledWork({})).deleted, 1);
      await rejectsWith(v.api.describeKey({ cmkUuid: k.cmkUuid }), 'KeyNotFound');
      await rejectsWith(v.api.describeKey({ cmkUuid: 'alias/doomed' }), 'AliasNotFound');
      await rejectsWith(v.api.decrypt({ ciphertextBlob: ct.ciphertextBlob }), 'KeyNotFound');
      const versions = v.kw.services.db.prepare('SELECT count(*) AS n FROM key_versions WHERE key_id = ?').get(k.cmkUuid) as { n: number };
      assert.equal(versions.n, 0);
    } finally {
      v.cleanup();
    }
  });

  test('deletions due while the vault was closed happen when it opens, even before unlock', async () => {
    const v = await tempVault();
    try {
      const { keyMetadata: k } = await v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT' });
      await v.api.scheduleKeyDeletion({ cmkUuid: k.cmkUuid, pendingWindowInDays: 30 });
      v.clock.advance(400 * DAY_MS);
      await v.reopen();
      await rejectsWith(v.api.describeKey({ cmkUuid: k.cmkUuid }), 'KeyNotFound');
    } finally {
      v.cleanup();
    }
  });

  test('a protected key is never destroyed: it stays PendingDeletion and the refusal is audited once', async () => {
    const v = await tempVault();
    try {
      const { keyMetadata: k } = await v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT' });
      await v.api.scheduleKeyDeletion({ cmkUuid: k.cmkUuid, pendingWindowInDays: 7 });
      // deleteProtect refuses this state; a catalogue written by an older version may still hold it.
      v.kw.services.db.prepare('UPDATE keys SET delete_protect = 1 WHERE id = ?').run(k.cmkUuid);
      v.clock.advance(8 * DAY_MS);
      const first = await v.api.runScheduledWork({});
      assert.equal(first.deleted, 0);
      assert.equal(first.deletionsRefused, 1);
      assert.equal((await v.api.runScheduledWork({})).deletionsRefused, 1);
      const d = (await v.api.describeKey({ cmkUuid: k.cmkUuid })).keyMetadata;
      assert.equal(d.keyState, 'PendingDeletion');
      const events = await v.api.listAuditEvents({ keyId: k.cmkUuid, pageSize: 100 });
      const refusals = events.events.filter((e) => e.event === 'deleteKey');
      assert.equal(refusals.length, 1, 'one audit record, not one per pass');
      assert.equal(refusals[0]?.outcome, 'failure');
      assert.equal(refusals[0]?.errorCode, 'DeletionProtected');
      // Once protection is off the next pass carries the deletion out.
      await v.api.cancelDeleteProtect({ cmkUuid: k.cmkUuid });
      assert.equal((await v.api.runScheduledWork({})).deleted, 1);
      await rejectsWith(v.api.describeKey({ cmkUuid: k.cmkUuid }), 'KeyNotFound');
    } finally {
      v.cleanup();
    }
  });
});
