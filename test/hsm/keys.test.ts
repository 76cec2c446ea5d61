// protectionLevel HSM through the whole core on a real SoftHSM2 token: every spec the
// token can hold, every operation on it, rotation per version, non-extractability as
// Keywarden and pkcs11-tool see it, and refusals that leave catalogue and token as they were.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, publicEncrypt, constants } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { b64, rejectsWith } from '../helpers/temp-vault.ts';
import { hsmVault, listObjects, openssl, type HsmVault } from './harness.ts';

describe('HSM protection level on SoftHSM2', () => {
  let h: HsmVault;
  let dir: string;
  before(async () => {
    h = await hsmVault('keys', { extraTokens: ['Second-keys'] });
    dir = mkdtempSync(join(tmpdir(), 'kw-hsm-ossl-'));
  });
  after(async () => {
    await h.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const versions = (cmkUuid: string) => h.v.kw.services.db.prepare('SELECT id, token_object_id, sealed_material FROM key_versions WHERE key_id = ? ORDER BY created_at, rowid').all(cmkUuid) as Array<{ id: string; token_object_id: string | null; sealed_material: Buffer | null }>;

  test('AES_256 on the token: encrypt/decrypt, data keys, reEncrypt both ways, rotation keeps old ciphertext readable', async () => {
    const api = h.v.api;
    const k = (await api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT', protectionLevel: 'HSM', alias: 'alias/hsm-aes' })).keyMetadata;
    assert.equal(k.protectionLevel, 'HSM');
    assert.equal(k.tokenLabel, h.label);
    const [v1] = versions(k.cmkUuid);
    assert.ok(v1?.token_object_id && /^[0-9a-f]+$/.test(v1.token_object_id));
    assert.equal(v1.sealed_material, null, 'no software copy of the material');

    const ctx = { app: 'payroll' };
    const e1 = await api.encrypt({ cmkUuid: 'alias/hsm-aes', plaintext: b64('机密 payroll'), encryptionContext: ctx });
    assert.equal(Buffer.from((await api.decrypt({ ciphertextBlob: e1.ciphertextBlob, encryptionContext: ctx })).plaintext, 'base64').toString(), '机密 payroll');
    await rejectsWith(api.decrypt({ ciphertextBlob: e1.ciphertextBlob, encryptionContext: { app: 'other' } }), 'InvalidCiphertext');

    const dk = await api.generateDataKey({ cmkUuid: k.cmkUuid, keySpec: 'AES_256' });
    assert.equal((await api.decrypt({ ciphertextBlob: dk.ciphertextBlob })).plaintext, dk.plaintext);
    const dk2 = await api.generateDataKeyWithoutPlaintext({ cmkUuid: k.cmkUuid, numberOfBytes: 24 });
    assert.equal(Buffer.from((await api.decrypt({ ciphertextBlob: dk2.ciphertextBlob })).plaintext, 'base64').length, 24);

    const soft = (await api.createKey({ keySpec: 'SM4', keyUsage: 'ENCRYPT_DECRYPT' })).keyMetadata;
    const toSoft = await api.reEncrypt({ ciphertextBlob: e1.ciphertextBlob, sourceEncryptionContext: ctx, destinationCmkUuid: soft.cmkUuid });
    assert.equal(toSoft.sourceCmkUuid, k.cmkUuid);
    const back = await api.reEncrypt({ ciphertextBlob: toSoft.ciphertextBlob, destinationCmkUuid: k.cmkUuid });
    assert.equal(Buffer.from((await api.decrypt({ ciphertextBlob: back.ciphertextBlob })).plaintext, 'base64').toString(), '机密 payroll');

    const rotated = await api.rotateKey({ cmkUuid: k.cmkUuid });
    const vs = versions(k.cmkUuid);
    assert.equal(vs.length, 2);
    assert.notEqual(vs[1]!.token_object_id, vs[0]!.token_object_id, 'a new token object per version');
    const e2 = await api.encrypt({ cmkUuid: k.cmkUuid, plaintext: b64('after rotation') });
    assert.equal(e2.keyVersionId, rotated.keyVersionId);
    assert.equal(Buffer.from((await api.decrypt({ ciphertextBlob: e1.ciphertextBlob, encryptionContext: ctx })).plaintext, 'base64').toString(), '机密 payroll');
    const listing = listObjects(h);
    for (const v of vs) assert.match(listing, new RegExp(`label:\\s+keywarden:${k.cmkUuid}:${v.id}`));
  });

  test('the key value cannot be read back: probeExtractability and pkcs11-tool agree', async () => {
    const k = (await h.v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT', protectionLevel: 'HSM' })).keyMetadata;
    const ec = (await h.v.api.createKey({ keySpec: 'EC_P256', keyUsage: 'SIGN_VERIFY', protectionLevel: 'HSM' })).keyMetadata;
    const bridge = h.v.kw.tokens.bridge();
    for (const key of [k, ec]) {
      const id = versions(key.cmkUuid)[0]!.token_object_id!;
      const probes = await bridge.probeExtractability({ label: h.label }, id);
      const secret = probes.filter((p) => p.objectClass !== 'public');
      assert.equal(secret.length, 1);
      for (const p of secret) {
        assert.equal(p.sensitive, true);
        assert.equal(p.extractable, false);
        assert.equal(p.valueReadable, false);
        assert.equal(p.valueReadError, 'CKR_ATTRIBUTE_SENSITIVE');
      }
      const block = listObjects(h).split(/\n(?=\S)/).find((b) => b.includes(`ID:         ${id}`) && /^(Secret|Private) Key Object/.test(b));
      assert.ok(block, `pkcs11-tool lists object ${id}`);
      assert.match(block, /Access:\s+sensitive, always sensitive, never extractable, local/);
    }
  });

  for (const [keySpec, algorithms] of [
    ['RSA_2048', ['RSA_PKCS1_SHA_256', 'RSA_PSS_SHA_256']],
    ['EC_P256', ['ECDSA_SHA_256']],
  ] as const) {
    test(`${keySpec} on the token: signatures (RAW and DIGEST) verify with openssl and asymmetricVerify`, async () => {
      const api = h.v.api;
      const k = (await api.createKey({ keySpec, keyUsage: 'SIGN_VERIFY', protectionLevel: 'HSM' })).keyMetadata;
      const versionId = (await api.listKeyVersions({ cmkUuid: k.cmkUuid })).keyVersions[0]!.keyVersionId;
      const pub = await api.getPublicKey({ cmkUuid: k.cmkUuid, keyVersionId: versionId });
      const pem = join(dir, `${k.cmkUuid}.pem`);
      writeFileSync(pem, pub.publicKey);
      const spki = await h.v.kw.tokens.bridge().publicKeySpki({ label: h.label }, versions(k.cmkUuid)[0]!.token_object_id!);
      assert.match(pub.publicKey, new RegExp(Buffer.from(spki).toString('base64').slice(0, 60).replace(/[+/]/g, '\\$&')));
      const msg = Buffer.from('officer challenge 挑战');
      const m = join(dir, 'msg.bin');
      writeFileSync(m, msg);
      for (const algorithm of algorithms) {
        for (const messageType of ['RAW', 'DIGEST'] as const) {
          const input = messageType === 'RAW' ? msg : createHash('sha256').update(msg).digest();
          const { signature } = await api.asymmetricSign({ cmkUuid: k.cmkUuid, keyVersionId: versionId, algorithm, message: b64(input), messageType });
          const sigFile = join(dir, 'sig.bin');
          writeFileSync(sigFile, Buffer.from(signature, 'base64'));
          const pss = algorithm === 'RSA_PSS_SHA_256' ? ['-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32'] : [];
          assert.match(openssl(['dgst', '-sha256', '-verify', pem, ...pss, '-signature', sigFile, m]).toString(), /Verified OK/);
          const ok = await api.asymmetricVerify({ cmkUuid: k.cmkUuid, keyVersionId: versionId, algorithm, message: b64(input), messageType, signature });
          assert.equal(ok.signatureValid, true);
        }
      }
    });
  }

  test('RSA_2048 on the token decrypts OAEP ciphertext made by openssl (SHA-256 and SHA-1) and by asymmetricEncrypt', async () => {
    const api = h.v.api;
    const k = (await api.createKey({ keySpec: 'RSA_2048', keyUsage: 'ENCRYPT_DECRYPT', protectionLevel: 'HSM' })).keyMetadata;
    const versionId = (await api.listKeyVersions({ cmkUuid: k.cmkUuid })).keyVersions[0]!.keyVersionId;
    const pem = join(dir, 'oaep.pem');
    writeFileSync(pem, (await api.getPublicKey({ cmkUuid: k.cmkUuid, keyVersionId: versionId })).publicKey);
    const secret = Buffer.from('data key 0123456789abcdef');
    const pt = join(dir, 'pt.bin');
    writeFileSync(pt, secret);
    for (const [algorithm, md] of [['RSAES_OAEP_SHA_256', 'sha256'], ['RSAES_OAEP_SHA_1', 'sha1']] as const) {
      const ct = openssl(['pkeyutl', '-encrypt', '-pubin', '-inkey', pem, '-in', pt, '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', `rsa_oaep_md:${md}`, '-pkeyopt', `rsa_mgf1_md:${md}`]);
      const out = await api.asymmetricDecrypt({ cmkUuid: k.cmkUuid, keyVersionId: versionId, algorithm, ciphertextBlob: ct.toString('base64') });
      assert.deepEqual(Buffer.from(out.plaintext, 'base64'), secret);
      const own = await api.asymmetricEncrypt({ cmkUuid: k.cmkUuid, keyVersionId: versionId, algorithm, plaintext: b64(secret) });
      assert.deepEqual(Buffer.from((await api.asymmetricDecrypt({ cmkUuid: k.cmkUuid, keyVersionId: versionId, algorithm, ciphertextBlob: own.ciphertextBlob })).plaintext, 'base64'), secret);
    }
    const nodeCt = publicEncrypt({ key: readPem(pem), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, secret);
    const tampered = Buffer.from(nodeCt);
    tampered[7] = (tampered[7] ?? 0) ^ 0x55;
    await rejectsWith(api.asymmetricDecrypt({ cmkUuid: k.cmkUuid, keyVersionId: versionId, algorithm: 'RSAES_OAEP_SHA_256', ciphertextBlob: tampered.toString('base64') }), 'InvalidCiphertext');
  });

  test('RSA_3072, RSA_4096 versions are generated on the token; createKeyVersion adds a token object', async () => {
    const api = h.v.api;
    for (const keySpec of ['RSA_3072', 'RSA_4096'] as const) {
      const k = (await api.createKey({ keySpec, keyUsage: 'SIGN_VERIFY', protectionLevel: 'HSM' })).keyMetadata;
      const nv = await api.createKeyVersion({ cmkUuid: k.cmkUuid });
      const vs = versions(k.cmkUuid);
      assert.equal(vs.length, 2);
      assert.notEqual(vs[0]!.token_object_id, vs[1]!.token_object_id);
      const pub = await api.getPublicKey({ cmkUuid: k.cmkUuid, keyVersionId: nv.keyVersionId });
      const pem = join(dir, `${keySpec}.pem`);
      writeFileSync(pem, pub.publicKey);
      assert.match(openssl(['pkey', '-pubin', '-in', pem, '-noout', '-text']).toString(), new RegExp(`Public-Key: \\(${keySpec.slice(4)} bit\\)`));
      const s = await api.asymmetricSign({ cmkUuid: k.cmkUuid, keyVersionId: nv.keyVersionId, algorithm: 'RSA_PSS_SHA_256', message: b64('m') });
      assert.equal((await api.asymmetricVerify({ cmkUuid: k.cmkUuid, keyVersionId: nv.keyVersionId, algorithm: 'RSA_PSS_SHA_256', message: b64('m'), signature: s.signature })).signatureValid, true);
    }
  });

  test('SM2, SM4 and HMAC on SoftHSM2: NotSupportedByToken at creation, nothing created in the catalogue or on the token', async () => {
    const api = h.v.api;
    const keysBefore = (await api.listKeys({})).totalCount;
    const objectsBefore = listObjects(h);
    for (const [keySpec, keyUsage] of [['SM2', 'SIGN_VERIFY'], ['SM4', 'ENCRYPT_DECRYPT'], ['HMAC_SHA256', 'GENERATE_VERIFY_MAC']] as const) {
      await rejectsWith(api.createKey({ keySpec, keyUsage, protectionLevel: 'HSM' }), 'NotSupportedByToken');
    }
    await rejectsWith(api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT', protectionLevel: 'HSM', origin: 'EXTERNAL' }), 'NotSupportedByToken');
    assert.equal((await api.listKeys({})).totalCount, keysBefore);
    assert.equal(listObjects(h), objectsBefore);
    const mech = await api.listMechanisms({});
    const by = Object.fromEntries(mech.keySpecs.map((s) => [s.keySpec, s.supported]));
    assert.deepEqual(by, { AES_256: true, SM4: false, RSA_2048: true, RSA_3072: true, RSA_4096: true, EC_P256: true, SM2: false, HMAC_SM3: false, HMAC_SHA256: false });
  });

  test('keys go to the token named in createKey; a token nobody logged in to is refused before anything is made', async () => {
    const other = 'Second-keys';
    const api = h.v.api;
    const keysBefore = (await api.listKeys({})).totalCount;
    await rejectsWith(api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT', protectionLevel: 'HSM', tokenLabel: other }), 'TokenNotLoggedIn');
    assert.equal((await api.listKeys({})).totalCount, keysBefore);
    await api.tokenLogin({ tokenLabel: other, pin: '1234' });
    const k = (await api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT', protectionLevel: 'HSM', tokenLabel: other })).keyMetadata;
    assert.equal(k.tokenLabel, other);
    const e = await api.encrypt({ cmkUuid: k.cmkUuid, plaintext: b64('second token') });
    assert.match(listObjects(h, other), new RegExp(`keywarden:${k.cmkUuid}`));
    assert.doesNotMatch(listObjects(h), new RegExp(`keywarden:${k.cmkUuid}`));
    await api.tokenLogout({ tokenLabel: other });
    await rejectsWith(api.decrypt({ ciphertextBlob: e.ciphertextBlob }), 'TokenNotLoggedIn');
  });
});

function readPem(path: string): string {
  return openssl(['pkey', '-pubin', '-in', path]).toString();
}
