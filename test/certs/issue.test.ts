import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { certVault, KEY_TYPES, rejectsWith, SM2_ID, unchanged, type CertVault } from './harness.ts';

describe('createCertificate → CA → importCertificate, with openssl as the CA', () => {
  let v: CertVault;
  before(async () => {
    v = await certVault();
    for (const k of KEY_TYPES) v.ssl.selfSignedCa(`ca-${k.spec}`, k.ssl, `/C=CN/O=Test CA/CN=Root ${k.spec}`);
  });
  after(() => v.done());

  for (const k of KEY_TYPES) {
    test(`${k.spec}: the request verifies in openssl, the issued certificate imports and the chain validates`, async () => {
      const { certificateId, csr } = await v.api.createCertificate({
        subject: { CN: `svc-${k.ssl.replace(':', '')}.example.cn`, C: 'CN', O: '测试单位', OU: ['Ops', 'Keys'], ST: 'Beijing', L: 'Haidian', E: 'ops@example.cn' },
        subjectAlternativeNames: [{ type: 'dns', value: `svc-${k.ssl.replace(':', '')}.example.cn` }, { type: 'ip', value: '10.0.0.7' }],
        keySpec: k.spec,
      });
      assert.match(csr, /^-----BEGIN CERTIFICATE REQUEST-----/);
      const csrFile = v.ssl.write(`${k.spec}.csr`, csr);
      assert.ok(v.ssl.csrVerifies(csrFile, k.spec === 'SM2' ? ['-vfyopt', `distid:${SM2_ID}`] : []), 'openssl req -verify');
      const text = v.ssl.run(['req', '-in', csrFile, '-noout', '-subject', '-nameopt', 'RFC2253,-esc_msb']);
      assert.match(text, new RegExp(`CN=svc-${k.ssl.replace(':', '')}.example.cn,OU=Keys,OU=Ops,O=测试单位,L=Haidian,ST=Beijing,C=CN`));

      const pending = (await v.api.describeCertificate({ certificateId })).certificate;
      assert.equal(pending.status, 'PendingIssue');
      assert.equal(pending.keySpec, k.spec);
      assert.deepEqual(pending.subjectFields.OU, ['Ops', 'Keys']);
      assert.equal(pending.expiry, null);
      assert.match((await v.api.getCertificate({ certificateId })).csr ?? '', /CERTIFICATE REQUEST/);

      v.ssl.signCsr(csrFile, `ca-${k.spec}`, `${k.spec}.pem`, { ext: 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nsubjectAltName=DNS:svc.example.cn\n' });
      const r = await v.api.importCertificate({ certificateId, certificate: v.ssl.text(`${k.spec}.pem`), certificateChain: v.ssl.text(`ca-${k.spec}.pem`) });
      assert.equal(r.certificate.status, 'Enabled');
      assert.equal(r.chainReport.ok, true);
      assert.equal(r.chainReport.complete, true);
      assert.deepEqual(r.chainReport.path.map((c) => c.role), ['leaf', 'root']);
      assert.equal(r.certificate.issuer, `CN=Root ${k.spec},O=Test CA,C=CN`);
      assert.equal(r.certificate.chainLength, 1);
      assert.equal(r.certificate.expiry?.level, 'ok');
      const serial = v.ssl.run(['x509', '-in', v.ssl.path(`${k.spec}.pem`), '-noout', '-serial']).trim().split('=')[1];
      assert.equal(r.certificate.serialNumber, serial);
      const fp = v.ssl.run(['x509', '-in', v.ssl.path(`${k.spec}.pem`), '-noout', '-fingerprint', '-sha256']).trim().split('=')[1]!.replace(/:/g, '');
      assert.equal(r.certificate.fingerprints?.sha256, fp);
      assert.deepEqual(r.certificate.keyUsage, ['digitalSignature', 'keyEncipherment']);

      const got = await v.api.getCertificate({ certificateId });
      assert.equal(got.csr, null);
      v.ssl.write(`${k.spec}-out.pem`, got.certificate!);
      v.ssl.write(`${k.spec}-chain.pem`, got.certificateChain);
      assert.equal(v.ssl.run(['x509', '-in', `${k.spec}-out.pem`, '-noout', '-fingerprint', '-sha256']).trim().split('=')[1]!.replace(/:/g, ''), fp);
      assert.equal(v.ssl.text(`${k.spec}-chain.pem`).trim(), v.ssl.text(`ca-${k.spec}.pem`).trim().replace(/\r/g, ''));
    });
  }

  test('a certificate for another key is refused with CertificateKeyMismatch and changes nothing', async () => {
    const { certificateId } = await v.api.createCertificate({ subject: { CN: 'mismatch', C: 'CN', O: 'Keywarden', OU: ['Ops'] }, keySpec: 'EC_P256' });
    v.ssl.issue('other', 'ec', '/CN=mismatch', 'ca-EC_P256');
    await unchanged(v, () => rejectsWith(v.api.importCertificate({ certificateId, certificate: v.ssl.text('other.pem') }), 'CertificateKeyMismatch'));
    assert.equal((await v.api.describeCertificate({ certificateId })).certificate.status, 'PendingIssue');
  });

  test('an issued certificate imports once; a second import is InvalidCertificateState', async () => {
    const { certificateId, csr } = await v.api.createCertificate({ subject: { CN: 'once', C: 'CN', O: 'Keywarden', OU: ['Ops'] }, keySpec: 'RSA_2048' });
    v.ssl.write('once.csr', csr);
    v.ssl.signCsr('once.csr', 'ca-RSA_2048', 'once.pem');
    // Leaf and chain in one bundle, as many CAs hand them out.
    const bundle = v.ssl.text('once.pem') + v.ssl.text('ca-RSA_2048.pem');
    const r = await v.api.importCertificate({ certificateId, certificate: bundle });
    assert.equal(r.certificate.chainLength, 1);
    await unchanged(v, () => rejectsWith(v.api.importCertificate({ certificateId, certificate: v.ssl.text('once.pem') }), 'InvalidCertificateState'));
  });

  test('malformed input and subjects outside the rules are refused before anything is written', async () => {
    await unchanged(v, async () => {
      await rejectsWith(v.api.createCertificate({ subject: { CN: 'x', C: 'China', O: 'Keywarden', OU: ['Ops'] }, keySpec: 'SM2' }), 'InvalidParameter');
      await rejectsWith(v.api.createCertificate({ subject: { CN: 'x', C: 'CN', O: 'Keywarden', OU: ['1', '2', '3', '4', '5', '6'] }, keySpec: 'SM2' }), 'InvalidParameter');
      // The reference dialog's rules: C an ISO 3166-1 code, CN, C, O and one OU required.
      for (const C of ['XX', 'cn', 'ZZ', 'UK', 'EU']) {
        await rejectsWith(v.api.createCertificate({ subject: { CN: 'x', C, O: 'Keywarden', OU: ['Ops'] }, keySpec: 'SM2' }), 'InvalidParameter');
      }
      await rejectsWith(v.api.createCertificate({ subject: { CN: 'x', O: 'Keywarden', OU: ['Ops'] } as never, keySpec: 'SM2' }), 'MissingParameter');
      await rejectsWith(v.api.createCertificate({ subject: { CN: 'x', C: 'CN', OU: ['Ops'] } as never, keySpec: 'SM2' }), 'MissingParameter');
      await rejectsWith(v.api.createCertificate({ subject: { C: 'CN', O: 'Keywarden', OU: ['Ops'] } as never, keySpec: 'SM2' }), 'MissingParameter');
      await rejectsWith(v.api.createCertificate({ subject: { CN: 'x', C: 'CN', O: 'Keywarden', OU: [] }, keySpec: 'SM2' }), 'InvalidParameter');
      await rejectsWith(v.api.createCertificate({ subject: { CN: 'x', C: 'CN', O: 'Keywarden' } as never, keySpec: 'SM2' }), 'MissingParameter');
      await rejectsWith(v.api.createCertificate({ subject: { CN: 'x', E: 'not-an-email', C: 'CN', O: 'Keywarden', OU: ['Ops'] }, keySpec: 'SM2' }), 'InvalidParameter');
      await rejectsWith(v.api.createCertificate({ subject: { CN: 'x', C: 'CN', O: 'Keywarden', OU: ['Ops'] }, subjectAlternativeNames: [{ type: 'dns', value: 'bad name!' }], keySpec: 'SM2' }), 'InvalidParameter');
      await rejectsWith(v.api.createCertificate({ subject: { CN: 'x', C: 'CN', O: 'Keywarden', OU: ['Ops'] }, keySpec: 'RSA_4096' as 'SM2' }), 'InvalidParameter');
      // No token module configured in this vault (token-held keys: test/certs/hsm.test.ts).
      await rejectsWith(v.api.createCertificate({ subject: { CN: 'x', C: 'CN', O: 'Keywarden', OU: ['Ops'] }, keySpec: 'SM2', protectionLevel: 'HSM' }), 'UnsupportedOperation');
    });
    const { certificateId } = await v.api.createCertificate({ subject: { CN: 'junk', C: 'CN', O: 'Keywarden', OU: ['Ops'] }, keySpec: 'SM2' });
    await unchanged(v, async () => {
      await rejectsWith(v.api.importCertificate({ certificateId, certificate: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' }), 'CertificateInvalid');
      await rejectsWith(v.api.importCertificate({ certificateId, certificate: 'hello' }), 'CertificateInvalid');
      await rejectsWith(v.api.importCertificate({ certificateId: '00000000-0000-4000-8000-000000000000', certificate: 'hello' }), 'CertificateNotFound');
    });
  });
});
