import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { tempVault, rejectsWith, type TempVault } from '../helpers/temp-vault.ts';

describe('aliases and tags', () => {
  let v: TempVault;
  let a: string;
  let b: string;
  before(async () => {
    v = await tempVault();
    a = (await v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT', alias: 'alias/app-a' })).keyMetadata.cmkUuid;
    b = (await v.api.createKey({ keySpec: 'SM4', keyUsage: 'ENCRYPT_DECRYPT' })).keyMetadata.cmkUuid;
  });
  after(() => v.cleanup());

  test('alias rules: prefix, length, character set, uniqueness', async () => {
    await rejectsWith(v.api.createAlias({ cmkUuid: a, alias: 'app-b' }), 'InvalidParameter');
    await rejectsWith(v.api.createAlias({ cmkUuid: a, alias: 'alias/' + 'x'.repeat(59) }), 'InvalidParameter');
    await v.api.createAlias({ cmkUuid: a, alias: 'alias/' + 'x'.repeat(58) });
    await rejectsWith(v.api.createAlias({ cmkUuid: a, alias: 'alias/含中文' }), 'InvalidParameter');
    await rejectsWith(v.api.createAlias({ cmkUuid: a, alias: 'alias/white space' }), 'InvalidParameter');
    await rejectsWith(v.api.createAlias({ cmkUuid: b, alias: 'alias/app-a' }), 'AliasAlreadyExists');
    await rejectsWith(v.api.createKey({ keySpec: 'SM4', keyUsage: 'ENCRYPT_DECRYPT', alias: 'alias/app-a' }), 'AliasAlreadyExists');
  });

  test('a key has many aliases; aliases work wherever cmkUuid is accepted', async () => {
    await v.api.createAlias({ cmkUuid: a, alias: 'alias/app-a2' });
    const list = await v.api.listAliasByUuid({ cmkUuid: 'alias/app-a' });
    assert.ok(list.aliases.map((x) => x.alias).includes('alias/app-a2'));
    const enc = await v.api.encrypt({ cmkUuid: 'alias/app-a2', plaintext: 'aGk=' });
    assert.equal(enc.cmkUuid, a);
  });

  test('updateAlias repoints without touching either key', async () => {
    const before = (await v.api.describeKey({ cmkUuid: a })).keyMetadata;
    await v.api.createAlias({ cmkUuid: a, alias: 'alias/moving' });
    const r = await v.api.updateAlias({ alias: 'alias/moving', cmkUuid: b });
    assert.equal(r.cmkUuid, b);
    assert.equal((await v.api.describeKey({ cmkUuid: 'alias/moving' })).keyMetadata.cmkUuid, b);
    const after = (await v.api.describeKey({ cmkUuid: a })).keyMetadata;
    assert.equal(after.keyState, before.keyState);
    assert.equal(after.primaryKeyVersionId, before.primaryKeyVersionId);
    await rejectsWith(v.api.updateAlias({ alias: 'alias/nope', cmkUuid: b }), 'AliasNotFound');
  });

  test('deleteAlias and listAlias', async () => {
    await v.api.createAlias({ cmkUuid: b, alias: 'alias/temp' });
    await v.api.deleteAlias({ alias: 'alias/temp' });
    await rejectsWith(v.api.deleteAlias({ alias: 'alias/temp' }), 'AliasNotFound');
    const all = await v.api.listAlias({ pageSize: 100 });
    assert.ok(!all.aliases.some((x) => x.alias === 'alias/temp'));
    assert.equal(all.totalCount, all.aliases.length);
  });

  test('tags: add, overwrite, remove, at most 20', async () => {
    await v.api.tagResource({ cmkUuid: b, tags: [{ tagKey: 'env', tagValue: 'prod' }, { tagKey: 'owner', tagValue: '安全部' }] });
    await v.api.tagResource({ cmkUuid: b, tags: [{ tagKey: 'env', tagValue: 'test' }] });
    assert.deepEqual((await v.api.listTags({ cmkUuid: b })).tags, [
      { tagKey: 'env', tagValue: 'test' },
      { tagKey: 'owner', tagValue: '安全部' },
    ]);
    await v.api.untagResource({ cmkUuid: b, tagKeys: ['env'] });
    assert.deepEqual((await v.api.listTags({ cmkUuid: b })).tags, [{ tagKey: 'owner', tagValue: '安全部' }]);
    const many = Array.from({ length: 20 }, (_, i) => ({ tagKey: `k${i}`, tagValue: 'v' }));
    await rejectsWith(v.api.tagResource({ cmkUuid: b, tags: many }), 'LimitExceeded');
    assert.equal((await v.api.listTags({ cmkUuid: b })).tags.length, 1, 'a refused tagging changes nothing');
  });
});
