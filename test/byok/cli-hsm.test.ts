// `kw byok prepare --source HSM` end to end: the real binary logs in to a SoftHSM2 token
// (PIN from the environment), the token generates and wraps the material, and the file
// written to --out unwraps with openssl.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kw } from '../helpers/cli.ts';
import { SoftHsmFixture, USER_PIN } from '../pkcs11/softhsm.ts';
import { openssl } from './harness.ts';

describe('kw byok prepare --source HSM on SoftHSM2', () => {
  const fx = new SoftHsmFixture('byok-cli');
  let dir: string;
  let vault: string;
  const env = () => ({ SOFTHSM2_CONF: fx.conf, KW_TOKEN_PIN: USER_PIN });
  before(() => {
    fx.initToken('KW-byok-cli');
    dir = mkdtempSync(join(tmpdir(), 'kw-byok-cli-hsm-'));
    vault = join(dir, 'vault');
    openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'target.pem'], dir);
    openssl(['pkey', '-in', 'target.pem', '-pubout', '-outform', 'der', '-out', 'target.der'], dir);
    assert.equal(kw(vault, ['init'], env()).status, 0);
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    fx.cleanup();
  });

  test('writes EncryptedKeyMaterial.bin made on the token; OAEP-SHA256 is refused as NotSupportedByToken', () => {
    const args = ['--module', fx.module, '--token-label', 'KW-byok-cli', 'byok', 'prepare', '--target', 'tianyi', '--public-key', join(dir, 'target.der'), '--key-spec', 'AES_256', '--source', 'hsm'];
    const r = kw(vault, [...args, '--algorithm', 'RSAES_OAEP_SHA_1', '--out', join(dir, 'out')], env());
    assert.equal(r.status, 0, r.err);
    openssl(['pkeyutl', '-decrypt', '-inkey', 'target.pem', '-in', 'out/EncryptedKeyMaterial.bin', '-out', 'material.bin',
      '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha1', '-pkeyopt', 'rsa_mgf1_md:sha1'], dir);
    assert.equal(readFileSync(join(dir, 'material.bin')).length, 32);
    const refused = kw(vault, [...args, '--algorithm', 'RSAES_OAEP_SHA_256', '--out', join(dir, 'out2')], env());
    assert.notEqual(refused.status, 0);
    assert.match(refused.err, /NotSupportedByToken/);
  });
});
