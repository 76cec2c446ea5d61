// BYOK wrapping inside a real SoftHSM2 token: material generated there leaves only
// wrapped. Each output is unwrapped independently (openssl pkeyutl for RSA, node:crypto
// id-aes256-wrap-pad for KWP) and compared with what the escrow copy re-wraps to.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createDecipheriv, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KwError } from '../../core/api/errors.ts';
import { TokenBridge } from '../../core/pkcs11/bridge.ts';
import { rewrapEscrow, wrapNewMaterial } from '../../core/pkcs11/wrap-client.ts';
import { SoftHsmFixture, USER_PIN } from './softhsm.ts';

const code = (c: string) => (e: unknown) => e instanceof KwError && e.code === c;

describe('BYOK wrapping on SoftHSM2', () => {
  const fx = new SoftHsmFixture('wrap');
  let bridge: TokenBridge;
  let tok: { serial: string };
  let dir: string;
  let spki: Buffer;
  const ossl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const pkey = (data: Buffer, opts: string[]): Buffer => {
    writeFileSync(join(dir, 'in.bin'), data);
    ossl(['pkeyutl', '-decrypt', '-inkey', 'target.pem', '-in', 'in.bin', '-out', 'out.bin', ...opts]);
    return readFileSync(join(dir, 'out.bin'));
  };
  const oaep = (md: string) => ['-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', `rsa_oaep_md:${md}`, '-pkeyopt', `rsa_mgf1_md:${md}`];
  const kwp = (key: Buffer, data: Buffer) => {
    const d = createDecipheriv('id-aes256-wrap-pad', key, Buffer.from('a65959a6', 'hex'));
    return Buffer.concat([d.update(data), d.final()]);
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kw-wrap-'));
    ossl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'target.pem']);
    spki = ossl(['pkey', '-in', 'target.pem', '-pubout', '-outform', 'der']);
    tok = { serial: fx.initToken('Wrap') };
    bridge = new TokenBridge({ modulePath: fx.module, env: fx.env });
    await bridge.login(tok, USER_PIN);
  });
  after(async () => {
    await bridge.close();
    fx.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  test('AES-256 and 16-byte secrets under OAEP-SHA1 and PKCS#1 v1.5; the escrow re-wraps to the same bytes', async () => {
    for (const [material, bytes] of [['AES_256', 32], ['GENERIC_SECRET_16', 16]] as const) {
      const r = await wrapNewMaterial(bridge, tok, material, spki, { kind: 'rsa-oaep', hash: 'SHA-1' }, `escrow-${material}`);
      const m1 = pkey(Buffer.from(r.wrapped), oaep('sha1'));
      assert.equal(m1.length, bytes);
      const again = await rewrapEscrow(bridge, tok, material, { keyIdHex: r.escrowKeyIdHex, blob: r.escrowBlob }, spki, { kind: 'rsa-pkcs1' });
      assert.deepEqual(pkey(Buffer.from(again), ['-pkeyopt', 'rsa_padding_mode:pkcs1']), m1);
      const [info] = await bridge.findKey(tok, r.escrowKeyIdHex);
      assert.deepEqual({ cls: info?.objectClass, token: info?.token, s: info?.sensitive, x: info?.extractable, label: info?.label }, { cls: 'secret', token: true, s: true, x: false, label: `escrow-${material}` });
    }
  });

  test('RSA and EC private keys as PKCS#8 under RSA-OAEP-SHA1 + AES-KWP; rewrap gives the same key', async () => {
    for (const [material, type] of [['RSA_2048', 'rsa'], ['EC_P256', 'ec']] as const) {
      const r = await wrapNewMaterial(bridge, tok, material, spki, { kind: 'rsa-aes-kwp', hash: 'SHA-1' }, 'escrow-pair');
      const w = Buffer.from(r.wrapped);
      const pk8 = kwp(pkey(w.subarray(0, 256), oaep('sha1')), w.subarray(256));
      assert.equal(createPrivateKey({ key: pk8, format: 'der', type: 'pkcs8' }).asymmetricKeyType, type);
      const again = Buffer.from(await rewrapEscrow(bridge, tok, material, { keyIdHex: r.escrowKeyIdHex, blob: r.escrowBlob }, spki, { kind: 'rsa-aes-kwp', hash: 'SHA-1' }));
      assert.deepEqual(kwp(pkey(again.subarray(0, 256), oaep('sha1')), again.subarray(256)), pk8);
    }
  });

  test('SoftHSM2 2.6 refuses OAEP-SHA256 wrapping: NotSupportedByToken, and no object is left behind', async () => {
    const before = fx.pkcs11Tool(['--token-label', 'Wrap', '--login', '--pin', USER_PIN, '--list-objects']);
    for (const scheme of [{ kind: 'rsa-oaep', hash: 'SHA-256' }, { kind: 'rsa-aes-kwp', hash: 'SHA-256' }] as const) {
      await assert.rejects(wrapNewMaterial(bridge, tok, 'AES_256', spki, scheme, 'never'), (e: unknown) => code('NotSupportedByToken')(e) && /CKM_RSA_PKCS_OAEP \(SHA-256/.test((e as Error).message));
    }
    assert.equal(fx.pkcs11Tool(['--token-label', 'Wrap', '--login', '--pin', USER_PIN, '--list-objects']), before);
  });

  test('private keys never leave under plain RSA; a tampered escrow blob is refused', async () => {
    await assert.rejects(wrapNewMaterial(bridge, tok, 'EC_P256', spki, { kind: 'rsa-oaep', hash: 'SHA-1' }, 'x'), code('InvalidParameter'));
    const r = await wrapNewMaterial(bridge, tok, 'AES_256', spki, { kind: 'rsa-oaep', hash: 'SHA-1' }, 'escrow-tamper');
    const bad = Buffer.from(r.escrowBlob);
    bad[3]! ^= 1;
    await assert.rejects(rewrapEscrow(bridge, tok, 'AES_256', { keyIdHex: r.escrowKeyIdHex, blob: bad }, spki, { kind: 'rsa-oaep', hash: 'SHA-1' }), code('UnwrapFailed'));
  });
});
