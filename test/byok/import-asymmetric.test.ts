/**
 * Bringing existing signing keys in: openssl makes the private key (RSA, EC P-256, SM2) and
 * an ephemeral AES-256 key, wraps the AES key with pkeyutl OAEP-SHA-256 and the PKCS#8 key
 * with RFC 5649 KWP (node:crypto id-aes256-wrap-pad: `openssl enc` cannot do KWP).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { b64, byokVault, openssl, rejects, snapshot, type ByokVault } from './harness.ts';

const KWP_IV = Buffer.from('a65959a6', 'hex');

function kwp(kek: Buffer, data: Buffer): Buffer {
  const c = createCipheriv('id-aes256-wrap-pad', kek, KWP_IV);
  return Buffer.concat([c.update(data), c.final()]);
}

function genkey(dir: string, spec: 'RSA_2048' | 'EC_P256' | 'SM2'): Buffer {
  const args =
    spec === 'RSA_2048' ? ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'] : spec === 'EC_P256' ? ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['genpkey', '-algorithm', 'SM2'];
  openssl([...args, '-out', 'officer.pem'], dir);
  openssl(['pkcs8', '-topk8', '-nocrypt', '-in', 'officer.pem', '-outform', 'der', '-out', 'officer.p8'], dir);
  openssl(['pkey', '-in', 'officer.pem', '-pubout', '-outform', 'der', '-out', 'officer-pub.der'], dir);
  return readFileSync(join(dir, 'officer.p8'));
}

/** The RSA_AES_KEY_WRAP_SHA_256 client: returns the two parts (ephemeral key ciphertext, wrapped key). */
function wrapPrivateKey(v: ByokVault, publicKeyB64: string, pkcs8: Buffer): { ephemeral: Buffer; wrapped: Buffer } {
  writeFileSync(join(v.work, 'PublicKey.bin'), Buffer.from(publicKeyB64, 'base64'));
  openssl(['rand', '-out', 'aes.bin', '32'], v.work);
  openssl(['pkeyutl', '-encrypt', '-in', 'aes.bin', '-inkey', 'PublicKey.bin', '-keyform', 'der', '-pubin', '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha256', '-out', 'aes.enc'], v.work);
  return { ephemeral: readFileSync(join(v.work, 'aes.enc')), wrapped: kwp(readFileSync(join(v.work, 'aes.bin')), pkcs8) };
}

describe('BYOK import of asymmetric private keys (RSA_AES_KEY_WRAP_SHA_256)', () => {
  for (const [spec, alg, apart] of [
    ['RSA_2048', 'RSA_PKCS1_SHA_256', true],
    ['EC_P256', 'ECDSA_SHA_256', false],
    ['SM2', 'SM2DSA', true],
  ] as const) {
    test(`${spec}: public key derived, signatures verify with openssl, re-import bound to the same key`, async () => {
      const v = await byokVault();
      try {
        const cmkUuid = (await v.api.createKey({ keySpec: spec, keyUsage: 'SIGN_VERIFY', origin: 'EXTERNAL' })).keyMetadata.cmkUuid;
        await rejects(v.api.getParametersForImport({ cmkUuid, wrappingKeySpec: 'RSA_2048', wrappingAlgorithm: 'RSAES_OAEP_SHA_256' }), 'InvalidParameter');
        const params = await v.api.getParametersForImport({ cmkUuid, wrappingKeySpec: 'RSA_2048', wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256' });
        const pkcs8 = genkey(v.work, spec);
        const { ephemeral, wrapped } = wrapPrivateKey(v, params.publicKey, pkcs8);
        // The seed's dialog takes the two parts apart; AWS concatenates them. Both are accepted.
        const req = apart
          ? { encryptedKeyMaterial: b64(wrapped), ephemeralKeyCiphertext: b64(ephemeral) }
          : { encryptedKeyMaterial: b64(Buffer.concat([ephemeral, wrapped])) };
        const r = await v.api.importKeyMaterial({ cmkUuid, ...req, importToken: params.importToken, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' });
        assert.equal(r.keyMetadata.keyState, 'Enabled');
        const keyVersionId = (await v.api.listKeyVersions({ cmkUuid })).keyVersions[0]!.keyVersionId;
        const pem = (await v.api.getPublicKey({ cmkUuid, keyVersionId })).publicKey;
        const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
        assert.deepEqual(der, readFileSync(join(v.work, 'officer-pub.der')));

        const msg = Buffer.from('signed by an imported key');
        const sig = Buffer.from((await v.api.asymmetricSign({ cmkUuid, keyVersionId, algorithm: alg, message: b64(msg) })).signature, 'base64');
        writeFileSync(join(v.work, 'msg.bin'), msg);
        writeFileSync(join(v.work, 'sig.bin'), sig);
        const verifyArgs = spec === 'SM2'
          ? ['pkeyutl', '-verify', '-rawin', '-digest', 'sm3', '-pubin', '-keyform', 'der', '-inkey', 'officer-pub.der', '-in', 'msg.bin', '-sigfile', 'sig.bin', '-pkeyopt', 'distid:1234567812345678']
          : ['dgst', '-sha256', '-verify', 'officer-pub.der', '-keyform', 'der', '-signature', 'sig.bin', 'msg.bin'];
        assert.match(openssl(verifyArgs, v.work).toString(), /Verified OK|Signature Verified Successfully/);

        // Another private key of the same type, after deleteKeyMaterial: refused, nothing changed.
        await v.api.deleteKeyMaterial({ cmkUuid });
        const other = genkey(v.work, spec);
        const o = wrapPrivateKey(v, params.publicKey, other);
        const before = snapshot(v.kw);
        await rejects(
          v.api.importKeyMaterial({ cmkUuid, encryptedKeyMaterial: b64(o.wrapped), ephemeralKeyCiphertext: b64(o.ephemeral), importToken: params.importToken, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }),
          'KeyMaterialMismatch',
        );
        assert.equal(snapshot(v.kw), before);
      } finally {
        v.cleanup();
      }
    });
  }

  test('a private key of the wrong type or size is InvalidKeyMaterial and changes nothing', async () => {
    const v = await byokVault();
    try {
      const cmkUuid = (await v.api.createKey({ keySpec: 'RSA_2048', keyUsage: 'SIGN_VERIFY', origin: 'EXTERNAL' })).keyMetadata.cmkUuid;
      const params = await v.api.getParametersForImport({ cmkUuid, wrappingKeySpec: 'RSA_2048', wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256' });
      for (const bad of [genkey(v.work, 'EC_P256'), Buffer.from('not a key at all, just bytes')]) {
        const w = wrapPrivateKey(v, params.publicKey, bad);
        const before = snapshot(v.kw);
        await rejects(
          v.api.importKeyMaterial({ cmkUuid, encryptedKeyMaterial: b64(w.wrapped), ephemeralKeyCiphertext: b64(w.ephemeral), importToken: params.importToken, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }),
          'InvalidKeyMaterial',
        );
        assert.equal(snapshot(v.kw), before);
      }
      openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072', '-out', 'big.pem'], v.work);
      openssl(['pkcs8', '-topk8', '-nocrypt', '-in', 'big.pem', '-outform', 'der', '-out', 'big.p8'], v.work);
      const w = wrapPrivateKey(v, params.publicKey, readFileSync(join(v.work, 'big.p8')));
      await rejects(
        v.api.importKeyMaterial({ cmkUuid, encryptedKeyMaterial: b64(w.wrapped), ephemeralKeyCiphertext: b64(w.ephemeral), importToken: params.importToken, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }),
        'InvalidKeyMaterial',
      );
    } finally {
      v.cleanup();
    }
  });
});
