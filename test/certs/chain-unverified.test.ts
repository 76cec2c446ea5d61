/**
 * Certificates nothing has verified are recorded chain unverified: a leaf imported without
 * its chain (even one whose signature openssl's bytes no longer carry, after a bit flip)
 * and a UKey certificate that merely parses. They are shown as such, refused by the
 * operations that rely on trusting them, and verified only by a chain that verifies them.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { certVault, rejectsWith, unchanged, b64, type CertVault } from './harness.ts';
import { pemEncode, parseCertificate } from '../../core/x509/index.ts';
import { trials } from '../helpers/soak.ts';

/** The leaf's DER with one bit of its signature value flipped (RSA CA: the last 256 bytes are the signature). */
function flipped(der: Buffer, i: number): Buffer {
  const out = Buffer.from(der);
  const offset = out.length - 1 - ((i * 37) % 240);
  out[offset]! ^= 1 << (i % 8);
  return out;
}

describe('chain-unverified certificates', () => {
  let v: CertVault;
  before(async () => {
    v = await certVault();
    v.ssl.selfSignedCa('ca', 'rsa:2048', '/C=CN/O=Chain CA/CN=Chain Root');
    v.ssl.issue('officer', 'ec', '/C=CN/O=Officers/CN=Officer Wang', 'ca');
    v.ssl.selfSignedCa('selfsigned', 'ec', '/C=CN/O=Officers/CN=Self Signed', ['-addext', 'keyUsage=critical,digitalSignature,keyCertSign']);
  });
  after(() => v.done());

  test('a UKey certificate that merely parses is unverified until its chain is imported; then verify works', async () => {
    const { certificateId } = await v.api.importCertificateForUK({ certificate: v.ssl.text('officer.pem') });
    const listed = (await v.api.listCertificateForUk({})).certificates.find((c) => c.certificateId === certificateId);
    assert.equal(listed?.chainVerified, false);
    assert.equal((await v.api.describeCertificateForUk({ certificateId })).certificate.chainVerified, false);
    v.ssl.write('challenge.bin', 'challenge');
    v.ssl.run(['dgst', '-sha256', '-sign', 'officer.key', '-out', 'officer.sig', 'challenge.bin']);
    const req = { certificateId, algorithm: 'ECDSA_SHA_256' as const, message: b64('challenge'), signature: v.ssl.read('officer.sig').toString('base64') };
    await rejectsWith(v.api.certificatePublicKeyVerifyForUsbKey(req), 'CertificateChainUnverified');
    // A chain that does not reach a root verifies nothing.
    await unchanged(v, () => rejectsWith(v.api.importCertificateChain({ certificateId, certificateChain: v.ssl.text('officer.pem') }), 'CertificateChainInvalid'));
    const r = await v.api.importCertificateChain({ certificateId, certificateChain: v.ssl.text('ca.pem') });
    assert.equal(r.certificate.chainVerified, true);
    assert.equal(r.certificate.chainLength, 1);
    assert.equal((await v.api.certificatePublicKeyVerifyForUsbKey(req)).signatureValid, true);
  });

  test('a self-signed UKey certificate whose signature checks, or one imported with its chain, is verified at once', async () => {
    const self = await v.api.importCertificateForUK({ certificate: v.ssl.text('selfsigned.pem') });
    assert.equal(self.certificate.chainVerified, true);
    const withChain = await v.api.importCertificateForUK({ certificate: v.ssl.text('officer.pem'), certificateChain: v.ssl.text('ca.pem') });
    assert.equal(withChain.certificate.chainVerified, true);
  });

  test(`bit-flipped leaves: never verified, trust operations refused, no chain verifies them`, async () => {
    const der = Buffer.from(parseCertificate(v.ssl.text('officer.pem')).der);
    const n = trials(20, 60);
    let recordedUnverified = 0;
    for (let i = 0; i < n; i++) {
      const pem = pemEncode('CERTIFICATE', flipped(der, i));
      await unchanged(v, () => rejectsWith(v.api.importCertificateForUK({ certificate: pem, certificateChain: v.ssl.text('ca.pem') }), 'CertificateChainInvalid'));
      const { certificateId, certificate } = await v.api.importCertificateForUK({ certificate: pem });
      assert.equal(certificate.chainVerified, false, `flip ${i}`);
      recordedUnverified++;
      await rejectsWith(
        v.api.certificatePublicKeyVerifyForUsbKey({ certificateId, algorithm: 'ECDSA_SHA_256', message: b64('challenge'), signature: v.ssl.read('officer.sig').toString('base64') }),
        'CertificateChainUnverified',
      );
      await unchanged(v, () => rejectsWith(v.api.importCertificateChain({ certificateId, certificateChain: v.ssl.text('ca.pem') }), 'CertificateChainInvalid'));
      assert.equal((await v.api.describeCertificateForUk({ certificateId })).certificate.chainVerified, false);
    }
    assert.equal(recordedUnverified, n);
    console.log(`bit-flipped leaves: ${n}/${n} recorded chain unverified, 0 verified by the CA's chain`);
  });

  test('a CA-issued leaf imported without its chain (broken or not) is unverified; verify refuses it until the chain comes', async () => {
    const make = async (name: string) => {
      const { certificateId, csr } = await v.api.createCertificate({ subject: { CN: name, C: 'CN', O: 'Keywarden', OU: ['Ops'] }, keySpec: 'EC_P256', name });
      v.ssl.write(`${name}.csr`, csr);
      v.ssl.signCsr(`${name}.csr`, 'ca', `${name}.pem`);
      return certificateId;
    };
    const good = await make('leaf-good');
    const broken = await make('leaf-broken');
    const brokenPem = pemEncode('CERTIFICATE', flipped(Buffer.from(parseCertificate(v.ssl.text('leaf-broken.pem')).der), 5));
    assert.equal((await v.api.importCertificate({ certificateId: good, certificate: v.ssl.text('leaf-good.pem') })).certificate.chainVerified, false);
    assert.equal((await v.api.importCertificate({ certificateId: broken, certificate: brokenPem })).certificate.chainVerified, false);
    const listed = (await v.api.listCertificate({})).certificates.filter((c) => c.certificateId === good || c.certificateId === broken);
    assert.deepEqual(listed.map((c) => c.chainVerified), [false, false]);
    for (const id of [good, broken]) {
      const sig = (await v.api.certificatePrivateKeySign({ certificateId: id, algorithm: 'ECDSA_SHA_256', message: b64('m') })).signature;
      await rejectsWith(v.api.certificatePublicKeyVerify({ certificateId: id, algorithm: 'ECDSA_SHA_256', message: b64('m'), signature: sig }), 'CertificateChainUnverified');
    }
    await unchanged(v, () => rejectsWith(v.api.importCertificateChain({ certificateId: broken, certificateChain: v.ssl.text('ca.pem') }), 'CertificateChainInvalid'));
    assert.equal((await v.api.importCertificateChain({ certificateId: good, certificateChain: v.ssl.text('ca.pem') })).certificate.chainVerified, true);
    const sig = (await v.api.certificatePrivateKeySign({ certificateId: good, algorithm: 'ECDSA_SHA_256', message: b64('m') })).signature;
    assert.equal((await v.api.certificatePublicKeyVerify({ certificateId: good, algorithm: 'ECDSA_SHA_256', message: b64('m'), signature: sig })).signatureValid, true);
  });
});
