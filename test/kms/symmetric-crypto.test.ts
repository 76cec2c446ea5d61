import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { tempVault, rejectsWith, b64, type TempVault } from '../helpers/temp-vault.ts';

describe('symmetric crypto operations', () => {
  let v: TempVault;
  let aes: string;
  let sm4: string;
  before(async () => {
    v = await tempVault();
    aes = (await v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT' })).keyMetadata.cmkUuid;
    sm4 = (await v.api.createKey({ keySpec: 'SM4', keyUsage: 'ENCRYPT_DECRYPT' })).keyMetadata.cmkUuid;
  });
  after(() => v.cleanup());

  for (const which of ['aes', 'sm4'] as const) {
    test(`${which}: encrypt/decrypt round trip; decrypt needs no key id`, async () => {
      const id = which === 'aes' ? aes : sm4;
      const r = await v.api.encrypt({ cmkUuid: id, plaintext: b64('机密数据 secret') });
      assert.equal(r.cmkUuid, id);
      const d = await v.api.decrypt({ ciphertextBlob: r.ciphertextBlob });
      assert.equal(Buffer.from(d.plaintext, 'base64').toString(), '机密数据 secret');
      assert.equal(d.keyVersionId, r.keyVersionId);
    });
  }

  test('plaintext is 1-6144 bytes: empty and over 6 KB are refused', async () => {
    const empty = await v.kw.call('encrypt', { cmkUuid: aes, plaintext: '' }, { actor: 'test' });
    assert.deepEqual(empty.ok ? null : [empty.error.code, empty.error.details?.field], ['InvalidParameter', 'plaintext']);
    await rejectsWith(v.api.encrypt({ cmkUuid: sm4, plaintext: '' }), 'InvalidParameter');
    await v.api.encrypt({ cmkUuid: aes, plaintext: b64(Buffer.alloc(1, 1)) });
    await v.api.encrypt({ cmkUuid: aes, plaintext: b64(Buffer.alloc(6144, 1)) });
    await rejectsWith(v.api.encrypt({ cmkUuid: aes, plaintext: b64(Buffer.alloc(6145, 1)) }), 'InvalidParameter');
  });

  test('encryption context must match; tampering is detected', async () => {
    const r = await v.api.encrypt({ cmkUuid: sm4, plaintext: b64('x'), encryptionContext: { app: 'payroll', env: 'prod' } });
    await rejectsWith(v.api.decrypt({ ciphertextBlob: r.ciphertextBlob }), 'InvalidCiphertext');
    await rejectsWith(v.api.decrypt({ ciphertextBlob: r.ciphertextBlob, encryptionContext: { app: 'payroll', env: 'test' } }), 'InvalidCiphertext');
    const ok = await v.api.decrypt({ ciphertextBlob: r.ciphertextBlob, encryptionContext: { env: 'prod', app: 'payroll' } });
    assert.equal(ok.plaintext, b64('x'));
    const raw = Buffer.from(r.ciphertextBlob, 'base64');
    raw[raw.length - 1]! ^= 1;
    await rejectsWith(v.api.decrypt({ ciphertextBlob: raw.toString('base64'), encryptionContext: { app: 'payroll', env: 'prod' } }), 'InvalidCiphertext');
    await rejectsWith(v.api.decrypt({ ciphertextBlob: b64('garbage that is long enough to look like a blob but is not one at all....') }), 'InvalidCiphertext');
    await rejectsWith(v.api.decrypt({ ciphertextBlob: '%%%' }), 'InvalidParameter');
  });

  test('a blob re-labelled with another key id does not decrypt', async () => {
    const r = await v.api.encrypt({ cmkUuid: aes, plaintext: b64('x') });
    const other = (await v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT' })).keyMetadata;
    const raw = Buffer.from(r.ciphertextBlob, 'base64');
    Buffer.from(other.cmkUuid.replace(/-/g, ''), 'hex').copy(raw, 4);
    Buffer.from(other.primaryKeyVersionId!.replace(/-/g, ''), 'hex').copy(raw, 20);
    await rejectsWith(v.api.decrypt({ ciphertextBlob: raw.toString('base64') }), 'InvalidCiphertext');
  });

  test('generateDataKey: plaintext and blob agree; sizes; without plaintext', async () => {
    const dk = await v.api.generateDataKey({ cmkUuid: sm4 });
    assert.equal(Buffer.from(dk.plaintext, 'base64').length, 32);
    assert.equal((await v.api.decrypt({ ciphertextBlob: dk.ciphertextBlob })).plaintext, dk.plaintext);
    assert.equal(Buffer.from((await v.api.generateDataKey({ cmkUuid: aes, numberOfBytes: 1024 })).plaintext, 'base64').length, 1024);
    assert.equal(Buffer.from((await v.api.generateDataKey({ cmkUuid: aes, keySpec: 'AES_128' })).plaintext, 'base64').length, 16);
    await rejectsWith(v.api.generateDataKey({ cmkUuid: aes, numberOfBytes: 1025 }), 'InvalidParameter');
    await rejectsWith(v.api.generateDataKey({ cmkUuid: aes, numberOfBytes: 0 }), 'InvalidParameter');
    await rejectsWith(v.api.generateDataKey({ cmkUuid: aes, numberOfBytes: 16, keySpec: 'SM4' }), 'InvalidParameter');
    const np = await v.api.generateDataKeyWithoutPlaintext({ cmkUuid: aes });
    assert.equal('plaintext' in np, false);
    assert.equal(Buffer.from((await v.api.decrypt({ ciphertextBlob: np.ciphertextBlob })).plaintext, 'base64').length, 32);
  });

  test('reEncrypt moves ciphertext to another key without returning plaintext', async () => {
    const r = await v.api.encrypt({ cmkUuid: aes, plaintext: b64('move me'), encryptionContext: { a: '1' } });
    const re = await v.api.reEncrypt({ ciphertextBlob: r.ciphertextBlob, destinationCmkUuid: sm4, sourceEncryptionContext: { a: '1' } });
    assert.equal(re.cmkUuid, sm4);
    assert.equal(re.sourceCmkUuid, aes);
    assert.equal('plaintext' in re, false);
    assert.equal(Buffer.from((await v.api.decrypt({ ciphertextBlob: re.ciphertextBlob })).plaintext, 'base64').toString(), 'move me');
  });

  test('symmetric keys refuse asymmetric operations and vice versa', async () => {
    const ec = (await v.api.createKey({ keySpec: 'EC_P256', keyUsage: 'SIGN_VERIFY' })).keyMetadata.cmkUuid;
    await rejectsWith(v.api.encrypt({ cmkUuid: ec, plaintext: b64('x') }), 'UnsupportedOperation');
    await rejectsWith(v.api.asymmetricSign({ cmkUuid: aes, keyVersionId: '00000000-0000-4000-8000-000000000000', algorithm: 'ECDSA_SHA_256', message: b64('x') }), 'UnsupportedOperation');
  });

  test('HMAC keys: HMAC-SM3 and HMAC-SHA-256 match independent implementations', async () => {
    const { createHmac } = await import('node:crypto');
    const { sm3 } = (await import('sm-crypto')).default as unknown as { sm3: (m: number[] | string, o?: { key: string }) => string };
    for (const spec of ['HMAC_SM3', 'HMAC_SHA256'] as const) {
      const k = (await v.api.createKey({ keySpec: spec, keyUsage: 'GENERATE_VERIFY_MAC' })).keyMetadata;
      const r = await v.api.hmacCompute({ cmkUuid: k.cmkUuid, message: b64('abc') });
      assert.equal(Buffer.from(r.mac, 'base64').length, 32);
      assert.equal((await v.api.hmacVerify({ cmkUuid: k.cmkUuid, message: b64('abc'), mac: r.mac })).macValid, true);
      assert.equal((await v.api.hmacVerify({ cmkUuid: k.cmkUuid, message: b64('abd'), mac: r.mac })).macValid, false);
      // Independent check: recompute with the material read through the sealer (test-only access).
      const row = v.kw.services.db.prepare('SELECT sealed_material FROM key_versions WHERE key_id = ?').get(k.cmkUuid) as { sealed_material: Buffer };
      const material = v.kw.services.vault.sealer().open(k.cmkUuid, k.primaryKeyVersionId!, row.sealed_material);
      const expected = spec === 'HMAC_SHA256' ? createHmac('sha256', material).update('abc').digest('hex') : sm3([...Buffer.from('abc')], { key: material.toString('hex') });
      material.fill(0);
      assert.equal(Buffer.from(r.mac, 'base64').toString('hex'), expected);
    }
  });

  test('messageDigest and getRandom', async () => {
    const sm3 = await v.api.messageDigest({ algorithm: 'SM3', message: b64('abc') });
    assert.equal(Buffer.from(sm3.digest, 'base64').toString('hex'), '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
    const sha = await v.api.messageDigest({ algorithm: 'SHA_256', message: b64('abc') });
    assert.equal(Buffer.from(sha.digest, 'base64').toString('hex'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(Buffer.from((await v.api.getRandom({ numberOfBytes: 48 })).random, 'base64').length, 48);
    await rejectsWith(v.api.getRandom({ numberOfBytes: 1025 }), 'InvalidParameter');
  });
});
