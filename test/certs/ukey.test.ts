import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certVault, rejectsWith, SM2_ID, unchanged, b64, OpensslDir, type CertVault } from './harness.ts';
import { kw } from '../helpers/cli.ts';
import { SoftHsmFixture, USER_PIN } from '../pkcs11/softhsm.ts';

describe('UKey certificates: import, verify a signature made with the token-side key, status and delete', () => {
  let v: CertVault;
  before(async () => {
    v = await certVault();
    v.ssl.selfSignedCa('ca', 'sm2', '/C=CN/O=Officers/CN=Officer CA');
    v.ssl.issue('officer-sm2', 'sm2', '/C=CN/O=Officers/CN=Officer Zhang', 'ca');
    v.ssl.issue('officer-rsa', 'rsa:2048', '/C=CN/O=Officers/CN=Officer Li', 'ca');
  });
  after(() => v.done());

  test('SM2 (PEM) and RSA (base64 DER) certificates import; signatures made by openssl with the matching keys verify', async () => {
    const sm2 = await v.api.importCertificateForUK({ certificate: v.ssl.text('officer-sm2.pem'), certificateChain: v.ssl.text('ca.pem'), name: 'zhang' });
    assert.equal(sm2.certificate.kind, 'UKEY');
    assert.equal(sm2.certificate.status, 'Enabled');
    assert.equal(sm2.certificate.keySpec, 'SM2');
    assert.equal(sm2.certificate.exportable, false);
    assert.equal(sm2.certificate.signatureAlgorithm, 'SM2-with-SM3');
    v.ssl.run(['x509', '-in', 'officer-rsa.pem', '-outform', 'DER', '-out', 'officer-rsa.der']);
    const der = v.ssl.read('officer-rsa.der');
    const rsa = await v.api.importCertificateForUK({ certificate: der.toString('base64'), certificateChain: v.ssl.text('ca.pem') });
    assert.equal(rsa.certificate.name, 'Officer Li');
    assert.equal(rsa.certificate.keySpec, 'RSA_2048');

    const challenge = Buffer.from('challenge 7f3a for officer login');
    v.ssl.write('challenge.bin', challenge);
    v.ssl.run(['pkeyutl', '-sign', '-inkey', 'officer-sm2.key', '-in', 'challenge.bin', '-out', 'sm2.sig', '-rawin', '-digest', 'sm3', '-pkeyopt', `distid:${SM2_ID}`]);
    v.ssl.run(['dgst', '-sha256', '-sign', 'officer-rsa.key', '-out', 'rsa.sig', 'challenge.bin']);
    const verify = (certificateId: string, algorithm: 'SM2DSA' | 'RSA_PKCS1_SHA_256', message: Buffer, sig: Buffer) =>
      v.api.certificatePublicKeyVerifyForUsbKey({ certificateId, algorithm, message: b64(message), signature: sig.toString('base64') });
    assert.equal((await verify(sm2.certificateId, 'SM2DSA', challenge, v.ssl.read('sm2.sig'))).signatureValid, true);
    assert.equal((await verify(rsa.certificateId, 'RSA_PKCS1_SHA_256', challenge, v.ssl.read('rsa.sig'))).signatureValid, true);
    assert.equal((await verify(sm2.certificateId, 'SM2DSA', Buffer.from('another challenge'), v.ssl.read('sm2.sig'))).signatureValid, false);
    assert.equal((await verify(rsa.certificateId, 'RSA_PKCS1_SHA_256', challenge, v.ssl.read('sm2.sig'))).signatureValid, false);
    await rejectsWith(verify(rsa.certificateId, 'SM2DSA', challenge, v.ssl.read('sm2.sig')), 'InvalidParameter');

    const got = await v.api.getCertificateForUk({ certificateId: sm2.certificateId });
    assert.equal(got.certificate.replace(/\s/g, ''), v.ssl.text('officer-sm2.pem').replace(/\s/g, ''));
    const list = await v.api.listCertificateForUk({});
    assert.deepEqual(list.certificates.map((c) => c.name).sort(), ['Officer Li', 'zhang']);
    // The two kinds never see each other's certificates.
    await rejectsWith(v.api.describeCertificate({ certificateId: sm2.certificateId }), 'CertificateNotFound');
    await rejectsWith(v.api.certificatePublicKeyVerify({ certificateId: sm2.certificateId, algorithm: 'SM2DSA', message: b64(challenge), signature: v.ssl.read('sm2.sig').toString('base64') }), 'CertificateNotFound');
    assert.equal((await v.api.listCertificate({})).totalCount, 0);
    assert.equal((v.kw.services.db.prepare("SELECT count(*) AS n FROM certificates WHERE kind = 'UKEY' AND sealed_private_key IS NOT NULL").get() as { n: number }).n, 0);

    // Disabled: no verification; enabled again: verification; revoked: final.
    await v.api.updateCertificateStatusForUk({ certificateId: sm2.certificateId, status: 'Disabled' });
    await unchanged(v, () => rejectsWith(verify(sm2.certificateId, 'SM2DSA', challenge, v.ssl.read('sm2.sig')), 'InvalidCertificateState'));
    await v.api.updateCertificateStatusForUk({ certificateId: sm2.certificateId, status: 'Enabled' });
    assert.equal((await verify(sm2.certificateId, 'SM2DSA', challenge, v.ssl.read('sm2.sig'))).signatureValid, true);
    await v.api.updateCertificateStatusForUk({ certificateId: sm2.certificateId, status: 'Revoked' });
    await unchanged(v, async () => {
      await rejectsWith(v.api.updateCertificateStatusForUk({ certificateId: sm2.certificateId, status: 'Enabled' }), 'InvalidCertificateState');
      await rejectsWith(verify(sm2.certificateId, 'SM2DSA', challenge, v.ssl.read('sm2.sig')), 'InvalidCertificateState');
    });
    await v.api.deleteCertificateForUk({ certificateId: sm2.certificateId });
    await rejectsWith(v.api.describeCertificateForUk({ certificateId: sm2.certificateId }), 'CertificateNotFound');
  });

  test('malformed certificates and half-named token objects are refused, changing nothing', async () => {
    await unchanged(v, async () => {
      await rejectsWith(v.api.importCertificateForUK({ certificate: 'not base64 !!' }), 'CertificateInvalid');
      await rejectsWith(v.api.importCertificateForUK({ certificate: b64('random bytes, not DER') }), 'CertificateInvalid');
      await rejectsWith(v.api.importCertificateForUK({ certificate: v.ssl.text('officer-sm2.pem').slice(0, 300) }), 'CertificateInvalid');
      await rejectsWith(v.api.importCertificateForUK({ certificate: v.ssl.text('officer-sm2.pem'), tokenLabel: 'UKey' }), 'InvalidParameter');
    });
  });
});

