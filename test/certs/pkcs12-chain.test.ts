import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { certVault, KEY_TYPES, rejectsWith, unchanged, type CertVault } from './harness.ts';

const DAY = 86_400_000;

describe('importCertificateByPKCS12 and chain validation against openssl-made chains', () => {
  let v: CertVault;
  before(async () => {
    v = await certVault();
    v.ssl.selfSignedCa('root', 'rsa:2048', '/C=CN/O=Chain Test/CN=Root');
    v.ssl.issue('inter', 'rsa:2048', '/C=CN/O=Chain Test/CN=Intermediate', 'root', { ext: 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n' });
    v.ssl.selfSignedCa('other', 'rsa:2048', '/C=CN/O=Elsewhere/CN=Other Root');
  });
  after(() => v.done());

  for (const k of KEY_TYPES) {
    test(`${k.spec}: a PKCS#12 from openssl pkcs12 -export imports with its chain`, async () => {
      v.ssl.issue(`p12-${k.spec}`, k.ssl, `/C=CN/O=Chain Test/CN=p12 ${k.spec}`, 'inter');
      v.ssl.run(['pkcs12', '-export', '-inkey', `p12-${k.spec}.key`, '-in', `p12-${k.spec}.pem`, '-certfile', 'inter.pem', '-out', `p12-${k.spec}.p12`, '-passout', 'pass:p12 secret']);
      const r = await v.api.importCertificateByPKCS12({ pkcs12: v.ssl.read(`p12-${k.spec}.p12`).toString('base64'), password: 'p12 secret' });
      assert.equal(r.certificate.status, 'Enabled');
      assert.equal(r.certificate.source, 'PKCS12');
      assert.equal(r.certificate.keySpec, k.spec);
      assert.equal(r.certificate.exportable, false);
      assert.equal(r.certificate.chainLength, 1);
      // The intermediate is there but not the root: the path stops at an issuer that was not supplied.
      assert.equal(r.certificate.chainComplete, false);
      const chain = await v.api.describeCertificateChain({ certificateId: r.certificateId });
      assert.deepEqual(chain.chainReport.reasons, ['missingIssuer']);
      assert.deepEqual(chain.chainReport.path.map((c) => c.subject), [`CN=p12 ${k.spec},O=Chain Test,C=CN`, 'CN=Intermediate,O=Chain Test,C=CN']);
    });
  }

  test('a legacy (RC2/3DES) PKCS#12 with the full chain imports and its chain is complete', async () => {
    v.ssl.issue('legacy', 'rsa:2048', '/CN=legacy', 'inter');
    v.ssl.write('full-chain.pem', v.ssl.text('inter.pem') + v.ssl.text('root.pem'));
    v.ssl.run(['pkcs12', '-export', '-legacy', '-inkey', 'legacy.key', '-in', 'legacy.pem', '-certfile', 'full-chain.pem', '-out', 'legacy.p12', '-passout', 'pass:old']);
    const r = await v.api.importCertificateByPKCS12({ pkcs12: v.ssl.read('legacy.p12').toString('base64'), password: 'old', exportable: true });
    assert.equal(r.certificate.chainLength, 2);
    assert.equal(r.certificate.chainComplete, true);
    const now = await v.api.describeCertificateChain({ certificateId: r.certificateId });
    assert.equal(now.chainReport.ok, true);
    assert.deepEqual(now.chainReport.path.map((c) => c.role), ['leaf', 'intermediate', 'root']);
  });

  test('a wrong password is Pkcs12PasswordIncorrect and a damaged file CertificateInvalid, changing nothing', async () => {
    v.ssl.issue('pw', 'ec', '/CN=pw', 'inter');
    v.ssl.run(['pkcs12', '-export', '-inkey', 'pw.key', '-in', 'pw.pem', '-out', 'pw.p12', '-passout', 'pass:right']);
    const p12 = v.ssl.read('pw.p12');
    await unchanged(v, async () => {
      await rejectsWith(v.api.importCertificateByPKCS12({ pkcs12: p12.toString('base64'), password: 'wrong' }), 'Pkcs12PasswordIncorrect');
      await rejectsWith(v.api.importCertificateByPKCS12({ pkcs12: p12.subarray(0, 200).toString('base64'), password: 'right' }), 'CertificateInvalid');
      await rejectsWith(v.api.importCertificateByPKCS12({ pkcs12: Buffer.from('not a pfx at all').toString('base64'), password: 'right' }), 'CertificateInvalid');
    });
  });

  test('a PKCS#12 whose chain is from another CA is refused as a wrong chain', async () => {
    v.ssl.issue('wrongchain', 'rsa:2048', '/CN=wrong chain', 'inter');
    v.ssl.run(['pkcs12', '-export', '-inkey', 'wrongchain.key', '-in', 'wrongchain.pem', '-certfile', 'other.pem', '-out', 'wrongchain.p12', '-passout', 'pass:x']);
    await unchanged(v, async () => {
      try {
        await v.api.importCertificateByPKCS12({ pkcs12: v.ssl.read('wrongchain.p12').toString('base64'), password: 'x' });
        assert.fail('imported a certificate with a foreign chain');
      } catch (e) {
        const err = e as { code: string; details: Record<string, unknown> };
        assert.equal(err.code, 'CertificateChainInvalid');
        assert.equal(err.details.reasons, 'missingIssuer');
        assert.equal(err.details.unusedCertificates, 1);
      }
    });
  });

  test('expired, not-yet-valid, non-CA issuer and bad-signature chains are refused with their reason', async () => {
    const pending = async (name: string, keyType: 'rsa:2048' | 'ec' = 'rsa:2048') => {
      const { certificateId, csr } = await v.api.createCertificate({ subject: { CN: name, C: 'CN', O: 'Keywarden', OU: ['Ops'] }, keySpec: keyType === 'ec' ? 'EC_P256' : 'RSA_2048' });
      v.ssl.write(`${name}.csr`, csr);
      return certificateId;
    };
    const refusedWith = async (certificateId: string, certificate: string, chain: string, reason: string) => {
      await unchanged(v, async () => {
        try {
          await v.api.importCertificate({ certificateId, certificate, certificateChain: chain });
          assert.fail(`accepted a chain that should fail with ${reason}`);
        } catch (e) {
          const err = e as { code: string; details: Record<string, unknown> };
          assert.equal(err.code, 'CertificateChainInvalid', String(e));
          assert.ok(String(err.details.reasons).split(',').includes(reason), `${String(err.details.reasons)} lacks ${reason}`);
        }
      });
    };
    const chain = v.ssl.text('inter.pem') + v.ssl.text('root.pem');

    // Expired: issued for one day, imported 3 days later.
    const expiredId = await pending('expired');
    v.ssl.signCsr('expired.csr', 'inter', 'expired.pem', { days: 1 });
    v.clock.advance(3 * DAY);
    await refusedWith(expiredId, v.ssl.text('expired.pem'), chain, 'expired');
    v.clock.advance(-3 * DAY);

    // Not yet valid: the vault's clock is before the certificate's notBefore.
    const earlyId = await pending('early');
    v.ssl.signCsr('early.csr', 'inter', 'early.pem');
    v.clock.advance(-2 * DAY);
    await refusedWith(earlyId, v.ssl.text('early.pem'), chain, 'notYetValid');
    v.clock.advance(2 * DAY);

    // The "issuer" is an end-entity certificate.
    v.ssl.issue('notca', 'rsa:2048', '/CN=Not A CA', 'inter');
    const leafOfLeafId = await pending('leafofleaf');
    v.ssl.signCsr('leafofleaf.csr', 'notca', 'leafofleaf.pem');
    await refusedWith(leafOfLeafId, v.ssl.text('leafofleaf.pem'), v.ssl.text('notca.pem') + chain, 'issuerNotCa');

    // A certificate whose signature was altered.
    const badId = await pending('badsig', 'ec');
    v.ssl.signCsr('badsig.csr', 'inter', 'badsig.pem');
    const der = Buffer.from(v.ssl.text('badsig.pem').replace(/-----[^-]+-----|\s/g, ''), 'base64');
    der[der.length - 5]! ^= 0x01;
    const tampered = `-----BEGIN CERTIFICATE-----\n${der.toString('base64')}\n-----END CERTIFICATE-----\n`;
    await refusedWith(badId, tampered, chain, 'badSignature');
  });
});
