/** Data keys handed out wrapped under a caller's public key, unwrapped by openssl as the caller would. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { b64, byokVault, openssl, rejects } from './harness.ts';

describe('exportDataKey / generateAndExportDataKey', () => {
  test('RSA OAEP (SHA-256, SHA-1) and SM2PKE, PEM or base64 DER public keys; openssl recovers the same data key', async () => {
    const v = await byokVault();
    try {
      openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'rsa.pem'], v.work);
      openssl(['pkey', '-in', 'rsa.pem', '-pubout', '-out', 'rsa-pub.pem'], v.work);
      openssl(['genpkey', '-algorithm', 'SM2', '-out', 'sm2.pem'], v.work);
      openssl(['pkey', '-in', 'sm2.pem', '-pubout', '-outform', 'der', '-out', 'sm2-pub.der'], v.work);
      const rsaPem = readFileSync(join(v.work, 'rsa-pub.pem'), 'utf8');
      const sm2B64 = b64(readFileSync(join(v.work, 'sm2-pub.der')));
      const cmkUuid = (await v.api.createKey({ keySpec: 'SM4', keyUsage: 'ENCRYPT_DECRYPT' })).keyMetadata.cmkUuid;

      const unwrap = (exported: string, args: string[]): Buffer => {
        writeFileSync(join(v.work, 'dk.enc'), Buffer.from(exported, 'base64'));
        openssl(['pkeyutl', '-decrypt', '-in', 'dk.enc', '-out', 'dk.bin', ...args], v.work);
        return readFileSync(join(v.work, 'dk.bin'));
      };
      const oaep = (md: string) => ['-inkey', 'rsa.pem', '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', `rsa_oaep_md:${md}`];

      const g = await v.api.generateAndExportDataKey({ cmkUuid, keySpec: 'AES_256', publicKey: rsaPem, wrappingAlgorithm: 'RSAES_OAEP_SHA_256', encryptionContext: { app: 'x' } });
      assert.ok(!('plaintext' in g));
      const inVault = Buffer.from((await v.api.decrypt({ ciphertextBlob: g.ciphertextBlob, encryptionContext: { app: 'x' } })).plaintext, 'base64');
      assert.equal(inVault.length, 32);
      assert.deepEqual(unwrap(g.exportedDataKey, oaep('sha256')), inVault);

      const e1 = await v.api.exportDataKey({ ciphertextBlob: g.ciphertextBlob, encryptionContext: { app: 'x' }, publicKey: b64(rsaPem), wrappingAlgorithm: 'RSAES_OAEP_SHA_1' });
      assert.deepEqual(unwrap(e1.exportedDataKey, oaep('sha1')), inVault);
      const e2 = await v.api.exportDataKey({ ciphertextBlob: g.ciphertextBlob, encryptionContext: { app: 'x' }, publicKey: sm2B64, wrappingAlgorithm: 'SM2PKE' });
      assert.deepEqual(unwrap(e2.exportedDataKey, ['-inkey', 'sm2.pem']), inVault);
      assert.equal(e2.cmkUuid, cmkUuid);

      const n = await v.api.generateAndExportDataKey({ cmkUuid, numberOfBytes: 24, publicKey: sm2B64, wrappingAlgorithm: 'SM2PKE' });
      assert.equal(unwrap(n.exportedDataKey, ['-inkey', 'sm2.pem']).length, 24);

      await rejects(v.api.exportDataKey({ ciphertextBlob: g.ciphertextBlob, encryptionContext: { app: 'x' }, publicKey: sm2B64, wrappingAlgorithm: 'RSAES_OAEP_SHA_256' }), 'InvalidPublicKey');
      await rejects(v.api.exportDataKey({ ciphertextBlob: g.ciphertextBlob, publicKey: rsaPem, wrappingAlgorithm: 'RSAES_OAEP_SHA_256' }), 'InvalidCiphertext');
      await rejects(v.api.generateAndExportDataKey({ cmkUuid, publicKey: 'bm90IGEga2V5', wrappingAlgorithm: 'SM2PKE' }), 'InvalidPublicKey');
      await rejects(v.api.generateAndExportDataKey({ cmkUuid, publicKey: rsaPem, wrappingAlgorithm: 'RSAES_PKCS1_V1_5' as 'SM2PKE' }), 'InvalidParameter');
      await v.api.disableKey({ cmkUuid });
      await rejects(v.api.generateAndExportDataKey({ cmkUuid, publicKey: rsaPem, wrappingAlgorithm: 'RSAES_OAEP_SHA_256' }), 'InvalidKeyState');
    } finally {
      v.cleanup();
    }
  });
});