describe('kw cert / kw ukey on the command line, with a SoftHSM2 token holding the officer certificate', () => {
  let fx: SoftHsmFixture;
  let ssl: OpensslDir;
  let vault: string;
  before(() => {
    fx = new SoftHsmFixture('ukeycli');
    fx.initToken('UKey');
    ssl = new OpensslDir();
    vault = join(mkdtempSync(join(tmpdir(), 'kw-certcli-')), 'vault');
    ssl.selfSignedCa('ca', 'rsa:2048', '/CN=CLI CA');
    ssl.issue('officer', 'ec', '/CN=Officer Wang', 'ca');
    ssl.run(['x509', '-in', 'officer.pem', '-outform', 'DER', '-out', 'officer.der']);
    fx.pkcs11Tool(['--token-label', 'UKey', '--login', '--pin', USER_PIN, '--write-object', ssl.path('officer.der'), '--type', 'cert', '--label', 'officer-wang', '--id', 'a1b2']);
  });
  after(() => {
    fx.cleanup();
    ssl.cleanup();
    rmSync(join(vault, '..'), { recursive: true, force: true });
  });

  test('cert create writes a CSR openssl verifies; cert import takes the issued certificate; cert list shows it', () => {
    assert.equal(kw(vault, ['init']).status, 0);
    const csrFile = ssl.path('cli.csr');
    const created = kw(vault, ['cert', 'create', '--cn', 'cli.example.cn', '--c', 'CN', '--o', 'Keywarden', '--ou', 'A', '--ou', 'B', '--san', 'dns:cli.example.cn', '--spec', 'SM2', '--csr-out', csrFile]);
    assert.equal(created.status, 0, created.err);
    const { certificateId } = created.json() as { certificateId: string };
    assert.ok(ssl.csrVerifies(csrFile, ['-vfyopt', `distid:${SM2_ID}`]));
    ssl.signCsr(csrFile, 'ca', 'cli.pem');
    const imported = kw(vault, ['cert', 'import', '--id', certificateId, '--cert', ssl.path('cli.pem'), '--chain', ssl.path('ca.pem')]);
    assert.equal(imported.status, 0, imported.err);
    const listed = kw(vault, ['cert', 'list', '--spec', 'SM2']).json() as { certificates: Array<{ certificateId: string; status: string }> };
    assert.deepEqual(listed.certificates.map((c) => [c.certificateId, c.status]), [[certificateId, 'Enabled']]);
    const bad = kw(vault, ['cert', 'create', '--cn', 'x', '--c', 'China', '--spec', 'SM2']);
    assert.equal(bad.status, 1);
    assert.equal(JSON.parse(bad.err).code, 'InvalidParameter');
  });

  test('cert import-p12 reads the password from KW_P12_PASSWORD', () => {
    ssl.issue('p12', 'rsa:2048', '/CN=p12 cli', 'ca');
    ssl.run(['pkcs12', '-export', '-inkey', 'p12.key', '-in', 'p12.pem', '-certfile', 'ca.pem', '-out', 'cli.p12', '-passout', 'pass:cli pw']);
    const r = kw(vault, ['cert', 'import-p12', '--in', ssl.path('cli.p12')], { KW_P12_PASSWORD: 'cli pw' });
    assert.equal(r.status, 0, r.err);
    assert.equal((r.json() as { certificate: { chainComplete: boolean } }).certificate.chainComplete, true);
    const wrong = kw(vault, ['cert', 'import-p12', '--in', ssl.path('cli.p12')], { KW_P12_PASSWORD: 'nope' });
    assert.equal(JSON.parse(wrong.err).code, 'Pkcs12PasswordIncorrect');
  });

  test('ukey certs lists the token object; ukey import reads it off the token; a token-made signature verifies', () => {
    const env = { SOFTHSM2_CONF: fx.conf };
    const listed = kw(vault, ['ukey', 'certs', '--module', fx.module, '--token-label', 'UKey'], env);
    assert.equal(listed.status, 0, listed.err);
    const objs = listed.json() as Array<{ label: string; objectId: string; subject: string; keySpec: string }>;
    assert.deepEqual(objs.map((o) => [o.label, o.objectId, o.subject, o.keySpec]), [['officer-wang', 'a1b2', 'CN=Officer Wang', 'EC_P256']]);
    const imported = kw(vault, ['ukey', 'import', '--module', fx.module, '--token-label', 'UKey', '--object-id', 'A1B2', '--chain', ssl.path('ca.pem')], env);
    assert.equal(imported.status, 0, imported.err);
    const cert = (imported.json() as { certificateId: string; certificate: { name: string; tokenLabel: string; tokenObjectId: string } });
    assert.deepEqual([cert.certificate.name, cert.certificate.tokenLabel, cert.certificate.tokenObjectId], ['officer-wang', 'UKey', 'a1b2']);
    ssl.write('m.bin', 'cli challenge');
    ssl.run(['dgst', '-sha256', '-sign', 'officer.key', '-out', 'm.sig', 'm.bin']);
    const req = { certificateId: cert.certificateId, algorithm: 'ECDSA_SHA_256', message: b64('cli challenge'), signature: ssl.read('m.sig').toString('base64') };
    const verified = kw(vault, ['api', 'certificatePublicKeyVerifyForUsbKey', JSON.stringify(req)]);
    assert.equal(verified.status, 0, verified.err);
    assert.equal((verified.json() as { signatureValid: boolean }).signatureValid, true);
    const missing = kw(vault, ['ukey', 'import', '--module', fx.module, '--token-label', 'UKey', '--object-id', 'ffff'], env);
    assert.equal(JSON.parse(missing.err).code, 'CertificateNotFound');
  });
});
