/**
 * Default keys (002 默认密钥 / createDefaultKey; 001 alias/acs/<product>): one per product,
 * made on first use, under a reserved alias no ordinary key or caller may use, and without
 * the operations the reference withholds from them.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { tempVault, rejectsWith, b64, type TempVault } from '../helpers/temp-vault.ts';

describe('default keys and the reserved alias namespace', () => {
  let v: TempVault;
  before(async () => {
    v = await tempVault();
  });
  after(() => v.cleanup());

  test('createDefaultKey makes the product key on first use and returns the same key afterwards', async () => {
    const first = await v.api.createDefaultKey({ product: 'ecs' });
    assert.equal(first.created, true);
    const k = first.keyMetadata;
    assert.deepEqual([k.keySpec, k.keyUsage, k.protectionLevel, k.origin, k.keyState], ['AES_256', 'ENCRYPT_DECRYPT', 'SOFTWARE', 'KMS', 'Enabled']);
    assert.deepEqual(k.aliases, ['alias/acs/ecs']);
    const again = await v.api.createDefaultKey({ product: 'ecs' });
    assert.equal(again.created, false);
    assert.equal(again.keyMetadata.cmkUuid, k.cmkUuid);
    const other = await v.api.createDefaultKey({ product: 'rds-mysql' });
    assert.notEqual(other.keyMetadata.cmkUuid, k.cmkUuid);
    // It is usable as any key is, by its alias (the cloud product's envelope encryption).
    const dk = await v.api.generateDataKey({ cmkUuid: 'alias/acs/ecs' });
    assert.equal((await v.api.decrypt({ ciphertextBlob: dk.ciphertextBlob })).plaintext, dk.plaintext);
    const audit = (await v.api.listAuditEvents({ event: 'createDefaultKey', pageSize: 10 })).events;
    assert.equal(audit.length, 3);
    await rejectsWith(v.api.createDefaultKey({ product: 'ECS' }), 'InvalidParameter');
    await rejectsWith(v.api.createDefaultKey({ product: 'a/b' }), 'InvalidParameter');
    await rejectsWith(v.api.createDefaultKey({} as never), 'MissingParameter');
  });

  test('ordinary keys and callers cannot use the reserved namespace', async () => {
    const before = (await v.api.listKeys({ pageSize: 1000 })).totalCount;
    for (const alias of ['alias/acs/oss', 'alias/ACS/oss', 'alias/Acs/ecs']) {
      await rejectsWith(v.api.createKey({ keySpec: 'SM4', keyUsage: 'ENCRYPT_DECRYPT', alias }), 'InvalidParameter');
    }
    assert.equal((await v.api.listKeys({ pageSize: 1000 })).totalCount, before, 'nothing was created');
    const { keyMetadata: mine } = await v.api.createKey({ keySpec: 'SM4', keyUsage: 'ENCRYPT_DECRYPT', alias: 'alias/acsx/ok' });
    await rejectsWith(v.api.createAlias({ cmkUuid: mine.cmkUuid, alias: 'alias/acs/evs' }), 'InvalidParameter');
    await rejectsWith(v.api.updateAlias({ cmkUuid: mine.cmkUuid, alias: 'alias/acs/ecs' }), 'InvalidParameter');
    assert.deepEqual((await v.api.describeKey({ cmkUuid: 'alias/acs/ecs' })).keyMetadata.aliases, ['alias/acs/ecs'], 'the default alias still names the default key');
  });

  test('default keys keep their alias and refuse state changes, rotation, deletion and more aliases', async () => {
    const k = (await v.api.createDefaultKey({ product: 'ecs' })).keyMetadata.cmkUuid;
    const { keyMetadata: mine } = await v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT' });
    await rejectsWith(v.api.deleteAlias({ alias: 'alias/acs/ecs' }), 'UnsupportedOperation');
    await rejectsWith(v.api.createAlias({ cmkUuid: k, alias: 'alias/my-name' }), 'UnsupportedOperation');
    await v.api.createAlias({ cmkUuid: mine.cmkUuid, alias: 'alias/moving' });
    await rejectsWith(v.api.updateAlias({ cmkUuid: k, alias: 'alias/moving' }), 'UnsupportedOperation');
    await rejectsWith(v.api.disableKey({ cmkUuid: k }), 'UnsupportedOperation');
    await rejectsWith(v.api.scheduleKeyDeletion({ cmkUuid: k, pendingWindowInDays: 7 }), 'UnsupportedOperation');
    await rejectsWith(v.api.rotateKey({ cmkUuid: k }), 'UnsupportedOperation');
    await rejectsWith(v.api.updateRotationPolicy({ cmkUuid: k, enableAutomaticRotation: true, rotationIntervalDays: 30 }), 'UnsupportedOperation');
    const after = (await v.api.describeKey({ cmkUuid: k })).keyMetadata;
    assert.deepEqual([after.keyState, after.versionCount, after.aliases, after.rotationIntervalDays], ['Enabled', 1, ['alias/acs/ecs'], null]);
    assert.ok((await v.api.encrypt({ cmkUuid: k, plaintext: b64('still usable') })).ciphertextBlob);
  });
});
