// UKey certificates: certificate objects written by OpenSC's pkcs11-tool (certs made
// with the openssl CLI) are read back as DER with label and CKA_ID; a challenge signed
// by the token key with the same CKA_ID verifies against the certificate's public key.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate, createVerify } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TokenBridge } from '../../core/pkcs11/bridge.ts';
import { SoftHsmFixture, USER_PIN } from './softhsm.ts';

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

describe('certificates on a SoftHSM2 token', () => {
  const fx = new SoftHsmFixture('certs');
  let bridge: TokenBridge;
  let tok: { serial: string };

  before(async () => {
    tok = { serial: fx.initToken('UKey') };
    bridge = new TokenBridge({ modulePath: fx.module, env: fx.env });
    // A CA key and two self-signed certificates (RSA and SM2) made with the openssl CLI.
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-subj', '/CN=Keywarden Test CA', '-days', '30', '-outform', 'DER', '-out', 'ca.der'], fx.dir);
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:SM2', '-out', 'sm2.key'], fx.dir);
    openssl(['req', '-x509', '-key', 'sm2.key', '-sm3', '-subj', '/CN=SM2 Officer', '-days', '30', '-outform', 'DER', '-out', 'sm2.der'], fx.dir);
    fx.pkcs11Tool(['--token-label', 'UKey', '--login', '--pin', USER_PIN, '--write-object', join(fx.dir, 'ca.der'), '--type', 'cert', '--label', 'test-ca', '--id', 'ca01']);
    fx.pkcs11Tool(['--token-label', 'UKey', '--login', '--pin', USER_PIN, '--write-object', join(fx.dir, 'sm2.der'), '--type', 'cert', '--label', 'sm2-officer', '--id', '5302']);
  });
  after(async () => {
    await bridge.close();
    fx.cleanup();
  });

  test('lists certificate objects with exact DER, label and id (no login needed)', async () => {
    const certs = await bridge.listCertificates(tok);
    const byLabel = new Map(certs.map((c) => [c.label, c]));
    const ca = byLabel.get('test-ca');
    const sm2 = byLabel.get('sm2-officer');
    assert.ok(ca && sm2);
    assert.equal(ca.idHex, 'ca01');
    assert.equal(sm2.idHex, '5302');
    assert.deepEqual(Buffer.from(ca.der), readFileSync(join(fx.dir, 'ca.der')));
    assert.deepEqual(Buffer.from(sm2.der), readFileSync(join(fx.dir, 'sm2.der')));
    assert.equal(new X509Certificate(Buffer.from(ca.der)).subject, 'CN=Keywarden Test CA');
  });

  test("the officer's challenge signed by the token key verifies against the token certificate", async () => {
    await bridge.login(tok, USER_PIN);
    const key = await bridge.generateKey(tok, 'EC_P256', 'officer');
    const pub = Buffer.from(await bridge.publicKeySpki(tok, key.idHex));
    writeFileSync(join(fx.dir, 'officer-pub.der'), pub);
    openssl(['pkey', '-pubin', '-inform', 'DER', '-in', 'officer-pub.der', '-out', 'officer-pub.pem'], fx.dir);
    openssl(['x509', '-inform', 'DER', '-in', 'ca.der', '-out', 'ca.pem'], fx.dir);
    openssl(['req', '-new', '-key', 'ca.key', '-subj', '/CN=Officer One', '-out', 'officer.csr'], fx.dir);
    openssl(['x509', '-req', '-in', 'officer.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-force_pubkey', 'officer-pub.pem', '-days', '30', '-outform', 'DER', '-out', 'officer.der'], fx.dir);
    fx.pkcs11Tool(['--token-label', 'UKey', '--login', '--pin', USER_PIN, '--write-object', join(fx.dir, 'officer.der'), '--type', 'cert', '--label', 'officer', '--id', key.idHex]);

    const cert = (await bridge.listCertificates(tok)).find((c) => c.idHex === key.idHex);
    assert.ok(cert);
    const x509 = new X509Certificate(Buffer.from(cert.der));
    assert.equal(x509.subject, 'CN=Officer One');
    const challenge = Buffer.from('keywarden officer challenge 0001');
    const sig = await bridge.sign(tok, cert.idHex, 'ECDSA_SHA_256', { message: challenge });
    assert.ok(createVerify('sha256').update(challenge).verify(x509.publicKey, Buffer.from(sig)));
    assert.ok(!createVerify('sha256').update(Buffer.from('another challenge')).verify(x509.publicKey, Buffer.from(sig)));
  });
});
