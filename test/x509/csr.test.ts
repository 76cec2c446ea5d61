// Keywarden's PKCS#10 requests, checked by OpenSSL: `openssl req -verify` accepts them,
// an `openssl x509 -req` CA (RSA and SM2) signs them, and the issued certificate parses
// and chain-validates back in Keywarden.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { OpensslDir, SM2_ID } from './openssl.ts';
import { generateTestKeyPair, testCrypto } from './test-suite.ts';
import { buildCsr } from '../../core/x509/csr.ts';
import type { CsrRequest } from '../../core/x509/csr.ts';
import { suiteSigner } from '../../core/x509/signer.ts';
import { parseCertificate, parseCsr } from '../../core/x509/parse.ts';
import { verifyCsrSignature } from '../../core/x509/verify.ts';
import { validateChain } from '../../core/x509/chain.ts';
import { KwError } from '../../core/api/errors.ts';
import { pureSuite } from '../../core/crypto/pure-suite.ts';

const d = new OpensslDir();
after(() => d.cleanup());
d.selfSignedCa('rsa-ca', 'rsa:2048', '/C=CN/O=Test CA/CN=RSA CA');
d.selfSignedCa('sm2-ca', 'sm2', '/C=CN/O=Test CA/CN=SM2 CA');

const subject = { CN: 'kms-01.example.cn', C: 'CN', O: '示例公司', OU: ['平台', 'Security'], ST: 'Beijing', L: 'Haidian', E: 'ops@example.cn' };
const sans: CsrRequest['subjectAlternativeNames'] = [
  { type: 'dns', value: 'kms-01.example.cn' }, { type: 'dns', value: '*.kms.example.cn' },
  { type: 'ip', value: '10.1.2.3' }, { type: 'ip', value: 'fd00::5' }, { type: 'email', value: 'ops@example.cn' },
];
const isKw = (code: string) => (e: unknown) => e instanceof KwError && e.code === code;

