// Chains built by the OpenSSL CLI: good three-level chains validate (as `openssl verify`
// agrees), and each kind of fault is reported with its own precise reason.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { OpensslDir, SM2_ID } from './openssl.ts';
import { testCrypto } from './test-suite.ts';
import { validateChain, expiryStatus } from '../../core/x509/chain.ts';
import { parseCertificate } from '../../core/x509/parse.ts';
import { verifyCertificateSignature } from '../../core/x509/verify.ts';
import { KwError } from '../../core/api/errors.ts';

const d = new OpensslDir();
after(() => d.cleanup());
// A minute ahead: certificates issued during the run start at their issuance second.
const soon = () => new Date(Date.now() + 60_000);
const now = soon();
const DAY = 86_400_000;
const CA_EXT = 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n';

function chainOf(prefix: string, key: 'rsa:2048' | 'ec' | 'sm2', leafDays = 365): void {
  d.selfSignedCa(`${prefix}-root`, key, `/O=${prefix}/CN=${prefix} Root`);
  d.issue(`${prefix}-int`, key, `/O=${prefix}/CN=${prefix} Intermediate`, `${prefix}-root`, { ext: CA_EXT });
  d.issue(`${prefix}-leaf`, key, `/O=${prefix}/CN=${prefix} Leaf`, `${prefix}-int`, { days: leafDays });
}
const validate = (prefix: string, at = now, anchors = true) =>
  validateChain(d.read(`${prefix}-leaf.pem`), [d.read(`${prefix}-int.pem`), ...(anchors ? [] : [d.read(`${prefix}-root.pem`)])], {
    at, crypto: testCrypto, ...(anchors ? { trustAnchors: [d.read(`${prefix}-root.pem`)] } : {}),
  });

describe('valid chains made by openssl', () => {
  for (const key of ['rsa:2048', 'ec', 'sm2'] as const) {
    test(`${key}: root → intermediate → leaf`, () => {
      const p = `ok-${key.slice(0, 3)}`;
      chainOf(p, key);
      const r = validate(p);
      assert.deepEqual([r.ok, r.reasons, r.anchor, r.unused], [true, [], 'trustAnchor', []]);
      assert.deepEqual(r.path.map((c) => [c.role, c.subject, c.signature, c.validity]), [
        ['leaf', `CN=${p} Leaf,O=${p}`, 'ok', 'ok'],
        ['intermediate', `CN=${p} Intermediate,O=${p}`, 'ok', 'ok'],
        ['root', `CN=${p} Root,O=${p}`, 'trustAnchor', 'ok'],
      ]);
      // OpenSSL agrees. For SM2, OpenSSL 3.0 applies -vfyopt only at depth 0, so each link is checked on its own.
      if (key === 'sm2') {
        assert.match(d.run(['verify', '-vfyopt', `distid:${SM2_ID}`, '-CAfile', `${p}-root.pem`, `${p}-int.pem`]), /OK/);
        assert.match(d.run(['verify', '-partial_chain', '-vfyopt', `distid:${SM2_ID}`, '-CAfile', `${p}-int.pem`, `${p}-leaf.pem`]), /OK/);
      } else {
        assert.match(d.run(['verify', '-CAfile', `${p}-root.pem`, '-untrusted', `${p}-int.pem`, `${p}-leaf.pem`]), /OK/);
      }
      // Without anchors, the supplied self-signed root ends the path and the caller decides trust.
      const open = validate(p, now, false);
      assert.deepEqual([open.ok, open.anchor, open.path.length], [true, 'selfSignedInChain', 3]);
    });
  }
  test('chain order in the input does not matter, and spare certificates are listed as unused', () => {
    d.selfSignedCa('spare', 'ec', '/CN=Spare');
    const r = validateChain(d.read('ok-ec-leaf.pem'), [d.read('spare.pem'), d.read('ok-ec-root.pem'), d.read('ok-ec-int.pem')], { at: now, crypto: testCrypto });
    assert.equal(r.ok, true);
    assert.deepEqual(r.unused, [parseCertificate(d.read('spare.pem')).summary.fingerprints.sha256]);
  });
});

