// Keys on a token are destroyed with the key: when an HSM key's deletion comes due the
// scheduler destroys its token objects (every version, both halves of a pair); when the
// token is not logged in the key is gone from the catalogue at once and a pending record
// stays, shown in the overview, until the officer next logs in to that token. pkcs11-tool
// (OpenSC) is the outside witness that the objects are really gone.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rejectsWith } from '../helpers/temp-vault.ts';
import { DAY_MS } from '../../core/domain/limits.ts';
import { hsmVault, listObjects, USER_PIN, type HsmVault } from './harness.ts';

describe('token objects of destroyed HSM keys', () => {
  let h: HsmVault;
  before(async () => {
    h = await hsmVault('destroy');
  });
  after(async () => {
    await h.cleanup();
  });

  const objectIds = (cmkUuid: string) =>
    (h.v.kw.services.db.prepare('SELECT token_object_id AS o FROM key_versions WHERE key_id = ?').all(cmkUuid) as Array<{ o: string }>).map((r) => r.o);

  test('a due deletion destroys every version object on the token, audited', async () => {
    const api = h.v.api;
    const aes = (await api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT', protectionLevel: 'HSM' })).keyMetadata;
    await api.rotateKey({ cmkUuid: aes.cmkUuid });
    const rsa = (await api.createKey({ keySpec: 'RSA_2048', keyUsage: 'SIGN_VERIFY', protectionLevel: 'HSM' })).keyMetadata;
    const keep = (await api.createKey({ keySpec: 'EC_P256', keyUsage: 'SIGN_VERIFY', protectionLevel: 'HSM' })).keyMetadata;
    const ids = [...objectIds(aes.cmkUuid), ...objectIds(rsa.cmkUuid)];
    assert.equal(ids.length, 3);
    const before = listObjects(h);
    for (const k of [aes, rsa, keep]) assert.match(before, new RegExp(`keywarden:${k.cmkUuid}`));

    await api.scheduleKeyDeletion({ cmkUuid: aes.cmkUuid, pendingWindowInDays: 7 });
    await api.scheduleKeyDeletion({ cmkUuid: rsa.cmkUuid, pendingWindowInDays: 7 });
    h.v.clock.advance(7 * DAY_MS);
    const r = await api.runScheduledWork({});
    assert.equal(r.deleted, 2);
    assert.equal(r.tokenObjectsDestroyed, 3);
    assert.equal(r.tokenObjectsPending, 0);

    const after = listObjects(h);
    for (const k of [aes, rsa]) assert.doesNotMatch(after, new RegExp(`keywarden:${k.cmkUuid}`), 'pkcs11-tool no longer lists the object');
    for (const id of ids) assert.doesNotMatch(after, new RegExp(`ID:\\s+${id}\\b`));
    assert.match(after, new RegExp(`keywarden:${keep.cmkUuid}`), 'other keys stay');
    const events = (await api.listAuditEvents({ event: 'destroyTokenObject', pageSize: 100 })).events;
    assert.deepEqual(events.map((e) => e.detail?.objectId).sort(), [...ids].sort());
    assert.ok(events.every((e) => e.outcome === 'success' && e.actor === 'system:scheduler' && e.detail?.objectFound === true));
    assert.equal((await api.describeVaultOverview({})).tokenDestructionsPending.totalCount, 0);
  });

  test('with the token logged out the key is unusable at once, the record waits, and the next login carries it out', async () => {
    const api = h.v.api;
    const k = (await api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT', protectionLevel: 'HSM', alias: 'alias/away' })).keyMetadata;
    const [objectId] = objectIds(k.cmkUuid);
    await api.scheduleKeyDeletion({ cmkUuid: k.cmkUuid, pendingWindowInDays: 7 });
    await api.tokenLogout({});
    h.v.clock.advance(7 * DAY_MS);

    const r = await api.runScheduledWork({});
    assert.equal(r.deleted, 1);
    assert.equal(r.tokenObjectsDestroyed, 0);
    assert.equal(r.tokenObjectsPending, 1);
    await rejectsWith(api.describeKey({ cmkUuid: k.cmkUuid }), 'KeyNotFound');
    await rejectsWith(api.encrypt({ cmkUuid: 'alias/away', plaintext: 'aGk=' }), 'AliasNotFound');
    assert.match(listObjects(h), new RegExp(`keywarden:${k.cmkUuid}`), 'the object is still on the token');

    const o = await api.describeVaultOverview({});
    assert.equal(o.tokenDestructionsPending.totalCount, 1);
    assert.deepEqual(o.tokenDestructionsPending.items[0], {
      cmkUuid: k.cmkUuid, keyVersionId: k.primaryKeyVersionId, keySpec: 'AES_256', tokenLabel: h.label, objectId,
      reason: 'pendingWindowEnded', requestedAt: new Date(h.v.clock.now()).toISOString(), lastError: 'TokenNotLoggedIn',
    });
    // A second pass neither destroys nor rewrites the record.
    assert.equal((await api.runScheduledWork({})).tokenObjectsPending, 1);

    await api.tokenLogin({ pin: USER_PIN });
    assert.doesNotMatch(listObjects(h), new RegExp(`keywarden:${k.cmkUuid}`));
    assert.equal((await api.describeVaultOverview({})).tokenDestructionsPending.totalCount, 0);
    const events = (await api.listAuditEvents({ event: 'destroyTokenObject', keyId: k.cmkUuid })).events;
    assert.equal(events.length, 1);
    assert.equal(events[0]?.actor, 'test', 'carried out by the officer whose login brought the token back');
    assert.equal(events[0]?.detail?.objectId, objectId);
    assert.equal(events[0]?.detail?.reason, 'pendingWindowEnded');
  });
});
