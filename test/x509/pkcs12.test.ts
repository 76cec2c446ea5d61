// PKCS#12 and encrypted PKCS#8 against the OpenSSL CLI in both directions: files made by
// `openssl pkcs12 -export` (OpenSSL 3 defaults and -legacy) import; files Keywarden writes
// are read by `openssl pkcs12 -info` and `openssl pkcs8`.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { OpensslDir } from './openssl.ts';
import { importPkcs12, exportPkcs12, encryptPkcs8, decryptPkcs8 } from '../../core/x509/pkcs12.ts';
import { parseCertificate } from '../../core/x509/parse.ts';
import { privateKeyMatchesCertificate, publicKeyMatchesCertificate } from '../../core/x509/match.ts';
import { KwError } from '../../core/api/errors.ts';
import { testCrypto } from './test-suite.ts';
import { MAX_PBE_ITERATIONS, PBE_WORK_PER_FILE, PbeBudget } from '../../core/x509/pbe.ts';

const d = new OpensslDir();
after(() => d.cleanup());
const PASS = 'Pässwort-测试-1';
const isKw = (code: string) => (e: unknown) => e instanceof KwError && e.code === code;

function pkcs8Of(keyFile: string): Buffer {
  d.run(['pkcs8', '-topk8', '-nocrypt', '-in', keyFile, '-outform', 'DER', '-out', `${keyFile}.p8`]);
  return d.read(`${keyFile}.p8`);
}
const pem = (name: string) => d.text(name);

