import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { tempVault, rejectsWith, type TempVault } from '../helpers/temp-vault.ts';
import { DAY_MS } from '../../core/domain/limits.ts';

describe('key lifecycle', () => {
  let v: TempVault;
  before(async () => {
    v = await tempVault();
  });
  after(() => v.cleanup());

  test('createKey makes an Enabled key with a primary version for symmetric specs', async () => {
    const { keyMetadata: k } = await v.api.createKey({ keySpec: 'SM4', keyUsage: 'ENCRYPT_DECRYPT', description: '工资系统' });
    assert.equal(k.keyState, 'Enabled');
    assert.equal(k.keySpec, 'SM4');
    assert.equal(k.origin, 'KMS');
    assert.equal(k.protectionLevel, 'SOFTWARE');
    assert.equal(k.description, '工资系统');
    assert.match(k.primaryKeyVersionId!, /^[0-9a-f-]{36}$/);
    const d = await v.api.describeKey({ cmkUuid: k.cmkUuid });
    assert.deepEqual(d.keyMetadata, k);
  });

  test('asymmetric keys have no primary version', async () => {
    const { keyMetadata: k } = await v.api.createKey({ keySpec: 'EC_P256', keyUsage: 'SIGN_VERIFY' });
    assert.equal(k.primaryKeyVersionId, null);
    assert.equal(k.versionCount, 1);
  });

  test('usage must fit the spec', async () => {
    await rejectsWith(v.api.createKey({ keySpec: 'AES_256', keyUsage: 'SIGN_VERIFY' }), 'InvalidParameter');
    await rejectsWith(v.api.createKey({ keySpec: 'EC_P256', keyUsage: 'ENCRYPT_DECRYPT' }), 'InvalidParameter');
  });

  test('description is at most 255 characters', async () => {
    await rejectsWith(v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT', description: 'x'.repeat(256) }), 'InvalidParameter');
    const { keyMetadata: k } = await v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT', description: 'x'.repeat(255) });
    await rejectsWith(v.api.updateKeyDescription({ cmkUuid: k.cmkUuid, description: 'y'.repeat(256) }), 'InvalidParameter');
    assert.equal((await v.api.describeKey({ cmkUuid: k.cmkUuid })).keyMetadata.description, 'x'.repeat(255));
  });

  test('EXTERNAL origin creates a key in PendingImport that cannot encrypt', async () => {
    const { keyMetadata: k } = await v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT', origin: 'EXTERNAL' });
    assert.equal(k.keyState, 'PendingImport');
    await rejectsWith(v.api.encrypt({ cmkUuid: k.cmkUuid, plaintext: 'aGk=' }), 'InvalidKeyState');
    await rejectsWith(v.api.enableKey({ cmkUuid: k.cmkUuid }), 'InvalidKeyState');
  });

  test('disable blocks crypto; enable restores it', async () => {
    const { keyMetadata: k } = await v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT' });
    const { ciphertextBlob } = await v.api.encrypt({ cmkUuid: k.cmkUuid, plaintext: 'aGVsbG8=' });
    assert.equal((await v.api.disableKey({ cmkUuid: k.cmkUuid })).keyMetadata.keyState, 'Disabled');
    await rejectsWith(v.api.encrypt({ cmkUuid: k.cmkUuid, plaintext: 'aGk=' }), 'InvalidKeyState');
    await rejectsWith(v.api.decrypt({ ciphertextBlob }), 'InvalidKeyState');
    await rejectsWith(v.api.disableKey({ cmkUuid: k.cmkUuid }), 'InvalidKeyState');
    await v.api.enableKey({ cmkUuid: k.cmkUuid });
    assert.equal((await v.api.decrypt({ ciphertextBlob })).plaintext, 'aGVsbG8=');
  });

  test('scheduled deletion: 7-30 days, default 30; blocks crypto; cancel restores the state before (Enabled)', async () => {
    const { keyMetadata: k } = await v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT' });
    await rejectsWith(v.api.scheduleKeyDeletion({ cmkUuid: k.cmkUuid, pendingWindowInDays: 6 }), 'InvalidParameter');
    await rejectsWith(v.api.scheduleKeyDeletion({ cmkUuid: k.cmkUuid, pendingWindowInDays: 31 }), 'InvalidParameter');
    const s = (await v.api.scheduleKeyDeletion({ cmkUuid: k.cmkUuid })).keyMetadata;
    assert.equal(s.keyState, 'PendingDeletion');
    assert.equal(s.pendingWindowInDays, 30);
    assert.equal(Date.parse(s.deletionDate!), v.clock.now() + 30 * DAY_MS);
    await rejectsWith(v.api.encrypt({ cmkUuid: k.cmkUuid, plaintext: 'aGk=' }), 'InvalidKeyState');
    await rejectsWith(v.api.generateDataKey({ cmkUuid: k.cmkUuid }), 'InvalidKeyState');
    await rejectsWith(v.api.enableKey({ cmkUuid: k.cmkUuid }), 'InvalidKeyState');
    const c = (await v.api.cancelKeyDeletion({ cmkUuid: k.cmkUuid })).keyMetadata;
    assert.equal(c.keyState, 'Enabled', '取消删除后密钥恢复可用状态');
    assert.equal(c.deletionDate, null);
    assert.equal(c.pendingWindowInDays, null);
    assert.ok((await v.api.encrypt({ cmkUuid: k.cmkUuid, plaintext: 'aGk=' })).ciphertextBlob, 'usable again at once');
    await rejectsWith(v.api.cancelKeyDeletion({ cmkUuid: k.cmkUuid }), 'InvalidKeyState');
  });

  test('cancelling returns a Disabled key to Disabled and a key without material to PendingImport', async () => {
    const { keyMetadata: d } = await v.api.createKey({ keySpec: 'SM4', keyUsage: 'ENCRYPT_DECRYPT' });
    await v.api.disableKey({ cmkUuid: d.cmkUuid });
    await v.api.scheduleKeyDeletion({ cmkUuid: d.cmkUuid, pendingWindowInDays: 7 });
    assert.equal((await v.api.cancelKeyDeletion({ cmkUuid: d.cmkUuid })).keyMetadata.keyState, 'Disabled');
    // Scheduled again after re-enabling: the state recorded is the newest one.
    await v.api.enableKey({ cmkUuid: d.cmkUuid });
    await v.api.scheduleKeyDeletion({ cmkUuid: d.cmkUuid, pendingWindowInDays: 7 });
    assert.equal((await v.api.cancelKeyDeletion({ cmkUuid: d.cmkUuid })).keyMetadata.keyState, 'Enabled');

    const { keyMetadata: e } = await v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT', origin: 'EXTERNAL' });
    await v.api.scheduleKeyDeletion({ cmkUuid: e.cmkUuid, pendingWindowInDays: 7 });
    assert.equal((await v.api.cancelKeyDeletion({ cmkUuid: e.cmkUuid })).keyMetadata.keyState, 'PendingImport');

    // A deletion scheduled before the state was recorded (an older catalogue) cancels to Disabled.
    await v.api.scheduleKeyDeletion({ cmkUuid: d.cmkUuid, pendingWindowInDays: 7 });
    v.kw.services.db.prepare('UPDATE keys SET state_before_deletion = NULL WHERE id = ?').run(d.cmkUuid);
    assert.equal((await v.api.cancelKeyDeletion({ cmkUuid: d.cmkUuid })).keyMetadata.keyState, 'Disabled');
  });

  test('deletion protection is refused while the key is PendingDeletion (cancel the deletion first)', async () => {
    const { keyMetadata: k } = await v.api.createKey({ keySpec: 'SM4', keyUsage: 'ENCRYPT_DECRYPT' });
    await v.api.scheduleKeyDeletion({ cmkUuid: k.cmkUuid, pendingWindowInDays: 7 });
    await assert.rejects(v.api.deleteProtect({ cmkUuid: k.cmkUuid }), (e: { code?: string; details?: unknown }) => {
      assert.equal(e.code, 'InvalidKeyState');
      assert.deepEqual(e.details, { keyState: 'PendingDeletion' });
      return true;
    });
    const after = (await v.api.describeKey({ cmkUuid: k.cmkUuid })).keyMetadata;
    assert.equal(after.deleteProtect, false, 'the refused call changed nothing');
    assert.equal(after.keyState, 'PendingDeletion');
    await v.api.cancelKeyDeletion({ cmkUuid: k.cmkUuid });
    assert.equal((await v.api.deleteProtect({ cmkUuid: k.cmkUuid })).keyMetadata.deleteProtect, true);
  });

  test('deletion protection blocks scheduling deletion', async () => {
    const { keyMetadata: k } = await v.api.createKey({ keySpec: 'SM4', keyUsage: 'ENCRYPT_DECRYPT' });
    assert.equal((await v.api.deleteProtect({ cmkUuid: k.cmkUuid })).keyMetadata.deleteProtect, true);
    await rejectsWith(v.api.scheduleKeyDeletion({ cmkUuid: k.cmkUuid, pendingWindowInDays: 7 }), 'DeletionProtected');
    assert.equal((await v.api.describeKey({ cmkUuid: k.cmkUuid })).keyMetadata.keyState, 'Enabled');
    await v.api.cancelDeleteProtect({ cmkUuid: k.cmkUuid });
    assert.equal((await v.api.scheduleKeyDeletion({ cmkUuid: k.cmkUuid, pendingWindowInDays: 7 })).keyMetadata.keyState, 'PendingDeletion');
  });

  test('unknown keys and malformed ids give distinct errors', async () => {
    await rejectsWith(v.api.describeKey({ cmkUuid: '00000000-0000-4000-8000-000000000000' }), 'KeyNotFound');
    await rejectsWith(v.api.describeKey({ cmkUuid: 'not-a-key' }), 'InvalidParameter');
    await rejectsWith(v.api.describeKey({ cmkUuid: 'alias/missing' }), 'AliasNotFound');
    await rejectsWith(v.api.describeKey({} as never), 'MissingParameter');
    await rejectsWith(v.api.createKey({ keySpec: 'AES_128' as never, keyUsage: 'ENCRYPT_DECRYPT' }), 'InvalidParameter');
  });

  test('listKeys pages, filters and sorts', async () => {
    const before = (await v.api.listKeys({ pageSize: 1000 })).totalCount;
    for (let i = 0; i < 5; i++) {
      v.clock.advance(1000);
      await v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT', description: `batch-${i}`, tags: [{ tagKey: 'team', tagValue: i % 2 ? 'odd' : 'even' }] });
    }
    const all = await v.api.listKeys({ pageSize: 1000 });
    assert.equal(all.totalCount, before + 5);
    const page = await v.api.listKeys({ pageSize: 2, pageNumber: 1, search: 'batch-' });
    assert.equal(page.totalCount, 5);
    assert.deepEqual(page.keys.map((k) => k.description), ['batch-4', 'batch-3']);
    const asc = await v.api.listKeys({ search: 'batch-', sortOrder: 'asc', pageSize: 10 });
    assert.equal(asc.keys[0]!.description, 'batch-0');
    const odd = await v.api.listKeys({ tagKey: 'team', tagValue: 'odd', pageSize: 10 });
    assert.equal(odd.totalCount, 2);
    const disabled = await v.api.listKeys({ keyState: 'Disabled', pageSize: 1000 });
    assert.ok(disabled.keys.every((k) => k.keyState === 'Disabled'));
    const sm4 = await v.api.listKeys({ keySpec: 'SM4', pageSize: 1000 });
    assert.ok(sm4.keys.every((k) => k.keySpec === 'SM4'));
    await rejectsWith(v.api.listKeys({ pageSize: 1001 }), 'InvalidParameter');
  });
});
