// UKey certificates through the contract: certificate objects written onto the token
// with pkcs11-tool (as a CA's enrolment tool would), listed with parsed summaries,
// imported as UKey certificates, and the officer's challenge signed by the token's
// private key and verified against the imported certificate (and by openssl).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { b64, rejectsWith } from '../helpers/temp-vault.ts';
import { OpensslDir } from '../x509/openssl.ts';
import { hsmVault, USER_PIN, type HsmVault } from './harness.ts';

describe('UKey certificates and the officer signature on SoftHSM2', () => {
  let h: HsmVault;
  const ssl = new OpensslDir();
  const ids = { ec: 'a1', rsa: 'b2', sm2: 'c3' };
  before(async () => {
    ssl.selfSignedCa('ca', 'rsa:2048', '/CN=Keywarden Test Officer CA/O=Keywarden');
    const usage = { ext: 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n' };
    ssl.issue('ec', 'ec', '/CN=Officer Li/O=Keywarden', 'ca', usage);
    ssl.issue('rsa', 'rsa:2048', '/CN=Officer Zhang/O=Keywarden', 'ca', usage);
    ssl.issue('sm2', 'sm2', '/CN=Officer Wang SM2/O=Keywarden', 'ca', usage);
    for (const n of ['ec', 'rsa', 'sm2']) {
      ssl.run(['x509', '-in', `${n}.pem`, '-outform', 'DER', '-out', `${n}.der`]);
      ssl.run(['pkey', '-in', `${n}.key`, '-outform', 'DER', '-out', `${n}.key.der`]);
    }
    h = await hsmVault('ukey', {
      setup: (fx, label) => {
        const write = (file: string, type: string, id: string, name: string) =>
          fx.pkcs11Tool(['--token-label', label, '--login', '--pin', USER_PIN, '--write-object', ssl.path(file), '--type', type, '--id', id, '--label', name]);
        write('ec.key.der', 'privkey', ids.ec, 'officer-li');
        write('ec.der', 'cert', ids.ec, 'officer-li');
        write('rsa.key.der', 'privkey', ids.rsa, 'officer-zhang');
        write('rsa.der', 'cert', ids.rsa, 'officer-zhang');
        write('sm2.der', 'cert', ids.sm2, 'officer-sm2');
      },
    });
  });
  after(async () => {
    await h.cleanup();
    ssl.cleanup();
  });

  const fingerprint = (name: string) => ssl.run(['x509', '-in', `${name}.pem`, '-noout', '-fingerprint', '-sha256']).split('=')[1]!.trim().replace(/:/g, '');

  test('listTokenCertificates: DER, CKA_ID and a parsed summary for RSA, EC and SM2 certificates', async () => {
    const r = await h.v.api.listTokenCertificates({});
    assert.equal(r.tokenLabel, h.label);
    const byId = new Map(r.certificates.map((c) => [c.objectId, c]));
    assert.deepEqual([...byId.keys()].sort(), [ids.ec, ids.rsa, ids.sm2]);
    for (const [name, spec, cn] of [['ec', 'EC_P256', 'Officer Li'], ['rsa', 'RSA_2048', 'Officer Zhang'], ['sm2', 'SM2', 'Officer Wang SM2']] as const) {
      const c = byId.get(ids[name])!;
      assert.deepEqual(Buffer.from(c.certificate, 'base64'), ssl.read(`${name}.der`));
      assert.ok(c.summary, c.parseError ?? '');
      assert.equal(c.summary.keySpec, spec);
      assert.match(c.summary.subject, new RegExp(`CN=${cn}`));
      assert.match(c.summary.issuer, /CN=Keywarden Test Officer CA/);
      assert.equal(c.summary.fingerprints.sha256, fingerprint(name));
      assert.deepEqual(c.summary.keyUsage, ['digitalSignature', 'nonRepudiation']);
    }
  });

  for (const [name, algorithm] of [['ec', 'ECDSA_SHA_256'], ['rsa', 'RSA_PKCS1_SHA_256']] as const) {
    test(`${name.toUpperCase()} officer: import from the token, sign a challenge on the token, verify with the imported certificate`, async () => {
      const api = h.v.api;
      const imported = await api.importTokenCertificateForUK({ objectId: ids[name] });
      // Read off the token it merely parses; the officer CA's chain verifies it (at the real time openssl dated it).
      h.v.clock.set(Date.now() + 1000);
      assert.equal((await api.describeCertificateForUk({ certificateId: imported.certificateId })).certificate.chainVerified, false);
      await api.importCertificateChain({ certificateId: imported.certificateId, certificateChain: ssl.text('ca.pem') });
      assert.equal(imported.tokenLabel, h.label);
      const d = (await api.describeCertificateForUk({ certificateId: imported.certificateId })).certificate;
      assert.equal(d.kind, 'UKEY');
      assert.equal(d.tokenLabel, h.label);
      assert.equal(d.tokenObjectId, ids[name]);
      assert.equal(d.fingerprints?.sha256, fingerprint(name));

      const challenge = Buffer.from(`keywarden officer challenge ${name} 0f3a9c`);
      const s = await api.signWithTokenKey({ objectId: ids[name], algorithm, message: b64(challenge) });
      const ok = await api.certificatePublicKeyVerifyForUsbKey({ certificateId: imported.certificateId, algorithm, message: b64(challenge), signature: s.signature });
      assert.equal(ok.signatureValid, true);
      const bad = await api.certificatePublicKeyVerifyForUsbKey({ certificateId: imported.certificateId, algorithm, message: b64('another challenge'), signature: s.signature });
      assert.equal(bad.signatureValid, false);
      ssl.write('challenge.bin', challenge);
      ssl.write('challenge.sig', Buffer.from(s.signature, 'base64'));
      ssl.run(['x509', '-in', `${name}.pem`, '-pubkey', '-noout', '-out', `${name}.pub`]);
      assert.match(ssl.run(['dgst', '-sha256', '-verify', `${name}.pub`, '-signature', 'challenge.sig', 'challenge.bin']), /Verified OK/);
    });
  }

  test('refusals: unknown object, and signing without a login', async () => {
    const api = h.v.api;
    await rejectsWith(api.importTokenCertificateForUK({ objectId: 'ffff' }), 'CertificateNotFound');
    await api.tokenLogout({});
    await rejectsWith(api.signWithTokenKey({ objectId: ids.ec, algorithm: 'ECDSA_SHA_256', message: b64('x') }), 'TokenNotLoggedIn');
    // Certificates are public objects: listing needs no login.
    assert.equal((await api.listTokenCertificates({})).certificates.length, 3);
    await api.tokenLogin({ pin: USER_PIN });
  });
});