for (const key of ['rsa:2048', 'ec', 'sm2'] as const) {
  const p = `p12-${key.slice(0, 3)}`;
  d.selfSignedCa(`${p}-root`, key, `/CN=${p} Root`);
  d.issue(`${p}-int`, key, `/CN=${p} Int`, `${p}-root`, { ext: 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n' });
  d.issue(`${p}-leaf`, key, `/CN=${p} Leaf`, `${p}-int`);
  d.write(`${p}-chain.pem`, pem(`${p}-int.pem`) + pem(`${p}-root.pem`));
}

describe('importPkcs12 of openssl pkcs12 -export', () => {
  for (const key of ['rsa:2048', 'ec', 'sm2'] as const) {
    for (const legacy of [false, true]) {
      test(`${key}${legacy ? ' -legacy (3DES/RC2, SHA-1 MAC)' : ' (AES-256-CBC, PBKDF2, SHA-256 MAC)'}`, () => {
        const p = `p12-${key.slice(0, 3)}`;
        const out = `${p}${legacy ? '-legacy' : ''}.p12`;
        d.run(['pkcs12', '-export', ...(legacy ? ['-legacy'] : []), '-inkey', `${p}-leaf.key`, '-in', `${p}-leaf.pem`, '-certfile', `${p}-chain.pem`,
          '-name', 'officer key', '-passout', `pass:${PASS}`, '-out', out]);
        const info = d.tryRun(['pkcs12', '-info', '-noout', '-in', out, '-passin', `pass:${PASS}`, ...(legacy ? ['-legacy'] : [])]).out;
        assert.match(info, legacy ? /pbeWithSHA1And40BitRC2-CBC[\s\S]*pbeWithSHA1And3-KeyTripleDES-CBC/ : /PBES2, PBKDF2, AES-256-CBC/);
        const got = importPkcs12(d.read(out), PASS);
        assert.deepEqual(Buffer.from(got.privateKey), pkcs8Of(`${p}-leaf.key`));
        assert.equal(parseCertificate(got.certificate).summary.subject.fields.CN, `${p} Leaf`);
        assert.deepEqual(got.chain.map((c) => parseCertificate(c).summary.subject.fields.CN), [`${p} Int`, `${p} Root`]);
        assert.equal(got.friendlyName, 'officer key');
        assert.equal(privateKeyMatchesCertificate(got.privateKey, parseCertificate(got.certificate)), true);
        // base64 text is accepted too (the API carries pkcs12 as base64).
        assert.deepEqual(importPkcs12(d.read(out).toString('base64'), PASS).certificate, got.certificate);
        assert.throws(() => importPkcs12(d.read(out), PASS + 'x'), isKw('Pkcs12PasswordIncorrect'));
      });
    }
  }
  test('a file without a MAC (-nomac): a wrong password is still a password error', () => {
    d.run(['pkcs12', '-export', '-nomac', '-inkey', 'p12-ec-leaf.key', '-in', 'p12-ec-leaf.pem', '-passout', `pass:${PASS}`, '-out', 'nomac.p12']);
    assert.equal(importPkcs12(d.read('nomac.p12'), PASS).chain.length, 0);
    assert.throws(() => importPkcs12(d.read('nomac.p12'), 'wrong'), isKw('Pkcs12PasswordIncorrect'));
  });
  test('a file with certificates but no private key → CertificateInvalid', () => {
    d.run(['pkcs12', '-export', '-nokeys', '-in', 'p12-ec-int.pem', '-passout', `pass:${PASS}`, '-out', 'nokey.p12']);
    assert.throws(() => importPkcs12(d.read('nokey.p12'), PASS), isKw('CertificateInvalid'));
  });
  test('iteration counts are bounded: 100 000 opens, more is refused before any key derivation', () => {
    d.run(['pkcs12', '-export', '-iter', String(MAX_PBE_ITERATIONS), '-inkey', 'p12-ec-leaf.key', '-in', 'p12-ec-leaf.pem', '-passout', `pass:${PASS}`, '-out', 'iter-max.p12']);
    assert.equal(importPkcs12(d.read('iter-max.p12'), PASS).chain.length, 0);
    d.run(['pkcs12', '-export', '-iter', String(MAX_PBE_ITERATIONS + 1), '-inkey', 'p12-ec-leaf.key', '-in', 'p12-ec-leaf.pem', '-passout', `pass:${PASS}`, '-out', 'iter-over.p12']);
    assert.throws(() => importPkcs12(d.read('iter-over.p12'), PASS), (e: unknown) => isKw('CertificateInvalid')(e) && /iteration count/.test((e as Error).message));
    d.run(['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-iter', String(MAX_PBE_ITERATIONS + 1), '-in', 'p12-ec-leaf.key', '-passout', `pass:${PASS}`, '-out', 'iter-over.p8.pem']);
    assert.throws(() => decryptPkcs8(d.text('iter-over.p8.pem'), PASS), isKw('CertificateInvalid'));
  });
  test('the work over a whole file is bounded too', () => {
    const budget = new PbeBudget(PBE_WORK_PER_FILE);
    for (let i = 0; i < PBE_WORK_PER_FILE / MAX_PBE_ITERATIONS; i++) budget.spend(MAX_PBE_ITERATIONS, 1);
    assert.throws(() => budget.spend(1, 1), (e: unknown) => isKw('CertificateInvalid')(e) && /password-based work/.test((e as Error).message));
    assert.throws(() => new PbeBudget().spend(2n ** 64n, 1), isKw('CertificateInvalid'));
  });
});

describe('exportPkcs12 and encryptPkcs8 read back by openssl', () => {
  for (const key of ['rsa:2048', 'ec', 'sm2'] as const) {
    test(`${key}: PKCS#12 with chain, then openssl pkcs12 -info -nodes`, () => {
      const p = `p12-${key.slice(0, 3)}`;
      const pkcs8 = pkcs8Of(`${p}-leaf.key`);
      const der = exportPkcs12({ privateKey: pkcs8, certificate: d.read(`${p}-leaf.pem`), chain: [d.read(`${p}-int.pem`), d.read(`${p}-root.pem`)] }, PASS, { friendlyName: 'kw export' });
      d.write(`${p}-kw.p12`, der);
      const info = d.tryRun(['pkcs12', '-info', '-nodes', '-in', `${p}-kw.p12`, '-passin', `pass:${PASS}`]).out;
      assert.match(info, /PBES2, PBKDF2, AES-256-CBC/);
      assert.equal((info.match(/BEGIN CERTIFICATE/g) ?? []).length, 3);
      assert.match(info, /friendlyName: kw export/);
      d.write(`${p}-kw.keyout`, info.slice(info.indexOf('-----BEGIN PRIVATE KEY-----')));
      assert.deepEqual(pkcs8Of(`${p}-kw.keyout`), pkcs8);
      assert.match(info, /MAC: sha256/);
      // and it round-trips through Keywarden's own importer
      const back = importPkcs12(der, PASS);
      assert.deepEqual(Buffer.from(back.privateKey), pkcs8);
      assert.equal(back.chain.length, 2);
      assert.throws(() => d.run(['pkcs12', '-info', '-nodes', '-in', `${p}-kw.p12`, '-passin', 'pass:wrong']));
    });
    test(`${key}: encrypted PKCS#8 PEM, then openssl pkcs8`, () => {
      const p = `p12-${key.slice(0, 3)}`;
      const pkcs8 = pkcs8Of(`${p}-leaf.key`);
      const encPem = encryptPkcs8(pkcs8, PASS);
      d.write(`${p}-enc.pem`, encPem);
      d.run(['pkcs8', '-topk8', '-nocrypt', '-in', `${p}-enc.pem`, '-passin', `pass:${PASS}`, '-outform', 'DER', '-out', `${p}-dec.der`]);
      assert.deepEqual(d.read(`${p}-dec.der`), pkcs8);
      assert.deepEqual(Buffer.from(decryptPkcs8(encPem, PASS)), pkcs8);
      assert.throws(() => decryptPkcs8(encPem, 'wrong'), isKw('Pkcs12PasswordIncorrect'));
      // and the other way: openssl pkcs8 -topk8 output decrypts here
      d.run(['pkcs8', '-topk8', '-in', `${p}-leaf.key`, '-passout', `pass:${PASS}`, '-out', `${p}-ossl-enc.pem`]);
      assert.deepEqual(Buffer.from(decryptPkcs8(d.text(`${p}-ossl-enc.pem`), PASS)), pkcs8);
    });
  }
  test('export refuses a key that is not the certificate\'s, and an empty password', () => {
    assert.throws(() => exportPkcs12({ privateKey: pkcs8Of('p12-ec-leaf.key'), certificate: d.read('p12-ec-int.pem') }, PASS), isKw('CertificateKeyMismatch'));
    assert.throws(() => exportPkcs12({ privateKey: pkcs8Of('p12-ec-leaf.key'), certificate: d.read('p12-ec-leaf.pem') }, ''), isKw('InvalidParameter'));
    assert.throws(() => encryptPkcs8(pkcs8Of('p12-ec-leaf.key'), ''), isKw('InvalidParameter'));
  });
});

describe('match', () => {
  test('public and private keys against certificates, across key types', () => {
    const ec = parseCertificate(d.read('p12-ec-leaf.pem'));
    const sm2 = parseCertificate(d.read('p12-sm2-leaf.pem'));
    const rsa = parseCertificate(d.read('p12-rsa-leaf.pem'));
    assert.equal(publicKeyMatchesCertificate(ec.spki, ec), true);
    assert.equal(publicKeyMatchesCertificate(sm2.spki, ec), false);
    assert.equal(publicKeyMatchesCertificate(new Uint8Array([0x30, 0x00]), ec), false);
    for (const [c, k] of [[ec, 'p12-ec-leaf.key'], [sm2, 'p12-sm2-leaf.key'], [rsa, 'p12-rsa-leaf.key']] as const) {
      assert.equal(privateKeyMatchesCertificate(pkcs8Of(k), c), true);
      assert.equal(privateKeyMatchesCertificate(pkcs8Of(k), parseCertificate(d.read(k.replace('leaf.key', 'int.pem')))), false);
      // With the engine deriving the public key (the authoritative path).
      assert.equal(privateKeyMatchesCertificate(pkcs8Of(k), c, testCrypto), true);
      assert.equal(privateKeyMatchesCertificate(pkcs8Of(k), parseCertificate(d.read(k.replace('leaf.key', 'int.pem'))), testCrypto), false);
    }
    // An EC PKCS#8 without the optional public key field is still matched (derived by node:crypto).
    const noPub = createPrivateKey(pem('p12-ec-leaf.key'));
    const stripped = d.write('ec-nopub.key', noPub.export({ format: 'pem', type: 'sec1' }).toString());
    d.run(['ec', '-in', stripped, '-no_public', '-out', 'ec-nopub2.key']);
    assert.equal(privateKeyMatchesCertificate(pkcs8Of('ec-nopub2.key'), ec), true);
  });
});