describe('buildCsr → openssl req -verify → openssl x509 -req → parse and validate', () => {
  for (const spec of ['RSA_2048', 'EC_P256', 'SM2'] as const) {
    for (const ca of ['rsa-ca', 'sm2-ca'] as const) {
      test(`${spec} request signed by ${ca}`, async () => {
        const kp = generateTestKeyPair(spec);
        const csr = await buildCsr({ subject, subjectAlternativeNames: sans, publicKey: kp.publicKey }, suiteSigner(testCrypto, spec, kp.privateKey));
        assert.equal(csr.keySpec, spec);
        const file = d.write(`${spec}-${ca}.csr`, csr.pem);
        // OpenSSL 3.0 checks SM2 request signatures with an empty id unless told the GM/T default.
        assert.equal(d.csrVerifies(file, spec === 'SM2' ? ['-vfyopt', `distid:${SM2_ID}`] : []), true);
        if (spec === 'SM2') assert.equal(d.csrVerifies(file), false);
        assert.equal(verifyCsrSignature(parseCsr(csr.der), testCrypto), 'ok');
        d.signCsr(file, ca, `${spec}-${ca}.pem`, { ext: 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectAltName=DNS:kms-01.example.cn,IP:10.1.2.3\n' });
        const cert = parseCertificate(d.read(`${spec}-${ca}.pem`));
        assert.deepEqual(cert.summary.subject.fields, subject);
        assert.equal(cert.summary.publicKey.spki, Buffer.from(kp.publicKey).toString('base64'));
        assert.equal(cert.summary.issuer.fields.CN, ca === 'rsa-ca' ? 'RSA CA' : 'SM2 CA');
        assert.equal(cert.summary.signatureAlgorithm.name, ca === 'rsa-ca' ? 'sha256WithRSAEncryption' : 'SM2-with-SM3');
        const report = validateChain(cert, [], { at: new Date(Date.now() + 60_000), crypto: testCrypto, trustAnchors: [d.read(`${ca}.pem`)] });
        assert.deepEqual([report.ok, report.reasons, report.anchor], [true, [], 'trustAnchor']);
        assert.deepEqual(report.path.map((p) => [p.role, p.signature]), [['leaf', 'ok'], ['root', 'trustAnchor']]);
      });
    }
  }

  test('the request carries exactly the subject and SANs asked for, as OpenSSL reads them', async () => {
    const kp = generateTestKeyPair('EC_P256');
    const csr = await buildCsr({ subject, subjectAlternativeNames: sans, publicKey: kp.publicKey }, suiteSigner(testCrypto, 'EC_P256', kp.privateKey));
    d.write('fields.csr', csr.pem);
    const text = d.run(['req', '-in', 'fields.csr', '-noout', '-text', '-nameopt', 'RFC2253,-esc_msb,utf8']);
    assert.match(text, /Subject: emailAddress=ops@example.cn,CN=kms-01.example.cn,OU=Security,OU=平台,O=示例公司,L=Haidian,ST=Beijing,C=CN/);
    assert.match(text, /DNS:kms-01.example.cn, DNS:\*.kms.example.cn, IP Address:10.1.2.3, IP Address:FD00:0:0:0:0:0:0:5, email:ops@example.cn/);
    assert.deepEqual(parseCsr(csr.pem).summary.subjectAltNames, sans);
  });

  test('the pure-JS suite (Electron runtime) signs requests OpenSSL accepts and validates SM2 chains', async () => {
    for (const spec of ['EC_P256', 'SM2'] as const) {
      const kp = pureSuite.generateKeyPair(spec);
      const csr = await buildCsr({ subject: { CN: `pure ${spec}` }, publicKey: kp.publicKey }, suiteSigner(pureSuite, spec, kp.privateKey));
      const file = d.write(`pure-${spec}.csr`, csr.pem);
      assert.equal(d.csrVerifies(file, spec === 'SM2' ? ['-vfyopt', `distid:${SM2_ID}`] : []), true);
      d.signCsr(file, 'sm2-ca', `pure-${spec}.pem`);
      const r = validateChain(d.read(`pure-${spec}.pem`), [], { at: new Date(Date.now() + 60_000), crypto: pureSuite, trustAnchors: [d.read('sm2-ca.pem')] });
      assert.deepEqual([r.ok, r.reasons], [true, []]);
    }
  });

  test('a signer callback (as a token key signs) may be asynchronous', async () => {
    const kp = generateTestKeyPair('SM2');
    const sign = suiteSigner(testCrypto, 'SM2', kp.privateKey);
    let calls = 0;
    const csr = await buildCsr({ subject: { CN: 'token key' }, publicKey: kp.publicKey }, async (tbs) => {
      calls++;
      await new Promise((r) => setImmediate(r));
      return sign(tbs);
    });
    assert.equal(calls, 1);
    assert.equal(verifyCsrSignature(parseCsr(csr.pem), testCrypto), 'ok');
  });

  test('a signature by a different key is caught', async () => {
    const kp = generateTestKeyPair('EC_P256');
    const other = generateTestKeyPair('EC_P256');
    const csr = await buildCsr({ subject: { CN: 'x' }, publicKey: kp.publicKey }, suiteSigner(testCrypto, 'EC_P256', other.privateKey));
    assert.equal(verifyCsrSignature(parseCsr(csr.pem), testCrypto), 'bad');
    assert.equal(d.csrVerifies(d.write('wrongkey.csr', csr.pem)), false);
  });
});

describe('buildCsr refuses bad input before signing', () => {
  const kp = generateTestKeyPair('EC_P256');
  const never = () => {
    throw new Error('signer must not be called');
  };
  const cases: [string, Partial<CsrRequest>, string][] = [
    ['country not two letters', { subject: { CN: 'x', C: 'China' } }, 'InvalidParameter'],
    ['country lower case', { subject: { CN: 'x', C: 'cn' } }, 'InvalidParameter'],
    ['six OUs', { subject: { CN: 'x', OU: ['1', '2', '3', '4', '5', '6'] } }, 'InvalidParameter'],
    ['empty CN', { subject: { CN: '' } }, 'InvalidParameter'],
    ['CN over 64', { subject: { CN: 'x'.repeat(65) } }, 'InvalidParameter'],
    ['control character', { subject: { CN: 'a\nb' } }, 'InvalidParameter'],
    ['bad e-mail', { subject: { CN: 'x', E: 'not-an-address' } }, 'InvalidParameter'],
    ['bad IP SAN', { subject: { CN: 'x' }, subjectAlternativeNames: [{ type: 'ip', value: '300.1.1.1' }] }, 'InvalidParameter'],
    ['bad DNS SAN', { subject: { CN: 'x' }, subjectAlternativeNames: [{ type: 'dns', value: 'a..b' }] }, 'InvalidParameter'],
    ['unknown SAN type', { subject: { CN: 'x' }, subjectAlternativeNames: [{ type: 'uri' as 'dns', value: 'http://x' }] }, 'InvalidParameter'],
    ['no subject', { subject: undefined as unknown as CsrRequest['subject'] }, 'MissingParameter'],
    ['garbage key', { subject: { CN: 'x' }, publicKey: new Uint8Array([1, 2, 3]) }, 'InvalidPublicKey'],
  ];
  for (const [what, req, code] of cases) {
    test(what, async () => {
      await assert.rejects(buildCsr({ publicKey: kp.publicKey, ...req } as CsrRequest, never), isKw(code));
    });
  }
  test('key specs outside RSA_2048/3072/4096, EC_P256, SM2 are refused', async () => {
    d.run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384', '-out', 'p384.key']);
    d.run(['pkey', '-in', 'p384.key', '-pubout', '-outform', 'DER', '-out', 'p384.spki']);
    await assert.rejects(buildCsr({ subject: { CN: 'x' }, publicKey: d.read('p384.spki') }, never), isKw('InvalidParameter'));
  });
});
