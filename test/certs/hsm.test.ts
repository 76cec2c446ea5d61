/**
 * Certificates whose key pair is generated and kept on a real SoftHSM2 token: the request
 * signed on the token verifies in openssl and an openssl CA's certificate imports; token
 * signatures verify with openssl; the key cannot be read or exported; deletion destroys
 * the token objects. SM2 is refused by SoftHSM2 (no SM2 mechanism).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { constants, publicEncrypt } from 'node:crypto';
import { hsmVault, listObjects, type HsmVault } from '../hsm/harness.ts';
import { rejectsWith } from '../helpers/temp-vault.ts';
import { OpensslDir } from '../x509/openssl.ts';
import { snapshot } from './harness.ts';

const EXT = 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n';

describe('certificates with token-held keys (SoftHSM2)', () => {
  let h: HsmVault;
  let ssl: OpensslDir;
  before(async () => {
    h = await hsmVault('certs-hsm');
    ssl = new OpensslDir();
    ssl.selfSignedCa('ca', 'rsa:2048', '/C=CN/O=Test CA/CN=Token Root');
  });
  after(async () => {
    await h.cleanup();
    ssl.cleanup();
  });

  const row = (id: string) => h.v.kw.services.db.prepare('SELECT protection_level, sealed_private_key, token_label, token_object_id, exportable FROM certificates WHERE id = ?').get(id) as
    { protection_level: string; sealed_private_key: Buffer | null; token_label: string; token_object_id: string; exportable: number };

  for (const spec of ['RSA_2048', 'EC_P256'] as const) {
    test(`${spec}: key pair on the token, CSR signed there verifies and is issued by openssl, signatures verify with openssl`, async () => {
      const api = h.v.api;
      const { certificateId, csr } = await api.createCertificate({ subject: { CN: `hsm-${spec}.example.cn`, C: 'CN', O: 'Keywarden', OU: ['HSM'] }, keySpec: spec, protectionLevel: 'HSM' });
      const r = row(certificateId);
      assert.deepEqual({ level: r.protection_level, sealed: r.sealed_private_key, label: r.token_label, x: r.exportable }, { level: 'HSM', sealed: null, label: h.label, x: 0 });
      assert.match(r.token_object_id, /^[0-9a-f]{32}$/);
      const info = (await api.describeCertificate({ certificateId })).certificate;
      assert.deepEqual([info.protectionLevel, info.tokenLabel, info.tokenObjectId, info.exportable], ['HSM', h.label, r.token_object_id, false]);

      const csrFile = ssl.write(`${spec}.csr`, csr);
      assert.ok(ssl.csrVerifies(csrFile), 'openssl req -verify accepts the token-signed request');
      ssl.signCsr(csrFile, 'ca', `${spec}.pem`, { ext: EXT });
      h.v.clock.set(Date.now() + 1000); // openssl dates its certificates with the real time
      const imported = await api.importCertificate({ certificateId, certificate: ssl.text(`${spec}.pem`), certificateChain: ssl.text('ca.pem') });
      assert.equal(imported.certificate.status, 'Enabled');
      assert.equal(imported.chainReport.ok, true);

      ssl.run(['x509', '-in', `${spec}.pem`, '-pubkey', '-noout', '-out', `${spec}.pub`]);
      const message = Buffer.from(`signed on the token with ${spec}`);
      ssl.write('msg.bin', message);
      const algs = spec === 'RSA_2048' ? (['RSA_PKCS1_SHA_256', 'RSA_PSS_SHA_256'] as const) : (['ECDSA_SHA_256'] as const);
      for (const algorithm of algs) {
        const sig = await api.certificatePrivateKeySign({ certificateId, algorithm, messageType: 'RAW', message: message.toString('base64') });
        ssl.write('sig.bin', Buffer.from(sig.signature, 'base64'));
        const pss = algorithm === 'RSA_PSS_SHA_256' ? ['-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32'] : [];
        assert.match(ssl.run(['dgst', '-sha256', '-verify', `${spec}.pub`, ...pss, '-signature', 'sig.bin', 'msg.bin']), /Verified OK/, algorithm);
        assert.equal((await api.certificatePublicKeyVerify({ certificateId, algorithm, messageType: 'RAW', message: message.toString('base64'), signature: sig.signature })).signatureValid, true);
      }
      if (spec === 'RSA_2048') {
        const pub = ssl.text(`${spec}.pub`);
        for (const [algorithm, oaepHash] of [['RSAES_OAEP_SHA_256', 'sha256'], ['RSAES_OAEP_SHA_1', 'sha1']] as const) {
          const ct = publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, Buffer.from('for the token'));
          const pt = await api.certificatePrivateKeyDecrypt({ certificateId, algorithm, ciphertextBlob: ct.toString('base64') });
          assert.equal(Buffer.from(pt.plaintext, 'base64').toString(), 'for the token');
        }
      }

      // The private key cannot leave: neither through Keywarden nor by reading the object.
      await rejectsWith(api.exportCertificatePrivateKey({ certificateId, format: 'PKCS8', password: 'a long enough password' }), 'PrivateKeyNotExportable');
      const probes = await h.v.kw.tokens.bridge().probeExtractability({ label: h.label }, r.token_object_id);
      assert.deepEqual(probes.map((p) => [p.objectClass, p.sensitive, p.extractable, p.valueReadable]), [['private', true, false, false]]);
      const block = listObjects(h).split(/\n(?=\S)/).find((b) => b.startsWith('Private Key Object') && b.includes(`ID:         ${r.token_object_id}`));
      assert.ok(block, 'pkcs11-tool lists the private key');
      assert.match(block, new RegExp(`label:\\s+keywarden-cert:${certificateId}`));
      assert.match(block, /Access:\s+sensitive, always sensitive, never extractable, local/);

      // Deletion destroys the token objects (private and public) with the row.
      await api.deleteCertificate({ certificateId });
      assert.equal(listObjects(h).includes(r.token_object_id), false);
      await rejectsWith(api.describeCertificate({ certificateId }), 'CertificateNotFound');
    });
  }

  test('SM2 is NotSupportedByToken on SoftHSM2; exportable keys, stray token labels and unknown tokens are refused; nothing is left behind', async () => {
    const api = h.v.api;
    const beforeDb = snapshot(h.v);
    const beforeToken = listObjects(h);
    const subject = { CN: 'refused.example.cn', C: 'CN', O: 'Keywarden', OU: ['Ops'] };
    await rejectsWith(api.createCertificate({ subject, keySpec: 'SM2', protectionLevel: 'HSM' }), 'NotSupportedByToken');
    await rejectsWith(api.createCertificate({ subject, keySpec: 'EC_P256', protectionLevel: 'HSM', exportable: true }), 'InvalidParameter');
    await rejectsWith(api.createCertificate({ subject, keySpec: 'EC_P256', tokenLabel: h.label }), 'InvalidParameter');
    await rejectsWith(api.createCertificate({ subject, keySpec: 'EC_P256', protectionLevel: 'HSM', tokenLabel: 'no-such-token' }), 'TokenNotFound');
    assert.equal(snapshot(h.v), beforeDb);
    assert.equal(listObjects(h), beforeToken);
  });

  test('without a token login, signing and deletion are refused and the certificate stays', async () => {
    const api = h.v.api;
    const { certificateId, csr } = await api.createCertificate({ subject: { CN: 'stays.example.cn', C: 'CN', O: 'Keywarden', OU: ['Ops'] }, keySpec: 'EC_P256', protectionLevel: 'HSM' });
    ssl.signCsr(ssl.write('stays.csr', csr), 'ca', 'stays.pem', { ext: EXT });
    h.v.clock.set(Date.now() + 1000);
    await api.importCertificate({ certificateId, certificate: ssl.text('stays.pem') });
    await api.tokenLogout({});
    try {
      await rejectsWith(api.certificatePrivateKeySign({ certificateId, algorithm: 'ECDSA_SHA_256', messageType: 'RAW', message: 'AA==' }), 'TokenNotLoggedIn');
      await rejectsWith(api.deleteCertificate({ certificateId }), 'TokenNotLoggedIn');
      assert.equal((await api.describeCertificate({ certificateId })).certificate.status, 'Enabled');
    } finally {
      await api.tokenLogin({ pin: '1234' });
    }
    await api.deleteCertificate({ certificateId });
  });
});
