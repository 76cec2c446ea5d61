import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { certVault, KEY_TYPES, rejectsWith, SM2_ID, unchanged, b64, type CertVault } from './harness.ts';

/** A certificate made through createCertificate and issued by an openssl CA, Enabled. */
async function issued(v: CertVault, spec: 'RSA_2048' | 'EC_P256' | 'SM2', name: string, exportable: boolean, ext?: string): Promise<string> {
  const { certificateId, csr } = await v.api.createCertificate({ subject: { CN: name, C: 'CN', O: 'Keywarden', OU: ['Ops'] }, keySpec: spec, exportable, name });
  v.ssl.write(`${name}.csr`, csr);
  v.ssl.signCsr(`${name}.csr`, 'ca', `${name}.pem`, ext ? { ext } : {});
  await v.api.importCertificate({ certificateId, certificate: v.ssl.text(`${name}.pem`), certificateChain: v.ssl.text('ca.pem') });
  return certificateId;
}

describe('certificate key operations, status rules and export, checked with openssl', () => {
  let v: CertVault;
  const ids: Record<string, string> = {};
  before(async () => {
    v = await certVault();
    v.ssl.selfSignedCa('ca', 'rsa:2048', '/C=CN/O=Ops CA/CN=Ops Root');
    const ext = 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment,dataEncipherment\n';
    for (const k of KEY_TYPES) ids[k.spec] = await issued(v, k.spec, `ops-${k.ssl.replace(':', '')}`, true, ext);
  });
  after(() => v.done());

  const SIGN = { RSA_2048: ['RSA_PKCS1_SHA_256', 'RSA_PSS_SHA_256'], EC_P256: ['ECDSA_SHA_256'], SM2: ['SM2DSA'] } as const;
  for (const k of KEY_TYPES) {
    for (const algorithm of SIGN[k.spec]) {
      test(`${k.spec} ${algorithm}: the signature verifies in openssl with the certificate, and in Keywarden`, async () => {
        const message = Buffer.from(`officer signs this ${algorithm}`);
        const { signature } = await v.api.certificatePrivateKeySign({ certificateId: ids[k.spec]!, algorithm, message: b64(message) });
        const name = `ops-${k.ssl.replace(':', '')}`;
        v.ssl.run(['x509', '-in', `${name}.pem`, '-pubkey', '-noout', '-out', `${name}.pub`]);
        v.ssl.write('msg.bin', message);
        v.ssl.write('sig.bin', Buffer.from(signature, 'base64'));
        const opts = algorithm === 'RSA_PSS_SHA_256' ? ['-pkeyopt', 'rsa_padding_mode:pss', '-pkeyopt', 'rsa_pss_saltlen:-1'] : [];
        const out = k.spec === 'SM2'
          ? v.ssl.run(['pkeyutl', '-verify', '-pubin', '-inkey', `${name}.pub`, '-in', 'msg.bin', '-sigfile', 'sig.bin', '-rawin', '-digest', 'sm3', '-pkeyopt', `distid:${SM2_ID}`])
          : v.ssl.run(['dgst', '-sha256', '-verify', `${name}.pub`, '-signature', 'sig.bin', ...opts.map((o) => (o === '-pkeyopt' ? '-sigopt' : o)), 'msg.bin']);
        assert.match(out, /Verified OK|Signature Verified Successfully/);
        const ok = await v.api.certificatePublicKeyVerify({ certificateId: ids[k.spec]!, algorithm, message: b64(message), signature });
        assert.equal(ok.signatureValid, true);
        const bad = await v.api.certificatePublicKeyVerify({ certificateId: ids[k.spec]!, algorithm, message: b64('other'), signature });
        assert.equal(bad.signatureValid, false);
      });
    }
  }

  test('DIGEST input signs the SHA-256 of a message (RSA), and a digest of the wrong length is refused', async () => {
    const digest = createHash('sha256').update('digest me').digest();
    const { signature } = await v.api.certificatePrivateKeySign({ certificateId: ids.RSA_2048!, algorithm: 'RSA_PKCS1_SHA_256', message: b64(digest), messageType: 'DIGEST' });
    const raw = await v.api.certificatePublicKeyVerify({ certificateId: ids.RSA_2048!, algorithm: 'RSA_PKCS1_SHA_256', message: b64('digest me'), signature });
    assert.equal(raw.signatureValid, true);
    await rejectsWith(v.api.certificatePrivateKeySign({ certificateId: ids.RSA_2048!, algorithm: 'RSA_PKCS1_SHA_256', message: b64('short'), messageType: 'DIGEST' }), 'InvalidParameter');
    await rejectsWith(v.api.certificatePrivateKeySign({ certificateId: ids.EC_P256!, algorithm: 'SM2DSA', message: b64('x') }), 'InvalidParameter');
  });

  test('encrypt with the certificate, decrypt with its key; openssl encrypts to the certificate too (RSA OAEP, SM2)', async () => {
    for (const [spec, algorithm] of [['RSA_2048', 'RSAES_OAEP_SHA_256'], ['RSA_2048', 'RSAES_OAEP_SHA_1'], ['SM2', 'SM2PKE']] as const) {
      const { ciphertextBlob } = await v.api.certificatePublicKeyEncrypt({ certificateId: ids[spec]!, algorithm, plaintext: b64('secret 42') });
      const { plaintext } = await v.api.certificatePrivateKeyDecrypt({ certificateId: ids[spec]!, algorithm, ciphertextBlob });
      assert.equal(Buffer.from(plaintext, 'base64').toString(), 'secret 42');
    }
    v.ssl.write('pt.bin', 'from openssl');
    v.ssl.run(['x509', '-in', 'ops-rsa2048.pem', '-pubkey', '-noout', '-out', 'rsa.pub']);
    v.ssl.run(['pkeyutl', '-encrypt', '-pubin', '-inkey', 'rsa.pub', '-in', 'pt.bin', '-out', 'ct.bin', '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha256']);
    const r = await v.api.certificatePrivateKeyDecrypt({ certificateId: ids.RSA_2048!, algorithm: 'RSAES_OAEP_SHA_256', ciphertextBlob: v.ssl.read('ct.bin').toString('base64') });
    assert.equal(Buffer.from(r.plaintext, 'base64').toString(), 'from openssl');
    v.ssl.run(['x509', '-in', 'ops-sm2.pem', '-pubkey', '-noout', '-out', 'sm2.pub']);
    v.ssl.run(['pkeyutl', '-encrypt', '-pubin', '-inkey', 'sm2.pub', '-in', 'pt.bin', '-out', 'sm2ct.bin']);
    const s = await v.api.certificatePrivateKeyDecrypt({ certificateId: ids.SM2!, algorithm: 'SM2PKE', ciphertextBlob: v.ssl.read('sm2ct.bin').toString('base64') });
    assert.equal(Buffer.from(s.plaintext, 'base64').toString(), 'from openssl');
    await rejectsWith(v.api.certificatePublicKeyEncrypt({ certificateId: ids.EC_P256!, algorithm: 'SM2PKE', plaintext: b64('x') }), 'InvalidParameter');
  });

  test('a certificate whose keyUsage forbids the purpose is refused with IncorrectKeyUsage', async () => {
    const id = await issued(v, 'RSA_2048', 'signonly', false, 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n');
    await rejectsWith(v.api.certificatePublicKeyEncrypt({ certificateId: id, algorithm: 'RSAES_OAEP_SHA_256', plaintext: b64('x') }), 'IncorrectKeyUsage');
    const id2 = await issued(v, 'EC_P256', 'enconly', false, 'basicConstraints=CA:FALSE\nkeyUsage=critical,keyAgreement\n');
    await rejectsWith(v.api.certificatePrivateKeySign({ certificateId: id2, algorithm: 'ECDSA_SHA_256', message: b64('x') }), 'IncorrectKeyUsage');
  });

  test('exportable keys leave as encrypted PKCS#8 and PKCS#12 that openssl opens; the key matches the certificate', async () => {
    for (const k of KEY_TYPES) {
      const name = `ops-${k.ssl.replace(':', '')}`;
      const p8 = await v.api.exportCertificatePrivateKey({ certificateId: ids[k.spec]!, password: 'export pw', format: 'PKCS8' });
      assert.match(p8.encryptedPrivateKey ?? '', /^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
      v.ssl.write(`${name}.p8`, p8.encryptedPrivateKey!);
      const pub = v.ssl.run(['pkey', '-in', `${name}.p8`, '-passin', 'pass:export pw', '-pubout']);
      assert.equal(pub, v.ssl.run(['x509', '-in', `${name}.pem`, '-pubkey', '-noout']));
      const p12 = await v.api.exportCertificatePrivateKey({ certificateId: ids[k.spec]!, password: 'export pw', format: 'PKCS12' });
      v.ssl.write(`${name}.p12`, Buffer.from(p12.pkcs12!, 'base64'));
      const certs = v.ssl.run(['pkcs12', '-in', `${name}.p12`, '-passin', 'pass:export pw', '-nokeys']);
      assert.equal((certs.match(/BEGIN CERTIFICATE/g) ?? []).length, 2, 'leaf and CA');
      const key = v.ssl.run(['pkcs12', '-in', `${name}.p12`, '-passin', 'pass:export pw', '-nocerts', '-nodes']);
      assert.equal(v.ssl.run(['pkey', '-pubout'], key), pub);
      assert.ok(!v.ssl.tryRun(['pkcs12', '-in', `${name}.p12`, '-passin', 'pass:wrong', '-nokeys']).ok);
    }
  });

  test('a key not marked exportable is refused with PrivateKeyNotExportable', async () => {
    const id = await issued(v, 'SM2', 'noexport', false);
    await rejectsWith(v.api.exportCertificatePrivateKey({ certificateId: id, password: 'pw', format: 'PKCS8' }), 'PrivateKeyNotExportable');
    await rejectsWith(v.api.exportCertificatePrivateKey({ certificateId: id, password: 'pw', format: 'PKCS12' }), 'PrivateKeyNotExportable');
    await rejectsWith(v.api.exportCertificatePrivateKey({ certificateId: id, password: '', format: 'PKCS12' }), 'InvalidParameter');
  });

  test('status: disable blocks use, enable restores it, revoke is terminal, pending certificates cannot change status', async () => {
    const id = await issued(v, 'EC_P256', 'lifecycle', true);
    const sign = () => v.api.certificatePrivateKeySign({ certificateId: id, algorithm: 'ECDSA_SHA_256', message: b64('m') });
    assert.equal((await v.api.updateCertificateStatus({ certificateId: id, status: 'Disabled' })).certificate.status, 'Disabled');
    await unchanged(v, async () => {
      await rejectsWith(sign(), 'InvalidCertificateState');
      await rejectsWith(v.api.exportCertificatePrivateKey({ certificateId: id, password: 'pw', format: 'PKCS8' }), 'InvalidCertificateState');
      await rejectsWith(v.api.certificatePublicKeyVerify({ certificateId: id, algorithm: 'ECDSA_SHA_256', message: b64('m'), signature: b64('x') }), 'InvalidCertificateState');
    });
    assert.equal((await v.api.updateCertificateStatus({ certificateId: id, status: 'Enabled' })).certificate.status, 'Enabled');
    await sign();
    assert.equal((await v.api.updateCertificateStatus({ certificateId: id, status: 'Revoked' })).certificate.status, 'Revoked');
    await unchanged(v, async () => {
      await rejectsWith(v.api.updateCertificateStatus({ certificateId: id, status: 'Enabled' }), 'InvalidCertificateState');
      await rejectsWith(v.api.updateCertificateStatus({ certificateId: id, status: 'Disabled' }), 'InvalidCertificateState');
      await rejectsWith(sign(), 'InvalidCertificateState');
      await rejectsWith(v.api.certificatePrivateKeyDecrypt({ certificateId: id, algorithm: 'SM2PKE', ciphertextBlob: b64('x') }), 'InvalidCertificateState');
    });
    const { certificateId: pending } = await v.api.createCertificate({ subject: { CN: 'pending', C: 'CN', O: 'Keywarden', OU: ['Ops'] }, keySpec: 'SM2' });
    await unchanged(v, async () => {
      await rejectsWith(v.api.updateCertificateStatus({ certificateId: pending, status: 'Enabled' }), 'InvalidCertificateState');
      await rejectsWith(v.api.certificatePrivateKeySign({ certificateId: pending, algorithm: 'SM2DSA', message: b64('m') }), 'InvalidCertificateState');
    });
  });

  test('delete destroys the sealed key and the chain; the id is gone for every operation', async () => {
    const id = await issued(v, 'RSA_2048', 'todelete', true);
    const db = v.kw.services.db;
    const count = (sql: string) => (db.prepare(sql).get(id) as { n: number }).n;
    assert.equal(count('SELECT count(*) AS n FROM certificate_chain WHERE certificate_id = ?'), 1);
    await v.api.deleteCertificate({ certificateId: id });
    assert.equal(count('SELECT count(*) AS n FROM certificates WHERE id = ?'), 0);
    assert.equal(count('SELECT count(*) AS n FROM certificate_chain WHERE certificate_id = ?'), 0);
    await rejectsWith(v.api.describeCertificate({ certificateId: id }), 'CertificateNotFound');
    await rejectsWith(v.api.certificatePrivateKeySign({ certificateId: id, algorithm: 'RSA_PKCS1_SHA_256', message: b64('m') }), 'CertificateNotFound');
    await rejectsWith(v.api.deleteCertificate({ certificateId: id }), 'CertificateNotFound');
  });

  test('list: paging, filters, search and expiry warnings as time passes', async () => {
    const all = await v.api.listCertificate({ pageSize: 1000 });
    assert.ok(all.totalCount >= 6);
    const page = await v.api.listCertificate({ pageNumber: 2, pageSize: 2 });
    assert.equal(page.certificates.length, 2);
    assert.deepEqual(page.certificates.map((c) => c.certificateId), all.certificates.slice(2, 4).map((c) => c.certificateId));
    const sm2 = await v.api.listCertificate({ keySpec: 'SM2' });
    assert.ok(sm2.certificates.length >= 2 && sm2.certificates.every((c) => c.keySpec === 'SM2'));
    const revoked = await v.api.listCertificate({ status: 'Revoked' });
    assert.deepEqual(revoked.certificates.map((c) => c.name), ['lifecycle']);
    const found = await v.api.listCertificate({ search: 'ops-sm' });
    assert.deepEqual(found.certificates.map((c) => c.name), ['ops-sm2']);
    assert.deepEqual(all.expiryWarnings, { warning: 0, expired: 0 });
    // The issued certificates last 365 days: 340 days on they warn, 400 days on they are expired.
    v.clock.advance(340 * 86_400_000);
    const soon = await v.api.listCertificate({ expiringWithinDays: 30 });
    assert.ok(soon.expiryWarnings.warning >= 5);
    assert.ok(soon.certificates.every((c) => c.expiry?.level === 'warning'));
    assert.equal(soon.totalCount, all.certificates.filter((c) => c.notAfter !== null).length);
    v.clock.advance(60 * 86_400_000);
    const later = await v.api.describeCertificate({ certificateId: ids.SM2! });
    assert.equal(later.certificate.expiry?.level, 'expired');
    const chain = await v.api.describeCertificateChain({ certificateId: ids.SM2! });
    assert.equal(chain.chainReport.ok, false);
    assert.deepEqual(chain.chainReport.reasons, ['expired']);
    v.clock.advance(-400 * 86_400_000);
  });
});
