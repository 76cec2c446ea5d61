// Certificates, bundles and requests written by the OpenSSL CLI parse to the fields
// OpenSSL itself reports (serial, subject, dates, fingerprints, public key).
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { OpensslDir } from './openssl.ts';
import { parseCertificate, parseCertificateBundle, parseCsr } from '../../core/x509/parse.ts';
import { KwError } from '../../core/api/errors.ts';

const d = new OpensslDir();
after(() => d.cleanup());

const KEYS = [
  { type: 'rsa:2048', spec: 'RSA_2048', algorithm: 'RSA', sig: 'sha256WithRSAEncryption', curve: null },
  { type: 'ec', spec: 'EC_P256', algorithm: 'EC', sig: 'ecdsa-with-SHA256', curve: 'P-256' },
  { type: 'sm2', spec: 'SM2', algorithm: 'SM2', sig: 'SM2-with-SM3', curve: 'SM2' },
] as const;

function opensslField(file: string, flag: string[]): string {
  const out = d.run(['x509', '-in', file, '-noout', ...flag]).trim();
  return out.slice(out.indexOf('=') + 1);
}
const hexOf = (s: string) => s.replace(/:/g, '').toUpperCase();

describe('parseCertificate against openssl x509', () => {
  for (const k of KEYS) {
    test(`${k.spec} certificate: every summary field`, () => {
      const name = `ss-${k.algorithm}`;
      d.selfSignedCa(name, k.type, '/C=CN/ST=Beijing/L=Haidian/O=密钥管理/OU=Ops/OU=Sec/CN=Root ' + k.algorithm + '/emailAddress=ca@example.cn', [
        '-utf8', '-addext', 'subjectAltName=DNS:kms.example.cn,IP:10.0.0.7,IP:2001:db8::1,email:ops@example.cn',
        '-addext', 'extendedKeyUsage=serverAuth,clientAuth',
      ]);
      const s = parseCertificate(d.read(`${name}.pem`)).summary;
      assert.equal(s.version, 3);
      assert.equal(s.serialNumber, opensslField(`${name}.pem`, ['-serial']));
      assert.deepEqual(s.subject.fields, { C: 'CN', ST: 'Beijing', L: 'Haidian', O: '密钥管理', OU: ['Ops', 'Sec'], CN: 'Root ' + k.algorithm, E: 'ca@example.cn' });
      assert.equal(s.subject.dn, `emailAddress=ca@example.cn,CN=Root ${k.algorithm},OU=Sec,OU=Ops,O=密钥管理,L=Haidian,ST=Beijing,C=CN`);
      assert.equal(s.subject.dn, opensslField(`${name}.pem`, ['-subject', '-nameopt', 'RFC2253,-esc_msb,utf8']));
      assert.equal(s.issuer.dn, s.subject.dn);
      assert.equal(s.selfIssued, true);
      assert.equal(new Date(s.notBefore).getTime(), new Date(opensslField(`${name}.pem`, ['-startdate'])).getTime());
      assert.equal(new Date(s.notAfter).getTime(), new Date(opensslField(`${name}.pem`, ['-enddate'])).getTime());
      assert.equal(s.fingerprints.sha256, hexOf(opensslField(`${name}.pem`, ['-fingerprint', '-sha256'])));
      assert.equal(s.fingerprints.sha1, hexOf(opensslField(`${name}.pem`, ['-fingerprint', '-sha1'])));
      assert.equal(s.fingerprints.sm3, hexOf(opensslField(`${name}.pem`, ['-fingerprint', '-sm3'])));
      assert.equal(s.publicKey.algorithm, k.algorithm);
      assert.equal(s.publicKey.spec, k.spec);
      assert.equal(s.publicKey.curve, k.curve);
      assert.equal(s.publicKey.bits, k.type === 'rsa:2048' ? 2048 : 256);
      d.write(`${name}.pub`, d.run(['x509', '-in', `${name}.pem`, '-noout', '-pubkey']));
      assert.equal(s.publicKey.spki, spkiDerOf(`${name}.pub`).toString('base64'));
      assert.deepEqual(s.signatureAlgorithm.name, k.sig);
      assert.deepEqual(s.keyUsage, ['keyCertSign', 'cRLSign']);
      assert.deepEqual(s.extendedKeyUsage, ['serverAuth', 'clientAuth']);
      assert.deepEqual(s.basicConstraints, { ca: true, pathLength: null, critical: true });
      assert.deepEqual(s.subjectAltNames, [
        { type: 'dns', value: 'kms.example.cn' }, { type: 'ip', value: '10.0.0.7' }, { type: 'ip', value: '2001:db8::1' }, { type: 'email', value: 'ops@example.cn' },
      ]);
      assert.equal(s.subjectKeyIdentifier, s.authorityKeyIdentifier);
      assert.deepEqual(s.unknownCritical, []);
      // JSON-safe: survives a round trip unchanged.
      assert.deepEqual(JSON.parse(JSON.stringify(s)), s);
      // DER input gives the same summary.
      d.run(['x509', '-in', `${name}.pem`, '-outform', 'DER', '-out', `${name}.der`]);
      assert.deepEqual(parseCertificate(d.read(`${name}.der`)).summary, s);
    });
  }

  test('serial numbers with the high bit set print without the DER sign byte', () => {
    d.selfSignedCa('hi', 'ec', '/CN=hi', ['-set_serial', '0xF1020304']);
    const s = parseCertificate(d.text('hi.pem')).summary;
    assert.equal(s.serialNumber, 'F1020304');
    assert.equal(s.serialNumber, opensslField('hi.pem', ['-serial']));
  });

  test('RSA 3072 and 4096 keys report their spec; P-384 reports none', () => {
    d.run(['req', '-x509', '-newkey', 'rsa:3072', '-nodes', '-keyout', 'r3.key', '-out', 'r3.pem', '-subj', '/CN=r3', '-days', '2']);
    d.run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-nodes', '-keyout', 'p384.key', '-out', 'p384.pem', '-subj', '/CN=p384', '-days', '2', '-sha384']);
    assert.equal(parseCertificate(d.read('r3.pem')).summary.publicKey.spec, 'RSA_3072');
    const p384 = parseCertificate(d.read('p384.pem')).summary;
    assert.deepEqual([p384.publicKey.spec, p384.publicKey.curve, p384.publicKey.bits, p384.signatureAlgorithm.name], [null, 'P-384', 384, 'ecdsa-with-SHA384']);
  });
});

