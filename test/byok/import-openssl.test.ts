/**
 * importKeyMaterial driven exactly as the seed manual tells officers to do it, with the
 * openssl CLI as the client: `openssl rand`, base64-decode the public key, encrypt with
 * pkeyutl (OAEP-SHA-256), rsautl -oaep (OAEP-SHA-1) or rsautl -pkcs (PKCS#1 v1.5), or
 * pkeyutl with the SM2 wrapping key, base64 the result, import.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { b64, byokVault, openssl, rejects, snapshot, type ByokVault } from './harness.ts';

type Alg = 'RSAES_OAEP_SHA_256' | 'RSAES_OAEP_SHA_1' | 'RSAES_PKCS1_V1_5' | 'SM2PKE';

/** The seed's command for each algorithm, reading KeyMaterial.bin and PublicKey.bin in `dir`. */
const SEED_COMMANDS: Record<Alg, string[]> = {
  RSAES_OAEP_SHA_256: ['pkeyutl', '-in', 'KeyMaterial.bin', '-inkey', 'PublicKey.bin', '-out', 'EncryptedKeyMaterial.bin', '-keyform', 'der', '-pubin', '-encrypt', '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha256'],
  RSAES_OAEP_SHA_1: ['rsautl', '-encrypt', '-in', 'KeyMaterial.bin', '-oaep', '-inkey', 'PublicKey.bin', '-keyform', 'DER', '-pubin', '-out', 'EncryptedKeyMaterial.bin'],
  RSAES_PKCS1_V1_5: ['rsautl', '-encrypt', '-in', 'KeyMaterial.bin', '-pkcs', '-inkey', 'PublicKey.bin', '-keyform', 'der', '-pubin', '-out', 'EncryptedKeyMaterial.bin'],
  SM2PKE: ['pkeyutl', '-encrypt', '-in', 'KeyMaterial.bin', '-inkey', 'PublicKey.bin', '-keyform', 'der', '-pubin', '-out', 'EncryptedKeyMaterial.bin'],
};

async function externalKey(v: ByokVault, keySpec: 'AES_256' | 'SM4'): Promise<string> {
  return (await v.api.createKey({ keySpec, keyUsage: 'ENCRYPT_DECRYPT', origin: 'EXTERNAL' })).keyMetadata.cmkUuid;
}

/** Runs the seed's client steps; returns the base64 of EncryptedKeyMaterial.bin and the token. */
async function seedClient(v: ByokVault, cmkUuid: string, alg: Alg, bytes: number, reuseMaterial = false) {
  const params = await v.api.getParametersForImport({ cmkUuid, wrappingKeySpec: alg === 'SM2PKE' ? 'EC_SM2' : 'RSA_2048', wrappingAlgorithm: alg });
  writeFileSync(join(v.work, 'PublicKey_base64.txt'), params.publicKey);
  openssl(['enc', '-d', '-base64', '-A', '-in', 'PublicKey_base64.txt', '-out', 'PublicKey.bin'], v.work);
  if (!reuseMaterial) openssl(['rand', '-out', 'KeyMaterial.bin', String(bytes)], v.work);
  openssl(SEED_COMMANDS[alg], v.work);
  openssl(['enc', '-e', '-base64', '-A', '-in', 'EncryptedKeyMaterial.bin', '-out', 'EncryptedKeyMaterial_base64.txt'], v.work);
  return { encryptedKeyMaterial: readFileSync(join(v.work, 'EncryptedKeyMaterial_base64.txt'), 'utf8').trim(), importToken: params.importToken, params };
}