describe('faults, each with its precise reason', () => {
  test('expired leaf (issued for 1 day, validated 3 days on) — openssl -attime agrees', () => {
    chainOf('exp', 'ec', 1);
    const later = new Date(now.getTime() + 3 * DAY);
    const r = validate('exp', later);
    assert.deepEqual([r.ok, r.reasons], [false, ['expired']]);
    assert.deepEqual(r.path.map((c) => c.validity), ['expired', 'ok', 'ok']);
    const o = d.tryRun(['verify', '-attime', String(Math.floor(later.getTime() / 1000)), '-CAfile', 'exp-root.pem', '-untrusted', 'exp-int.pem', 'exp-leaf.pem']);
    assert.equal(o.ok, false);
    assert.match(o.out, /certificate has expired/);
  });
  test('not yet valid (validated before the chain was issued)', () => {
    const r = validate('exp', new Date(now.getTime() - 2 * DAY));
    assert.deepEqual([r.ok, r.reasons], [false, ['notYetValid']]);
    assert.deepEqual(r.path.map((c) => c.validity), ['notYetValid', 'notYetValid', 'notYetValid']);
  });
  test('wrong chain: the intermediate of another CA → missingIssuer', () => {
    chainOf('other', 'ec');
    const r = validateChain(d.read('ok-ec-leaf.pem'), [d.read('other-int.pem')], { at: now, crypto: testCrypto, trustAnchors: [d.read('other-root.pem')] });
    assert.deepEqual([r.ok, r.reasons, r.path.length, r.anchor], [false, ['missingIssuer'], 1, null]);
    assert.equal(r.path[0]!.signature, 'noIssuer');
  });
  test('chain complete but rooted elsewhere → untrustedRoot', () => {
    const r = validateChain(d.read('ok-ec-leaf.pem'), [d.read('ok-ec-int.pem'), d.read('ok-ec-root.pem')], { at: now, crypto: testCrypto, trustAnchors: [d.read('other-root.pem')] });
    assert.deepEqual([r.ok, r.reasons, r.anchor], [false, ['untrustedRoot'], null]);
  });
  for (const key of ['rsa:2048', 'ec', 'sm2'] as const) {
    test(`${key}: one flipped bit in the signature → badSignature`, () => {
      const leaf = parseCertificate(d.read(`ok-${key.slice(0, 3)}-leaf.pem`));
      const der = Uint8Array.from(leaf.der);
      // The signature BIT STRING ends the certificate: flip a bit of its last byte (inside s for ECDSA/SM2).
      der[der.length - 1]! ^= 0x01;
      const r = validateChain(der, [d.read(`ok-${key.slice(0, 3)}-int.pem`)], { at: now, crypto: testCrypto, trustAnchors: [d.read(`ok-${key.slice(0, 3)}-root.pem`)] });
      assert.deepEqual([r.ok, r.reasons], [false, ['badSignature']]);
      assert.equal(r.path[0]!.signature, 'bad');
      assert.equal(verifyCertificateSignature(parseCertificate(der), parseCertificate(d.read(`ok-${key.slice(0, 3)}-int.pem`)), testCrypto), 'bad');
    });
  }
  test('a tampered TBS (subject changed after signing) → badSignature', () => {
    const leaf = parseCertificate(d.read('ok-ec-leaf.pem'));
    const der = Buffer.from(leaf.der);
    const at = der.indexOf(Buffer.from('ok-ec Leaf'));
    der[at] = 'O'.charCodeAt(0);
    const r = validateChain(der, [d.read('ok-ec-int.pem')], { at: now, crypto: testCrypto, trustAnchors: [d.read('ok-ec-root.pem')] });
    assert.deepEqual(r.reasons, ['badSignature']);
  });
  test('issuer without CA:TRUE → issuerNotCa (openssl agrees)', () => {
    d.selfSignedCa('nca-root', 'ec', '/CN=nca Root');
    d.issue('nca-int', 'ec', '/CN=nca Not A CA', 'nca-root', { ext: 'basicConstraints=CA:FALSE\nkeyUsage=critical,keyCertSign,digitalSignature\n' });
    d.issue('nca-leaf', 'ec', '/CN=nca Leaf', 'nca-int');
    const now = soon(); // these certificates were made just now, after the module's clock was read
    const r = validateChain(d.read('nca-leaf.pem'), [d.read('nca-int.pem')], { at: now, crypto: testCrypto, trustAnchors: [d.read('nca-root.pem')] });
    assert.deepEqual([r.ok, r.reasons], [false, ['issuerNotCa']]);
    assert.deepEqual(r.path[1]!.reasons, ['issuerNotCa']);
    assert.equal(d.tryRun(['verify', '-CAfile', 'nca-root.pem', '-untrusted', 'nca-int.pem', 'nca-leaf.pem']).ok, false);
  });
  test('CA whose key usage lacks keyCertSign → keyUsage', () => {
    d.selfSignedCa('ku-root', 'ec', '/CN=ku Root');
    d.issue('ku-int', 'ec', '/CN=ku Int', 'ku-root', { ext: 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,digitalSignature\n' });
    d.issue('ku-leaf', 'ec', '/CN=ku Leaf', 'ku-int');
    const now = soon(); // these certificates were made just now, after the module's clock was read
    const r = validateChain(d.read('ku-leaf.pem'), [d.read('ku-int.pem')], { at: now, crypto: testCrypto, trustAnchors: [d.read('ku-root.pem')] });
    assert.deepEqual([r.ok, r.reasons], [false, ['keyUsage']]);
  });
  test('root with pathlen:0 above an intermediate → pathLenExceeded (openssl agrees)', () => {
    d.selfSignedCa('pl-root', 'ec', '/CN=pl Root', ['-addext', 'basicConstraints=critical,CA:TRUE,pathlen:0']);
    d.issue('pl-int', 'ec', '/CN=pl Int', 'pl-root', { ext: CA_EXT });
    d.issue('pl-leaf', 'ec', '/CN=pl Leaf', 'pl-int');
    const now = soon(); // these certificates were made just now, after the module's clock was read
    const r = validateChain(d.read('pl-leaf.pem'), [d.read('pl-int.pem')], { at: now, crypto: testCrypto, trustAnchors: [d.read('pl-root.pem')] });
    assert.deepEqual([r.ok, r.reasons], [false, ['pathLenExceeded']]);
    assert.deepEqual(r.path[2]!.reasons, ['pathLenExceeded']);
    assert.match(d.tryRun(['verify', '-CAfile', 'pl-root.pem', '-untrusted', 'pl-int.pem', 'pl-leaf.pem']).out, /path length constraint exceeded/);
  });
  test('several faults are all reported, leaf first', () => {
    const later = new Date(now.getTime() + 3 * DAY);
    const r = validateChain(d.read('exp-leaf.pem'), [d.read('other-int.pem')], { at: later, crypto: testCrypto, trustAnchors: [d.read('exp-root.pem')] });
    assert.deepEqual(r.reasons, ['expired', 'missingIssuer']);
  });
  test('a self-signed certificate trusted directly is a valid one-element path', () => {
    const r = validateChain(d.read('spare.pem'), [], { at: now, crypto: testCrypto, trustAnchors: [d.read('spare.pem')] });
    assert.deepEqual([r.ok, r.path.length, r.path[0]!.role, r.anchor], [true, 1, 'leaf', 'trustAnchor']);
  });
  test('an invalid validation time is refused', () => {
    assert.throws(() => validate('ok-ec', new Date(NaN)), (e: unknown) => e instanceof KwError && e.code === 'InvalidParameter');
  });
});

describe('expiryStatus', () => {
  test('ok, warning, expired and notYetValid around a 1-day certificate', () => {
    const leaf = parseCertificate(d.read('exp-leaf.pem'));
    assert.deepEqual(expiryStatus(leaf, now), { daysLeft: 0, level: 'warning' });
    assert.deepEqual(expiryStatus(leaf, new Date(now.getTime() + 3 * DAY)), { daysLeft: -3, level: 'expired' });
    assert.equal(expiryStatus(leaf, new Date(now.getTime() - 2 * DAY)).level, 'notYetValid');
    const root = parseCertificate(d.read('exp-root.pem'));
    assert.equal(expiryStatus(root, now).level, 'ok');
    assert.equal(expiryStatus(root, new Date(root.notAfter.getTime() - 10 * DAY)).level, 'warning');
    assert.equal(expiryStatus(root, new Date(root.notAfter.getTime() - 10 * DAY), 5).level, 'ok');
  });
});
