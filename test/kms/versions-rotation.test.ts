import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { tempVault, rejectsWith, b64, type TempVault } from '../helpers/temp-vault.ts';
import { DAY_MS } from '../../core/domain/limits.ts';

describe('versions and rotation', () => {
  let v: TempVault;
  before(async () => {
    v = await tempVault();
  });
  after(() => v.cleanup());

  test('rotateKey adds a primary version and old ciphertext keeps decrypting', async () => {
    const { keyMetadata: k } = await v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT' });
    const old = await v.api.encrypt({ cmkUuid: k.cmkUuid, plaintext: b64('v1 secret') });
    const r = await v.api.rotateKey({ cmkUuid: k.cmkUuid });
    assert.notEqual(r.keyVersionId, k.primaryKeyVersionId);
    assert.equal(r.keyMetadata.primaryKeyVersionId, r.keyVersionId);
    const fresh = await v.api.encrypt({ cmkUuid: k.cmkUuid, plaintext: b64('v2 secret') });
    assert.equal(fresh.keyVersionId, r.keyVersionId);
    assert.equal((await v.api.decrypt({ ciphertextBlob: old.ciphertextBlob })).keyVersionId, k.primaryKeyVersionId);
    assert.equal(Buffer.from((await v.api.decrypt({ ciphertextBlob: old.ciphertextBlob })).plaintext, 'base64').toString(), 'v1 secret');
    const versions = await v.api.listKeyVersions({ cmkUuid: k.cmkUuid });
    assert.equal(versions.totalCount, 2);
    assert.equal(versions.keyVersions.filter((x) => x.isPrimary).length, 1);
    const d = await v.api.describeKeyVersion({ cmkUuid: k.cmkUuid, keyVersionId: k.primaryKeyVersionId! });
    assert.equal(d.keyVersion.isPrimary, false);
  });

  test('rotation policy: symmetric KMS keys only, 7-730 days or off', async () => {
    const { keyMetadata: k } = await v.api.createKey({ keySpec: 'SM4', keyUsage: 'ENCRYPT_DECRYPT', rotationIntervalDays: 90 });
    assert.equal(k.rotationIntervalDays, 90);
    assert.equal(Date.parse(k.nextRotationAt!), v.clock.now() + 90 * DAY_MS);
    await rejectsWith(v.api.updateRotationPolicy({ cmkUuid: k.cmkUuid, enableAutomaticRotation: true, rotationIntervalDays: 6 }), 'InvalidParameter');
    await rejectsWith(v.api.updateRotationPolicy({ cmkUuid: k.cmkUuid, enableAutomaticRotation: true, rotationIntervalDays: 731 }), 'InvalidParameter');
    const off = await v.api.updateRotationPolicy({ cmkUuid: k.cmkUuid, enableAutomaticRotation: false });
    assert.equal(off.keyMetadata.rotationIntervalDays, null);
    assert.equal(off.keyMetadata.nextRotationAt, null);
    const { keyMetadata: rsa } = await v.api.createKey({ keySpec: 'RSA_2048', keyUsage: 'SIGN_VERIFY' });
    await rejectsWith(v.api.updateRotationPolicy({ cmkUuid: rsa.cmkUuid, enableAutomaticRotation: true, rotationIntervalDays: 30 }), 'UnsupportedOperation');
    await rejectsWith(v.api.rotateKey({ cmkUuid: rsa.cmkUuid }), 'UnsupportedOperation');
    await rejectsWith(v.api.createKey({ keySpec: 'SM2', keyUsage: 'SIGN_VERIFY', rotationIntervalDays: 30 }), 'UnsupportedOperation');
    const { keyMetadata: ext } = await v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT', origin: 'EXTERNAL' });
    await rejectsWith(v.api.updateRotationPolicy({ cmkUuid: ext.cmkUuid, enableAutomaticRotation: true, rotationIntervalDays: 30 }), 'UnsupportedOperation');
  });

  test('asymmetric versions: manual, named in every call, at most 50 per vault', async () => {
    const { keyMetadata: k } = await v.api.createKey({ keySpec: 'EC_P256', keyUsage: 'SIGN_VERIFY' });
    const { keyVersionId: v2 } = await v.api.createKeyVersion({ cmkUuid: k.cmkUuid });
    const versions = (await v.api.listKeyVersions({ cmkUuid: k.cmkUuid })).keyVersions;
    assert.equal(versions.length, 2);
    assert.ok(versions.every((x) => !x.isPrimary));
    const sig = await v.api.asymmetricSign({ cmkUuid: k.cmkUuid, keyVersionId: v2, algorithm: 'ECDSA_SHA_256', message: b64('m') });
    const v1 = versions.find((x) => x.keyVersionId !== v2)!.keyVersionId;
    assert.equal((await v.api.asymmetricVerify({ cmkUuid: k.cmkUuid, keyVersionId: v2, algorithm: 'ECDSA_SHA_256', message: b64('m'), signature: sig.signature })).signatureValid, true);
    assert.equal((await v.api.asymmetricVerify({ cmkUuid: k.cmkUuid, keyVersionId: v1, algorithm: 'ECDSA_SHA_256', message: b64('m'), signature: sig.signature })).signatureValid, false);
    await rejectsWith(v.api.createKeyVersion({ cmkUuid: (await v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT' })).keyMetadata.cmkUuid }), 'UnsupportedOperation');

    const count = async () => {
      let n = 0;
      for (const key of (await v.api.listKeys({ pageSize: 1000 })).keys) if (['RSA_2048', 'EC_P256', 'SM2', 'RSA_3072', 'RSA_4096'].includes(key.keySpec)) n += key.versionCount;
      return n;
    };
    while ((await count()) < 50) await v.api.createKeyVersion({ cmkUuid: k.cmkUuid });
    await rejectsWith(v.api.createKeyVersion({ cmkUuid: k.cmkUuid }), 'LimitExceeded');
    await rejectsWith(v.api.createKey({ keySpec: 'SM2', keyUsage: 'SIGN_VERIFY' }), 'LimitExceeded');
    assert.equal(await count(), 50, 'refusals changed nothing');
  });
});