describe('BYOK import with the seed manual\'s openssl commands', () => {
  for (const [alg, spec, bytes] of [
    ['RSAES_OAEP_SHA_256', 'AES_256', 32],
    ['RSAES_OAEP_SHA_1', 'AES_256', 32],
    ['RSAES_PKCS1_V1_5', 'AES_256', 32],
    ['RSAES_OAEP_SHA_256', 'SM4', 16],
    ['SM2PKE', 'SM4', 16],
  ] as const) {
    test(`${alg} into ${spec}: PendingImport -> Enabled, and the key encrypts with that material`, async () => {
      const v = await byokVault();
      try {
        const cmkUuid = await externalKey(v, spec);
        const { encryptedKeyMaterial, importToken, params } = await seedClient(v, cmkUuid, alg, bytes);
        assert.equal(new Date(params.tokenExpiresAt).getTime(), v.clock.now() + 24 * 3600_000);
        const r = await v.api.importKeyMaterial({ cmkUuid, encryptedKeyMaterial, importToken, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' });
        assert.equal(r.keyMetadata.keyState, 'Enabled');
        assert.equal(r.keyMetadata.materialExpiresAt, null);
        const ct = await v.api.encrypt({ cmkUuid, plaintext: b64('imported') });
        assert.equal(Buffer.from((await v.api.decrypt({ ciphertextBlob: ct.ciphertextBlob })).plaintext, 'base64').toString(), 'imported');
        // The material really is the officer's: an AES-256-GCM blob opens with KeyMaterial.bin directly.
        if (spec === 'AES_256') {
          const { createDecipheriv } = await import('node:crypto');
          const blob = Buffer.from(ct.ciphertextBlob, 'base64');
          const d = createDecipheriv('aes-256-gcm', readFileSync(join(v.work, 'KeyMaterial.bin')), blob.subarray(36, 48));
          d.setAAD(blob.subarray(0, 48));
          d.setAuthTag(blob.subarray(blob.length - 16));
          assert.equal(Buffer.concat([d.update(blob.subarray(48, blob.length - 16)), d.final()]).toString(), 'imported');
        }
      } finally {
        v.cleanup();
      }
    });
  }

  test('only the same material after deleteKeyMaterial; the token is reusable for 24 hours, then expired', async () => {
    const v = await byokVault();
    try {
      const cmkUuid = await externalKey(v, 'AES_256');
      const first = await seedClient(v, cmkUuid, 'RSAES_OAEP_SHA_256', 32);
      await v.api.importKeyMaterial({ cmkUuid, encryptedKeyMaterial: first.encryptedKeyMaterial, importToken: first.importToken, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' });
      const blob = (await v.api.encrypt({ cmkUuid, plaintext: b64('kept') })).ciphertextBlob;
      assert.equal((await v.api.deleteKeyMaterial({ cmkUuid })).keyMetadata.keyState, 'PendingImport');
      await rejects(v.api.decrypt({ ciphertextBlob: blob }), 'InvalidKeyState');

      // Different material under the same, still valid token: refused, nothing changed.
      openssl(['rand', '-out', 'KeyMaterial.bin', '32'], v.work);
      writeFileSync(join(v.work, 'PublicKey.bin'), Buffer.from(first.params.publicKey, 'base64'));
      openssl(SEED_COMMANDS.RSAES_OAEP_SHA_256, v.work);
      const other = b64(readFileSync(join(v.work, 'EncryptedKeyMaterial.bin')));
      const before = snapshot(v.kw);
      await rejects(v.api.importKeyMaterial({ cmkUuid, encryptedKeyMaterial: other, importToken: first.importToken, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }), 'KeyMaterialMismatch');
      assert.equal(snapshot(v.kw), before);

      // The first material again, same token 23 hours later: accepted, old ciphertext decrypts.
      v.clock.advance(23 * 3600_000);
      await v.api.importKeyMaterial({ cmkUuid, encryptedKeyMaterial: first.encryptedKeyMaterial, importToken: first.importToken, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' });
      assert.equal(Buffer.from((await v.api.decrypt({ ciphertextBlob: blob })).plaintext, 'base64').toString(), 'kept');

      await v.api.deleteKeyMaterial({ cmkUuid });
      v.clock.advance(3600_000);
      const expiredBefore = snapshot(v.kw);
      await rejects(v.api.importKeyMaterial({ cmkUuid, encryptedKeyMaterial: first.encryptedKeyMaterial, importToken: first.importToken, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }), 'ImportTokenExpired');
      assert.equal(snapshot(v.kw), expiredBefore);
    } finally {
      v.cleanup();
    }
  });

  test('material expiry (scheduler, catching up) returns the key to PendingImport; the same material re-imports', async () => {
    const v = await byokVault();
    try {
      const cmkUuid = await externalKey(v, 'SM4');
      const c = await seedClient(v, cmkUuid, 'SM2PKE', 16);
      const validTo = new Date(v.clock.now() + 3600_000).toISOString();
      const r = await v.api.importKeyMaterial({ cmkUuid, encryptedKeyMaterial: c.encryptedKeyMaterial, importToken: c.importToken, expirationModel: 'KEY_MATERIAL_EXPIRES', validTo });
      assert.equal(r.keyMetadata.materialExpiresAt, validTo);
      const blob = (await v.api.encrypt({ cmkUuid, plaintext: b64('sm4') })).ciphertextBlob;
      v.clock.advance(2 * 3600_000);
      assert.equal((await v.api.runScheduledWork({})).materialExpired, 1);
      assert.equal((await v.api.describeKey({ cmkUuid })).keyMetadata.keyState, 'PendingImport');
      await rejects(v.api.encrypt({ cmkUuid, plaintext: b64('x') }), 'InvalidKeyState');
      // Fresh parameters (the old token also still works here), the same KeyMaterial.bin.
      const again = await seedClient(v, cmkUuid, 'SM2PKE', 16, true);
      await v.api.importKeyMaterial({ cmkUuid, encryptedKeyMaterial: again.encryptedKeyMaterial, importToken: again.importToken, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' });
      assert.equal(Buffer.from((await v.api.decrypt({ ciphertextBlob: blob })).plaintext, 'base64').toString(), 'sm4');
    } finally {
      v.cleanup();
    }
  });

  test('two keys with the same material: a blob of one never decrypts under the other; imported keys do not rotate', async () => {
    const v = await byokVault();
    try {
      const a = await externalKey(v, 'AES_256');
      const b = await externalKey(v, 'AES_256');
      const ca = await seedClient(v, a, 'RSAES_OAEP_SHA_256', 32);
      await v.api.importKeyMaterial({ cmkUuid: a, encryptedKeyMaterial: ca.encryptedKeyMaterial, importToken: ca.importToken, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' });
      const cb = await seedClient(v, b, 'RSAES_OAEP_SHA_1', 32, true);
      await v.api.importKeyMaterial({ cmkUuid: b, encryptedKeyMaterial: cb.encryptedKeyMaterial, importToken: cb.importToken, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' });
      const fa = v.kw.services.db.prepare('SELECT fingerprint FROM imported_material WHERE key_id = ?').get(a) as { fingerprint: Buffer };
      const fb = v.kw.services.db.prepare('SELECT fingerprint FROM imported_material WHERE key_id = ?').get(b) as { fingerprint: Buffer };
      assert.notDeepEqual(fa.fingerprint, fb.fingerprint, 'fingerprints are bound to the key id');
      assert.ok(!fa.fingerprint.equals(v.kw.services.suite.digest('SHA-256', readFileSync(join(v.work, 'KeyMaterial.bin')))), 'never the plain hash');

      const blobA = Buffer.from((await v.api.encrypt({ cmkUuid: a, plaintext: b64('for a only') })).ciphertextBlob, 'base64');
      const versionB = (await v.api.describeKey({ cmkUuid: b })).keyMetadata.primaryKeyVersionId!;
      const { uuidToBytes } = await import('../../core/ports/index.ts');
      const moved = Buffer.from(blobA);
      uuidToBytes(b).copy(moved, 4);
      uuidToBytes(versionB).copy(moved, 20);
      await rejects(v.api.decrypt({ ciphertextBlob: b64(moved) }), 'InvalidCiphertext');

      await rejects(v.api.rotateKey({ cmkUuid: a }), 'UnsupportedOperation');
      await rejects(v.api.updateRotationPolicy({ cmkUuid: a, enableAutomaticRotation: true, rotationIntervalDays: 30 }), 'UnsupportedOperation');
    } finally {
      v.cleanup();
    }
  });
});
