/**
 * prepareByok with source HSM on a real SoftHSM2 token: the material is generated inside
 * the token and leaves it only wrapped. Each output is unwrapped independently (openssl
 * pkeyutl for RSA, node:crypto id-aes256-wrap-pad for KWP) and compared with what the
 * token-held escrow re-wraps to. What SoftHSM2 2.6 cannot do is refused, changing nothing.
 */
import { before, after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createDecipheriv, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hsmVault, listObjects, type HsmVault } from '../hsm/harness.ts';
import { b64, openssl, rejects, snapshot } from './harness.ts';

let keys: string;
let h: HsmVault;
const pub = (k: string) => b64(readFileSync(join(keys, `${k}.der`)));
const oaep = (md: string) => ['-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', `rsa_oaep_md:${md}`, '-pkeyopt', `rsa_mgf1_md:${md}`];
const PKCS1 = ['-pkeyopt', 'rsa_padding_mode:pkcs1'];

function pkeyDecrypt(k: string, data: Buffer, opts: string[]): Buffer {
  writeFileSync(join(keys, 'in.bin'), data);
  openssl(['pkeyutl', '-decrypt', '-inkey', `${k}.pem`, '-in', 'in.bin', '-out', 'out.bin', ...opts], keys);
  return readFileSync(join(keys, 'out.bin'));
}

function unwrapRsaAes(k: string, blob: Buffer, md: string): Buffer {
  const rsaBytes = Number(k.slice(3)) / 8;
  const aes = pkeyDecrypt(k, blob.subarray(0, rsaBytes), oaep(md));
  assert.equal(aes.length, 32);
  const d = createDecipheriv('id-aes256-wrap-pad', aes, Buffer.from('a65959a6', 'hex'));
  return Buffer.concat([d.update(blob.subarray(rsaBytes)), d.final()]);
}

const file = (pkg: { files: Record<string, string> }, name: string): Buffer => {
  const f = pkg.files[name];
  assert.ok(f !== undefined, `package has ${name}`);
  return Buffer.from(f, 'base64');
};

const escrowRow = (escrowId: string) =>
  h.v.kw.services.db.prepare('SELECT source, token_label, token_key_id, sealed_material FROM byok_escrow WHERE id = ?').get(escrowId) as
    { source: string; token_label: string | null; token_key_id: string | null; sealed_material: Buffer };

