/**
 * Each external KMS profile, checked by unwrapping its output independently: openssl
 * pkeyutl for the RSA-OAEP / PKCS#1 / SM2 part, node:crypto id-aes256-wrap-pad for KWP
 * (openssl enc cannot do KWP), compared with the escrowed material.
 */
import { before, after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createDecipheriv } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestOf } from '../../core/api/contract.ts';
import { b64, byokVault, openssl, rejects, snapshot, type ByokVault } from './harness.ts';

type WrappingKey = 'rsa2048' | 'rsa3072' | 'rsa4096' | 'sm2';
let keys: string;
const HOUR = 3600_000;

before(() => {
  keys = mkdtempSync(join(tmpdir(), 'kw-byok-targets-'));
  for (const bits of [2048, 3072, 4096]) openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${bits}`, '-out', `rsa${bits}.pem`], keys);
  openssl(['genpkey', '-algorithm', 'SM2', '-out', 'sm2.pem'], keys);
  for (const k of ['rsa2048', 'rsa3072', 'rsa4096', 'sm2']) {
    openssl(['pkey', '-in', `${k}.pem`, '-pubout', '-outform', 'der', '-out', `${k}.der`], keys);
    openssl(['pkey', '-in', `${k}.pem`, '-pubout', '-out', `${k}-pub.pem`], keys);
  }
});
after(() => rmSync(keys, { recursive: true, force: true }));

/** The file as the target hands it out: Tianyi-style base64 text, AWS DER, GCP/Azure/Vault PEM. */
function publicKeyFile(k: WrappingKey, form: 'der' | 'pem' | 'b64text'): string {
  const der = readFileSync(join(keys, `${k}.der`));
  if (form === 'der') return b64(der);
  if (form === 'pem') return b64(readFileSync(join(keys, `${k}-pub.pem`)));
  return b64(der.toString('base64'));
}

function pkeyDecrypt(k: WrappingKey, data: Buffer, opts: string[]): Buffer {
  writeFileSync(join(keys, 'in.bin'), data);
  openssl(['pkeyutl', '-decrypt', '-inkey', `${k}.pem`, '-in', 'in.bin', '-out', 'out.bin', ...opts], keys);
  return readFileSync(join(keys, 'out.bin'));
}

const oaepOpts = (md: string) => ['-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', `rsa_oaep_md:${md}`, '-pkeyopt', `rsa_mgf1_md:${md}`];

/** Independent unwrapping of an RSA-OAEP(AES key) || KWP(material) blob. */
function unwrapRsaAes(k: WrappingKey, blob: Buffer, md: string): Buffer {
  const rsaBytes = Number(k.slice(3)) / 8;
  const aes = pkeyDecrypt(k, blob.subarray(0, rsaBytes), oaepOpts(md));
  assert.equal(aes.length, 32);
  const d = createDecipheriv('id-aes256-wrap-pad', aes, Buffer.from('a65959a6', 'hex'));
  return Buffer.concat([d.update(blob.subarray(rsaBytes)), d.final()]);
}

function escrowed(v: ByokVault, escrowId: string): Buffer {
  const row = v.kw.services.db.prepare('SELECT key_spec, sealed_material FROM byok_escrow WHERE id = ?').get(escrowId) as { key_spec: string; sealed_material: Buffer };
  return v.kw.services.vault.sealer().open(`byok:escrow:${escrowId}`, row.key_spec, row.sealed_material);
}

const file = (pkg: { files: Record<string, string> }, name: string): Buffer => {
  const f = pkg.files[name];
  assert.ok(f !== undefined, `package has ${name} (has ${Object.keys(pkg.files).join(', ')})`);
  return Buffer.from(f, 'base64');
};

type Case = {
  name: string;
  req: Omit<RequestOf<'prepareByok'>, 'publicKey'>;
  key: WrappingKey;
  form: 'der' | 'pem' | 'b64text';
  unwrap(pkg: { files: Record<string, string> }): Buffer;
  materialBytes?: number;
};

const rsaFiles = (k: WrappingKey, opts: string[]) => (pkg: { files: Record<string, string> }) => {
  const bin = file(pkg, 'EncryptedKeyMaterial.bin');
  assert.equal(file(pkg, 'EncryptedKeyMaterial_base64.txt').toString(), bin.toString('base64'));
  return pkeyDecrypt(k, bin, opts);
};

const CASES: Case[] = [
  { name: 'tianyi OAEP-SHA-256 AES_256', req: { target: 'tianyi', wrappingAlgorithm: 'RSAES_OAEP_SHA_256', keySpec: 'AES_256', importToken: b64('tianyi-token') }, key: 'rsa2048', form: 'b64text', unwrap: rsaFiles('rsa2048', oaepOpts('sha256')), materialBytes: 32 },
  { name: 'tianyi OAEP-SHA-1 SM4', req: { target: 'tianyi', wrappingAlgorithm: 'RSAES_OAEP_SHA_1', keySpec: 'SM4' }, key: 'rsa2048', form: 'b64text', unwrap: rsaFiles('rsa2048', oaepOpts('sha1')), materialBytes: 16 },
  { name: 'tencent PKCS#1 v1.5 AES_256', req: { target: 'tencent', wrappingAlgorithm: 'RSAES_PKCS1_V1_5', keySpec: 'AES_256' }, key: 'rsa2048', form: 'der', unwrap: rsaFiles('rsa2048', ['-pkeyopt', 'rsa_padding_mode:pkcs1']), materialBytes: 32 },
  { name: 'alibaba SM2PKE SM4', req: { target: 'alibaba', wrappingAlgorithm: 'SM2PKE', keySpec: 'SM4' }, key: 'sm2', form: 'b64text', unwrap: rsaFiles('sm2', []), materialBytes: 16 },
  { name: 'aws OAEP-SHA-256 AES_256', req: { target: 'aws', wrappingAlgorithm: 'RSAES_OAEP_SHA_256', keySpec: 'AES_256', importToken: b64('aws-token-bytes'), region: 'eu-west-1' }, key: 'rsa3072', form: 'der', unwrap: rsaFiles('rsa3072', oaepOpts('sha256')), materialBytes: 32 },
  { name: 'aws RSA_AES_KEY_WRAP_SHA_256 EC_P256', req: { target: 'aws', wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256', keySpec: 'EC_P256' }, key: 'rsa2048', form: 'der', unwrap: (p) => unwrapRsaAes('rsa2048', file(p, 'EncryptedKeyMaterial.bin'), 'sha256') },
  { name: 'aws RSA_AES_KEY_WRAP_SHA_1 AES_256', req: { target: 'aws', wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_1', keySpec: 'AES_256' }, key: 'rsa4096', form: 'der', unwrap: (p) => unwrapRsaAes('rsa4096', file(p, 'EncryptedKeyMaterial.bin'), 'sha1'), materialBytes: 32 },
  { name: 'aws China SM2PKE SM4', req: { target: 'aws', wrappingAlgorithm: 'SM2PKE', keySpec: 'SM4', region: 'cn-north-1' }, key: 'sm2', form: 'der', unwrap: rsaFiles('sm2', []), materialBytes: 16 },
  { name: 'gcp rsa-oaep-3072-sha256-aes-256 RSA_2048', req: { target: 'gcp', wrappingAlgorithm: 'rsa-oaep-3072-sha256-aes-256', keySpec: 'RSA_2048' }, key: 'rsa3072', form: 'pem', unwrap: (p) => unwrapRsaAes('rsa3072', file(p, 'wrapped-key.bin'), 'sha256') },
  { name: 'gcp rsa-oaep-4096-sha1-aes-256 AES_256', req: { target: 'gcp', wrappingAlgorithm: 'rsa-oaep-4096-sha1-aes-256', keySpec: 'AES_256' }, key: 'rsa4096', form: 'pem', unwrap: (p) => unwrapRsaAes('rsa4096', file(p, 'wrapped-key.bin'), 'sha1'), materialBytes: 32 },
  { name: 'gcp rsa-oaep-3072-sha256 AES_256', req: { target: 'gcp', wrappingAlgorithm: 'rsa-oaep-3072-sha256', keySpec: 'AES_256' }, key: 'rsa3072', form: 'pem', unwrap: (p) => pkeyDecrypt('rsa3072', file(p, 'wrapped-key.bin'), oaepOpts('sha256')), materialBytes: 32 },
  {
    name: 'azure .byok RSA_2048',
    req: { target: 'azure', wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_1', keySpec: 'RSA_2048', wrappingKeyId: 'https://contoso.vault.azure.net/keys/KEKforBYOK/0123456789abcdef' },
    key: 'rsa2048',
    form: 'pem',
    unwrap: (p) => {
      const byok = JSON.parse(file(p, 'KeyTransferPackage.byok').toString()) as { schema_version: string; header: Record<string, string>; ciphertext: string; generator: string };
      assert.deepEqual(byok.header, { kid: 'https://contoso.vault.azure.net/keys/KEKforBYOK/0123456789abcdef', alg: 'dir', enc: 'CKM_RSA_AES_KEY_WRAP' });
      assert.equal(byok.schema_version, '1.0.0');
      assert.match(byok.ciphertext, /^[A-Za-z0-9_-]+$/);
      assert.ok(byok.generator.length > 0);
      return unwrapRsaAes('rsa2048', Buffer.from(byok.ciphertext, 'base64url'), 'sha1');
    },
  },
  {
    name: 'vault transit AES_256',
    req: { target: 'vault', wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256', keySpec: 'AES_256' },
    key: 'rsa4096',
    form: 'pem',
    unwrap: (p) => {
      const body = JSON.parse(file(p, 'import-request.json').toString()) as { ciphertext: string; hash_function: string; type: string };
      assert.deepEqual([body.hash_function, body.type], ['SHA256', 'aes256-gcm96']);
      assert.equal(file(p, 'ciphertext.txt').toString(), body.ciphertext);
      return unwrapRsaAes('rsa4096', Buffer.from(body.ciphertext, 'base64'), 'sha256');
    },
    materialBytes: 32,
  },
];

describe('prepareByok: every target profile, unwrapped independently', () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const v = await byokVault();
      try {
        const pkg = await v.api.prepareByok({ ...c.req, publicKey: publicKeyFile(c.key, c.form) });
        const material = escrowed(v, pkg.escrowId);
        if (c.materialBytes) assert.equal(material.length, c.materialBytes);
        assert.deepEqual(c.unwrap(pkg), material);
        const manifest = JSON.parse(file(pkg, 'byok-manifest.json').toString()) as { escrowId: string; target: string };
        assert.deepEqual([manifest.escrowId, manifest.target], [pkg.escrowId, c.req.target]);
        assert.ok(!JSON.stringify(pkg).includes(material.toString('base64')), 'material never in the clear');
        if (c.req.importToken) assert.ok(Object.values(pkg.files).includes(c.req.importToken), 'token copied beside the package');
        if (c.req.keySpec === 'EC_P256' || c.req.keySpec === 'RSA_2048') {
          writeFileSync(join(keys, 'p8.der'), material);
          assert.match(openssl(['pkey', '-inform', 'der', '-in', 'p8.der', '-noout', '-text'], keys).toString(), /Private-Key/);
        }
      } finally {
        v.cleanup();
      }
    });
  }

  test('rules are checked before anything is generated: refusals change nothing', async () => {
    const v = await byokVault();
    try {
      const before = snapshot(v.kw);
      const refusals: Array<[string, RequestOf<'prepareByok'>]> = [
        ['InvalidParameter', { target: 'aws', wrappingAlgorithm: 'RSAES_PKCS1_V1_5', keySpec: 'AES_256', publicKey: publicKeyFile('rsa2048', 'der') }],
        ['InvalidParameter', { target: 'aws', wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256', keySpec: 'AES_256', region: 'cn-north-1', publicKey: publicKeyFile('rsa2048', 'der') }],
        ['InvalidParameter', { target: 'aws', wrappingAlgorithm: 'SM2PKE', keySpec: 'SM4', publicKey: publicKeyFile('sm2', 'der') }],
        ['InvalidParameter', { target: 'aws', wrappingAlgorithm: 'RSAES_OAEP_SHA_256', keySpec: 'AES_256', region: 'cn-northwest-1', publicKey: publicKeyFile('rsa2048', 'der') }],
        ['InvalidParameter', { target: 'aws', wrappingAlgorithm: 'RSAES_OAEP_SHA_256', keySpec: 'RSA_2048', publicKey: publicKeyFile('rsa2048', 'der') }],
        ['InvalidParameter', { target: 'tianyi', wrappingAlgorithm: 'SM2PKE', keySpec: 'SM4', publicKey: publicKeyFile('sm2', 'der') }],
        ['InvalidParameter', { target: 'tianyi', wrappingAlgorithm: 'RSAES_OAEP_SHA_256', keySpec: 'AES_256', region: 'cn-north-1', publicKey: publicKeyFile('rsa2048', 'der') }],
        ['InvalidPublicKey', { target: 'tianyi', wrappingAlgorithm: 'RSAES_OAEP_SHA_256', keySpec: 'AES_256', publicKey: publicKeyFile('rsa3072', 'der') }],
        ['InvalidPublicKey', { target: 'alibaba', wrappingAlgorithm: 'SM2PKE', keySpec: 'SM4', publicKey: publicKeyFile('rsa2048', 'der') }],
        ['InvalidParameter', { target: 'alibaba', wrappingAlgorithm: 'SM2PKE', keySpec: 'AES_256', publicKey: publicKeyFile('sm2', 'der') }],
        ['InvalidParameter', { target: 'gcp', wrappingAlgorithm: 'rsa-oaep-3072-sha256', keySpec: 'RSA_2048', publicKey: publicKeyFile('rsa3072', 'pem') }],
        ['InvalidPublicKey', { target: 'gcp', wrappingAlgorithm: 'rsa-oaep-3072-sha256-aes-256', keySpec: 'AES_256', publicKey: publicKeyFile('rsa4096', 'pem') }],
        ['InvalidParameter', { target: 'gcp', wrappingAlgorithm: 'RSAES_OAEP_SHA_256', keySpec: 'AES_256', publicKey: publicKeyFile('rsa3072', 'pem') }],
        ['InvalidParameter', { target: 'gcp', wrappingAlgorithm: 'rsa-oaep-3072-sha256', keySpec: 'AES_256', importToken: b64('x'), publicKey: publicKeyFile('rsa3072', 'pem') }],
        ['MissingParameter', { target: 'azure', wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_1', keySpec: 'RSA_2048', publicKey: publicKeyFile('rsa2048', 'pem') }],
        ['InvalidParameter', { target: 'azure', wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256', keySpec: 'RSA_2048', wrappingKeyId: 'kid', publicKey: publicKeyFile('rsa2048', 'pem') }],
        ['InvalidParameter', { target: 'vault', wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256', keySpec: 'SM4', publicKey: publicKeyFile('rsa4096', 'pem') }],
        ['InvalidParameter', { target: 'vault', wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256', keySpec: 'AES_256', tokenExpiresAt: new Date(v.clock.now() + HOUR).toISOString(), publicKey: publicKeyFile('rsa4096', 'pem') }],
        ['ImportTokenExpired', { target: 'tencent', wrappingAlgorithm: 'RSAES_OAEP_SHA_256', keySpec: 'AES_256', tokenExpiresAt: new Date(v.clock.now() - HOUR).toISOString(), publicKey: publicKeyFile('rsa2048', 'der') }],
        ['InvalidPublicKey', { target: 'tencent', wrappingAlgorithm: 'RSAES_OAEP_SHA_256', keySpec: 'AES_256', publicKey: b64('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n') }],
      ];
      for (const [code, req] of refusals) {
        await rejects(v.api.prepareByok(req), code);
        assert.equal(snapshot(v.kw), before, `${req.target}/${req.wrappingAlgorithm} changed the catalogue`);
      }
    } finally {
      v.cleanup();
    }
  });

  test('token expiry is tracked and warned about; the escrow re-wraps the same material for a new wrapping key', async () => {
    const v = await byokVault();
    try {
      const tencent = await v.api.prepareByok({ target: 'tencent', wrappingAlgorithm: 'RSAES_OAEP_SHA_256', keySpec: 'AES_256', publicKey: publicKeyFile('rsa2048', 'der') });
      const gcp = await v.api.prepareByok({ target: 'gcp', wrappingAlgorithm: 'rsa-oaep-3072-sha256', keySpec: 'AES_256', publicKey: publicKeyFile('rsa3072', 'pem') });
      await v.api.prepareByok({ target: 'vault', wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256', keySpec: 'AES_256', publicKey: publicKeyFile('rsa4096', 'pem') });
      assert.equal(tencent.tokenExpiresAt, new Date(v.clock.now() + 24 * HOUR).toISOString());
      assert.equal(gcp.tokenExpiresAt, new Date(v.clock.now() + 72 * HOUR).toISOString());
      const status = async () => Object.fromEntries((await v.api.listByokPackages({})).packages.map((p) => [p.target, [p.tokenStatus, p.warning !== null]]));
      assert.deepEqual(await status(), { tencent: ['valid', false], gcp: ['valid', false], vault: ['none', false] });
      v.clock.advance(19 * HOUR);
      assert.deepEqual(await status(), { tencent: ['expiring', true], gcp: ['valid', false], vault: ['none', false] });
      v.clock.advance(6 * HOUR);
      assert.deepEqual(await status(), { tencent: ['expired', true], gcp: ['valid', false], vault: ['none', false] });
      v.clock.advance(42 * HOUR);
      assert.deepEqual(await status(), { tencent: ['expired', true], gcp: ['expiring', true], vault: ['none', false] });
      assert.equal((await v.api.listByokPackages({ target: 'gcp' })).totalCount, 1);

      // Tencent's copy lapsed: new wrapping key from Tencent, same material from escrow.
      openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'fresh.pem'], v.work);
      openssl(['pkey', '-in', 'fresh.pem', '-pubout', '-outform', 'der', '-out', 'fresh.der'], v.work);
      const again = await v.api.rewrapByokEscrow({ escrowId: tencent.escrowId, target: 'tencent', wrappingAlgorithm: 'RSAES_OAEP_SHA_1', publicKey: b64(readFileSync(join(v.work, 'fresh.der'))) });
      assert.equal(again.escrowId, tencent.escrowId);
      assert.notEqual(again.packageId, tencent.packageId);
      writeFileSync(join(v.work, 'again.bin'), file(again, 'EncryptedKeyMaterial.bin'));
      openssl(['pkeyutl', '-decrypt', '-inkey', 'fresh.pem', '-in', 'again.bin', '-out', 'again.out', ...oaepOpts('sha1')], v.work);
      assert.deepEqual(readFileSync(join(v.work, 'again.out')), escrowed(v, tencent.escrowId));
      const escrow = await v.api.getByokEscrow({ escrowId: tencent.escrowId });
      assert.equal(escrow.keySpec, 'AES_256');
      assert.deepEqual(escrow.packages.map((p) => p.tokenStatus), ['valid', 'expired']);
      await rejects(v.api.getByokEscrow({ escrowId: '00000000-0000-4000-8000-000000000000' }), 'KeyNotFound');
      // An escrow keeps its key spec: SM4 targets cannot take an AES_256 escrow.
      await rejects(v.api.rewrapByokEscrow({ escrowId: tencent.escrowId, target: 'alibaba', wrappingAlgorithm: 'SM2PKE', publicKey: publicKeyFile('sm2', 'der') }), 'InvalidParameter');
    } finally {
      v.cleanup();
    }
  });
});