function spkiDerOf(pubFile: string): Buffer {
  d.run(['pkey', '-pubin', '-in', pubFile, '-outform', 'DER', '-out', `${pubFile}.der`]);
  return d.read(`${pubFile}.der`);
}

describe('parseCertificateBundle', () => {
  test('a chain file with a key block in it yields the certificates in file order', () => {
    d.selfSignedCa('b-root', 'ec', '/CN=B Root');
    d.issue('b-leaf', 'ec', '/CN=B Leaf', 'b-root');
    const text = d.text('b-leaf.pem') + d.text('b-root.key') + 'comment line\n' + d.text('b-root.pem');
    const certs = parseCertificateBundle(text);
    assert.deepEqual(certs.map((c) => c.summary.subject.fields.CN), ['B Leaf', 'B Root']);
  });
  test('a bundle with no certificate is refused', () => {
    assert.throws(() => parseCertificateBundle(d.text('b-root.key')), (e: unknown) => e instanceof KwError && e.code === 'CertificateInvalid');
    assert.throws(() => parseCertificateBundle(''), (e: unknown) => e instanceof KwError && e.code === 'CertificateInvalid');
  });
});

describe('parseCsr against openssl req', () => {
  for (const k of KEYS) {
    test(`${k.spec} request: subject, key and requested SANs`, () => {
      const keyArgs = k.type === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', k.type];
      const sig = k.type === 'sm2' ? ['-sm3', '-sigopt', 'distid:1234567812345678'] : [];
      d.run(['req', '-new', ...keyArgs, '-nodes', '-keyout', `r-${k.algorithm}.key`, '-out', `r-${k.algorithm}.csr`, '-utf8',
        '-subj', '/C=CN/O=Org/OU=A/CN=请求', '-addext', 'subjectAltName=DNS:a.example,IP:192.168.1.1', ...sig]);
      const csr = parseCsr(d.read(`r-${k.algorithm}.csr`));
      assert.deepEqual(csr.summary.subject.fields, { C: 'CN', O: 'Org', OU: ['A'], CN: '请求' });
      assert.equal(csr.summary.publicKey.spec, k.spec);
      assert.equal(csr.summary.signatureAlgorithm.name, k.sig);
      assert.deepEqual(csr.summary.subjectAltNames, [{ type: 'dns', value: 'a.example' }, { type: 'ip', value: '192.168.1.1' }]);
    });
  }
  test('a certificate is not a request, and a request is not a certificate', () => {
    assert.throws(() => parseCsr(d.read('hi.pem')), (e: unknown) => e instanceof KwError && e.code === 'CertificateInvalid');
    assert.throws(() => parseCertificate(d.read('r-EC.csr')), (e: unknown) => e instanceof KwError && e.code === 'CertificateInvalid');
  });
});