before(async () => {
  keys = mkdtempSync(join(tmpdir(), 'kw-byok-hsm-'));
  for (const bits of [2048, 3072]) openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${bits}`, '-out', `rsa${bits}.pem`], keys);
  for (const k of ['rsa2048', 'rsa3072']) openssl(['pkey', '-in', `${k}.pem`, '-pubout', '-outform', 'der', '-out', `${k}.der`], keys);
  h = await hsmVault('byok');
});
after(async () => {
  await h.cleanup();
  rmSync(keys, { recursive: true, force: true });
});

describe('BYOK preparation with material generated in the token (SoftHSM2)', () => {
  test('Tianyi OAEP-SHA1 AES_256: the file unwraps with openssl; the token escrow re-wraps the same material for AWS and Tencent', async () => {
    const api = h.v.api;
    const pkg = await api.prepareByok({ target: 'tianyi', publicKey: pub('rsa2048'), wrappingAlgorithm: 'RSAES_OAEP_SHA_1', keySpec: 'AES_256', source: 'HSM' });
    const bin = file(pkg, 'EncryptedKeyMaterial.bin');
    assert.equal(file(pkg, 'EncryptedKeyMaterial_base64.txt').toString(), bin.toString('base64'));
    const m1 = pkeyDecrypt('rsa2048', bin, oaep('sha1'));
    assert.equal(m1.length, 32);

    const row = escrowRow(pkg.escrowId);
    assert.equal(row.source, 'HSM');
    assert.equal(row.token_label, h.label);
    assert.match(row.token_key_id ?? '', /^[0-9a-f]{32}$/);
    assert.equal(row.sealed_material.includes(m1), false, 'the escrow blob is wrapped, not the material');
    assert.deepEqual(await api.getByokEscrow({ escrowId: pkg.escrowId }).then((e) => [e.source, e.tokenLabel]), ['HSM', h.label]);

    const aws = await api.rewrapByokEscrow({ escrowId: pkg.escrowId, target: 'aws', publicKey: pub('rsa3072'), wrappingAlgorithm: 'RSAES_OAEP_SHA_1' });
    assert.deepEqual(pkeyDecrypt('rsa3072', file(aws, 'EncryptedKeyMaterial.bin'), oaep('sha1')), m1);
    const tencent = await api.rewrapByokEscrow({ escrowId: pkg.escrowId, target: 'tencent', publicKey: pub('rsa2048'), wrappingAlgorithm: 'RSAES_PKCS1_V1_5' });
    assert.deepEqual(pkeyDecrypt('rsa2048', file(tencent, 'EncryptedKeyMaterial.bin'), PKCS1), m1);
  });

  test('the escrow key is a non-extractable token object named after the escrow, usable only to wrap and unwrap', async () => {
    const pkg = await h.v.api.prepareByok({ target: 'alibaba', publicKey: pub('rsa2048'), wrappingAlgorithm: 'RSAES_PKCS1_V1_5', keySpec: 'SM4', source: 'HSM', tokenLabel: h.label });
    assert.equal(pkeyDecrypt('rsa2048', file(pkg, 'EncryptedKeyMaterial.bin'), PKCS1).length, 16);
    const id = escrowRow(pkg.escrowId).token_key_id!;
    const [probe, ...more] = await h.v.kw.tokens.bridge().probeExtractability({ label: h.label }, id);
    assert.equal(more.length, 0);
    assert.deepEqual({ s: probe?.sensitive, x: probe?.extractable, readable: probe?.valueReadable }, { s: true, x: false, readable: false });
    const listing = listObjects(h);
    const block = listing.split(/\n(?=\S)/).find((b) => b.includes(`label:      keywarden-byok-escrow:${pkg.escrowId}`));
    assert.ok(block, 'pkcs11-tool lists the escrow key');
    assert.match(block, /never extractable/);
    assert.match(block, /Usage:\s+wrap, unwrap/);
  });

  test('AWS RSA_AES_KEY_WRAP_SHA_1 for RSA_2048 and Azure .byok for EC_P256: PKCS#8 from the token, the same after rewrap for Vault', async () => {
    const api = h.v.api;
    const rsa = await api.prepareByok({ target: 'aws', publicKey: pub('rsa2048'), wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_1', keySpec: 'RSA_2048', source: 'HSM', region: 'us-east-1' });
    const pk8 = unwrapRsaAes('rsa2048', file(rsa, 'EncryptedKeyMaterial.bin'), 'sha1');
    const key = createPrivateKey({ key: pk8, format: 'der', type: 'pkcs8' });
    assert.equal(key.asymmetricKeyDetails?.modulusLength, 2048);
    const vault = await api.rewrapByokEscrow({ escrowId: rsa.escrowId, target: 'vault', publicKey: pub('rsa3072'), wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_1' });
    assert.deepEqual(unwrapRsaAes('rsa3072', Buffer.from(file(vault, 'ciphertext.txt').toString(), 'base64'), 'sha1'), pk8);

    const ec = await api.prepareByok({ target: 'azure', publicKey: pub('rsa3072'), wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_1', keySpec: 'EC_P256', source: 'HSM', wrappingKeyId: 'https://kv.example/keys/kek/1' });
    const byok = JSON.parse(file(ec, 'KeyTransferPackage.byok').toString()) as { ciphertext: string; header: { enc: string } };
    assert.equal(byok.header.enc, 'CKM_RSA_AES_KEY_WRAP');
    const ecKey = createPrivateKey({ key: unwrapRsaAes('rsa3072', Buffer.from(byok.ciphertext, 'base64url'), 'sha1'), format: 'der', type: 'pkcs8' });
    assert.equal(ecKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  });

  test('what SoftHSM2 2.6 cannot do is NotSupportedByToken and changes neither catalogue nor token', async () => {
    const api = h.v.api;
    const beforeDb = snapshot(h.v.kw);
    const beforeToken = listObjects(h);
    // C_WrapKey with CKM_RSA_PKCS_OAEP accepts only SHA-1 on SoftHSM2 2.6 (CKR_ARGUMENTS_BAD otherwise).
    await rejects(api.prepareByok({ target: 'tianyi', publicKey: pub('rsa2048'), wrappingAlgorithm: 'RSAES_OAEP_SHA_256', keySpec: 'AES_256', source: 'HSM' }), 'NotSupportedByToken');
    await rejects(api.prepareByok({ target: 'gcp', publicKey: pub('rsa3072'), wrappingAlgorithm: 'rsa-oaep-3072-sha256-aes-256', keySpec: 'EC_P256', source: 'HSM' }), 'NotSupportedByToken');
    // No standard PKCS#11 SM2 mechanism: SM2PKE and SM2 material are refused before the token is asked.
    openssl(['genpkey', '-algorithm', 'SM2', '-out', 'sm2.pem'], keys);
    const sm2 = b64(openssl(['pkey', '-in', 'sm2.pem', '-pubout', '-outform', 'der'], keys));
    await rejects(api.prepareByok({ target: 'alibaba', publicKey: sm2, wrappingAlgorithm: 'SM2PKE', keySpec: 'SM4', source: 'HSM' }), 'NotSupportedByToken');
    await rejects(api.prepareByok({ target: 'aws', publicKey: sm2, wrappingAlgorithm: 'SM2PKE', keySpec: 'SM2', source: 'HSM', region: 'cn-north-1' }), 'NotSupportedByToken');
    // A software escrow cannot be re-wrapped on a token's behalf, and a token label needs source HSM.
    await rejects(api.prepareByok({ target: 'tianyi', publicKey: pub('rsa2048'), wrappingAlgorithm: 'RSAES_OAEP_SHA_1', keySpec: 'AES_256', tokenLabel: h.label }), 'InvalidParameter');
    assert.equal(snapshot(h.v.kw), beforeDb);
    assert.equal(listObjects(h), beforeToken);
  });

  test('a rewrap the token refuses (OAEP-SHA256) leaves no package; without a login the token is not asked', async () => {
    const api = h.v.api;
    const pkg = await api.prepareByok({ target: 'vault', publicKey: pub('rsa2048'), wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_1', keySpec: 'AES_256', source: 'HSM' });
    const beforeDb = snapshot(h.v.kw);
    await rejects(api.rewrapByokEscrow({ escrowId: pkg.escrowId, target: 'vault', publicKey: pub('rsa2048'), wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256' }), 'NotSupportedByToken');
    await api.tokenLogout({});
    await rejects(api.rewrapByokEscrow({ escrowId: pkg.escrowId, target: 'vault', publicKey: pub('rsa2048'), wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_1' }), 'TokenNotLoggedIn');
    assert.equal(snapshot(h.v.kw), beforeDb);
  });
});
