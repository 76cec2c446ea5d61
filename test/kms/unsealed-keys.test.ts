import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { tempVault, rejectsWith, b64, TEST_PASSPHRASE, type TempVault } from '../helpers/temp-vault.ts';
import type { UnsealedKeys } from '../../core/vault/unsealed-keys.ts';

const DAY_MS = 86_400_000;
const message = b64('the unsealed-key cache');

describe('unsealed-key cache: parsed private keys and symmetric material held in memory per unlock', () => {
  let v: TempVault;
  before(async () => {
    v = await tempVault();
  });
  after(() => v.cleanup());

  const cache = (): UnsealedKeys => {
    const c = v.kw.services.vault.unsealedKeys();
    assert.ok(c, 'the vault has an unsealed-key cache while unlocked');
    return c;
  };

  async function signingKey(keySpec: 'RSA_2048' | 'EC_P256' | 'SM2') {
    const { cmkUuid } = (await v.api.createKey({ keySpec, keyUsage: 'SIGN_VERIFY' })).keyMetadata;
    const keyVersionId = (await v.api.listKeyVersions({ cmkUuid })).keyVersions[0]!.keyVersionId;
    const algorithm = ({ RSA_2048: 'RSA_PKCS1_SHA_256', EC_P256: 'ECDSA_SHA_256', SM2: 'SM2DSA' } as const)[keySpec];
    return { cmkUuid, keyVersionId, algorithm };
  }

  test('a private key is parsed on first use, then served from memory as a parsed key (no PKCS#8 bytes kept)', async () => {
    for (const spec of ['RSA_2048', 'EC_P256', 'SM2'] as const) {
      const k = await signingKey(spec);
      const before = cache().stats();
      const { signature } = await v.api.asymmetricSign({ ...k, message });
      const filled = cache().stats();
      assert.equal(filled.misses, before.misses + 1, `${spec}: first use unseals`);
      assert.deepEqual(cache().versionsOf(k.cmkUuid), [k.keyVersionId]);
      await v.api.asymmetricSign({ ...k, message });
      const again = cache().stats();
      assert.equal(again.hits, filled.hits + 1, `${spec}: second use is a hit`);
      assert.equal(again.misses, filled.misses, `${spec}: second use does not unseal`);
      assert.equal((await v.api.asymmetricVerify({ ...k, message, signature })).signatureValid, true);
    }
    const s = cache().stats();
    assert.equal(s.privateKeys, 3, 'the three signing keys are held parsed');
  });

  test('locking the vault empties the cache; after unlock it starts empty', async () => {
    const k = await signingKey('EC_P256');
    const sym = (await v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT' })).keyMetadata.cmkUuid;
    await v.api.asymmetricSign({ ...k, message });
    await v.api.encrypt({ cmkUuid: sym, plaintext: b64('x') });
    const held = cache();
    assert.ok(held.stats().entries >= 2);
    await v.api.lockVault({});
    assert.equal(held.stats().entries, 0, 'every entry was dropped (zeroed or disposed of) on lock');
    assert.equal(v.kw.services.vault.unsealedKeys(), null);
    await rejectsWith(v.api.asymmetricSign({ ...k, message }), 'VaultLocked');
    await v.api.unlockVault({ passphrase: TEST_PASSPHRASE });
    await v.api.asymmetricSign({ ...k, message });
    assert.notEqual(cache(), held, 'a new unlock has a new cache');
    assert.deepEqual(cache().stats().hits, 0);
    assert.deepEqual(cache().versionsOf(k.cmkUuid), [k.keyVersionId]);
  });

  test('a disabled key is dropped from the cache and refused; enabled again it is unsealed anew', async () => {
    const k = await signingKey('RSA_2048');
    await v.api.asymmetricSign({ ...k, message });
    assert.deepEqual(cache().versionsOf(k.cmkUuid), [k.keyVersionId]);
    await v.api.disableKey({ cmkUuid: k.cmkUuid });
    assert.deepEqual(cache().versionsOf(k.cmkUuid), [], 'dropped on the state change');
    await rejectsWith(v.api.asymmetricSign({ ...k, message }), 'InvalidKeyState');
    assert.deepEqual(cache().versionsOf(k.cmkUuid), [], 'a refused call does not fill the cache');
    await v.api.enableKey({ cmkUuid: k.cmkUuid });
    const misses = cache().stats().misses;
    await v.api.asymmetricSign({ ...k, message });
    assert.equal(cache().stats().misses, misses + 1);
  });

  test('a key scheduled for deletion is dropped at once and never served; once destroyed it is gone', async () => {
    const k = await signingKey('SM2');
    const sym = (await v.api.createKey({ keySpec: 'SM4', keyUsage: 'ENCRYPT_DECRYPT' })).keyMetadata.cmkUuid;
    const { ciphertextBlob } = await v.api.encrypt({ cmkUuid: sym, plaintext: b64('x') });
    await v.api.asymmetricSign({ ...k, message });
    assert.equal(cache().versionsOf(sym).length, 1);
    for (const id of [k.cmkUuid, sym]) await v.api.scheduleKeyDeletion({ cmkUuid: id, pendingWindowInDays: 7 });
    assert.deepEqual(cache().versionsOf(k.cmkUuid), []);
    assert.deepEqual(cache().versionsOf(sym), []);
    await rejectsWith(v.api.asymmetricSign({ ...k, message }), 'InvalidKeyState');
    await rejectsWith(v.api.decrypt({ ciphertextBlob }), 'InvalidKeyState');
    v.clock.advance(7 * DAY_MS);
    assert.equal((await v.api.runScheduledWork({})).deleted >= 2, true);
    await rejectsWith(v.api.asymmetricSign({ ...k, message }), 'KeyNotFound');
    await rejectsWith(v.api.decrypt({ ciphertextBlob }), 'KeyNotFound');
    assert.deepEqual(cache().versionsOf(k.cmkUuid), []);
  });

  test("a rotated symmetric key's new version is used for new ciphertexts; the old version still decrypts", async () => {
    const sym = (await v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT' })).keyMetadata.cmkUuid;
    const first = await v.api.encrypt({ cmkUuid: sym, plaintext: b64('one') });
    const { keyVersionId: v2 } = await v.api.rotateKey({ cmkUuid: sym });
    assert.notEqual(v2, first.keyVersionId);
    const second = await v.api.encrypt({ cmkUuid: sym, plaintext: b64('two') });
    assert.equal(second.keyVersionId, v2);
    assert.equal(Buffer.from((await v.api.decrypt({ ciphertextBlob: first.ciphertextBlob })).plaintext, 'base64').toString(), 'one');
    assert.equal(Buffer.from((await v.api.decrypt({ ciphertextBlob: second.ciphertextBlob })).plaintext, 'base64').toString(), 'two');
    assert.deepEqual(cache().versionsOf(sym).sort(), [first.keyVersionId, v2].sort());
  });

  test("an asymmetric key's new version signs with its own key, not a cached older one", async () => {
    const k = await signingKey('EC_P256');
    await v.api.asymmetricSign({ ...k, message });
    const { keyVersionId: v2 } = await v.api.createKeyVersion({ cmkUuid: k.cmkUuid });
    const { signature } = await v.api.asymmetricSign({ ...k, keyVersionId: v2, message });
    const pem = async (keyVersionId: string) => createPublicKey((await v.api.getPublicKey({ cmkUuid: k.cmkUuid, keyVersionId })).publicKey);
    const data = Buffer.from(message, 'base64');
    const sig = Buffer.from(signature, 'base64');
    assert.equal(nodeVerify('sha256', data, { key: await pem(v2), dsaEncoding: 'der' }, sig), true);
    assert.equal(nodeVerify('sha256', data, { key: await pem(k.keyVersionId), dsaEncoding: 'der' }, sig), false);
    assert.deepEqual(cache().versionsOf(k.cmkUuid), [v2], 'the version change dropped the old entry; the new version was unsealed');
  });
});
