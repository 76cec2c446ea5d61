/** Every refusal of the import path: a distinct typed error, and the catalogue unchanged. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { b64, byokVault, rejects, snapshot } from './harness.ts';

describe('BYOK import refusals', () => {
  test('state, origin, token, length, padding and parameter errors are distinct and change nothing', async () => {
    const v = await byokVault();
    try {
      const { suite } = v.kw.services;
      const ext = (await v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT', origin: 'EXTERNAL' })).keyMetadata.cmkUuid;
      const other = (await v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT', origin: 'EXTERNAL' })).keyMetadata.cmkUuid;
      const kms = (await v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT' })).keyMetadata.cmkUuid;
      await rejects(v.api.getParametersForImport({ cmkUuid: kms, wrappingKeySpec: 'RSA_2048', wrappingAlgorithm: 'RSAES_OAEP_SHA_256' }), 'UnsupportedOperation');
      await rejects(v.api.getParametersForImport({ cmkUuid: ext, wrappingKeySpec: 'EC_SM2', wrappingAlgorithm: 'RSAES_OAEP_SHA_256' }), 'InvalidParameter');
      await rejects(v.api.getParametersForImport({ cmkUuid: ext, wrappingKeySpec: 'EC_SM2', wrappingAlgorithm: 'SM2PKE' }), 'InvalidParameter');
      await rejects(v.api.getParametersForImport({ cmkUuid: ext, wrappingKeySpec: 'RSA_2048', wrappingAlgorithm: 'RSAES_OAEP_SHA_512' as 'RSAES_OAEP_SHA_256' }), 'InvalidParameter');

      const p = await v.api.getParametersForImport({ cmkUuid: ext, wrappingKeySpec: 'RSA_2048', wrappingAlgorithm: 'RSAES_OAEP_SHA_256' });
      const pOther = await v.api.getParametersForImport({ cmkUuid: other, wrappingKeySpec: 'RSA_2048', wrappingAlgorithm: 'RSAES_OAEP_SHA_256' });
      const spki = Buffer.from(p.publicKey, 'base64');
      const wrap = (m: Buffer) => b64(suite.rsaOaepEncrypt(spki, { hash: 'SHA-256', mgf1Hash: 'SHA-256' }, m));
      const good = wrap(Buffer.alloc(32, 7));
      const base = { cmkUuid: ext, encryptedKeyMaterial: good, importToken: p.importToken, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' as const };
      const tampered = Buffer.from(p.importToken, 'base64');
      tampered[40] = tampered[40]! ^ 1; // the expiry: a longer-lived token is not ours

      const before = snapshot(v.kw);
      const cases: Array<[string, Record<string, unknown>]> = [
        ['ImportTokenInvalid', { importToken: pOther.importToken }],
        ['ImportTokenInvalid', { importToken: b64(tampered) }],
        ['ImportTokenInvalid', { importToken: b64(Buffer.alloc(77)) }],
        ['InvalidKeyMaterial', { encryptedKeyMaterial: wrap(Buffer.alloc(16, 7)) }],
        ['InvalidKeyMaterial', { encryptedKeyMaterial: wrap(Buffer.alloc(33, 7)) }],
        ['UnwrapFailed', { encryptedKeyMaterial: b64(Buffer.alloc(256, 1)) }],
        ['UnwrapFailed', { encryptedKeyMaterial: b64(Buffer.alloc(12, 1)) }],
        ['UnwrapFailed', { encryptedKeyMaterial: b64(suite.asymmetricEncrypt('RSAES_PKCS1_V1_5', spki, Buffer.alloc(32, 7))) }],
        ['MissingParameter', { expirationModel: 'KEY_MATERIAL_EXPIRES' }],
        ['InvalidParameter', { expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: new Date(v.clock.now() - 1000).toISOString() }],
        ['InvalidParameter', { validTo: new Date(v.clock.now() + 1000).toISOString() }],
        ['InvalidParameter', { ephemeralKeyCiphertext: b64(Buffer.alloc(256)) }],
        ['InvalidParameter', { expirationModel: 'SOMETIMES' }],
        ['UnsupportedOperation', { cmkUuid: kms }],
      ];
      const unwrapMessages = new Set<string>();
      for (const [code, change] of cases) {
        await assert.rejects(v.api.importKeyMaterial({ ...base, ...change } as typeof base), (e: { code?: string; message: string }) => {
          assert.equal(e.code, code, `${JSON.stringify(change).slice(0, 80)}: ${e.message}`);
          if (code === 'UnwrapFailed') unwrapMessages.add(e.message);
          return true;
        });
        assert.equal(snapshot(v.kw), before, `${code} changed the catalogue`);
      }
      assert.equal(unwrapMessages.size, 1, 'every unwrap failure reads the same');

      await v.api.importKeyMaterial(base);
      await rejects(v.api.importKeyMaterial(base), 'InvalidKeyState');
      await rejects(v.api.getParametersForImport({ cmkUuid: ext, wrappingKeySpec: 'RSA_2048', wrappingAlgorithm: 'RSAES_OAEP_SHA_256' }), 'InvalidKeyState');
      await rejects(v.api.deleteKeyMaterial({ cmkUuid: kms }), 'UnsupportedOperation');
      await v.api.scheduleKeyDeletion({ cmkUuid: ext, pendingWindowInDays: 7 });
      await rejects(v.api.deleteKeyMaterial({ cmkUuid: ext }), 'InvalidKeyState');
    } finally {
      v.cleanup();
    }
  });

  test('a token from another vault is ImportTokenInvalid', async () => {
    const a = await byokVault();
    const b = await byokVault();
    try {
      const ka = (await a.api.createKey({ keySpec: 'SM4', keyUsage: 'ENCRYPT_DECRYPT', origin: 'EXTERNAL' })).keyMetadata.cmkUuid;
      const pa = await a.api.getParametersForImport({ cmkUuid: ka, wrappingKeySpec: 'EC_SM2', wrappingAlgorithm: 'SM2PKE' });
      const kb = (await b.api.createKey({ keySpec: 'SM4', keyUsage: 'ENCRYPT_DECRYPT', origin: 'EXTERNAL' })).keyMetadata.cmkUuid;
      await b.api.getParametersForImport({ cmkUuid: kb, wrappingKeySpec: 'EC_SM2', wrappingAlgorithm: 'SM2PKE' });
      const enc = b64(a.kw.services.suite.asymmetricEncrypt('SM2PKE', Buffer.from(pa.publicKey, 'base64'), Buffer.alloc(16, 3)));
      await rejects(b.api.importKeyMaterial({ cmkUuid: kb, encryptedKeyMaterial: enc, importToken: pa.importToken, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }), 'ImportTokenInvalid');
    } finally {
      a.cleanup();
      b.cleanup();
    }
  });
});
