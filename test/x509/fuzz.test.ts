// Every parser an officer's files reach (certificate PEM/DER, bundle, CSR, PKCS#12, encrypted
// PKCS#8) given truncated, bit-flipped and random inputs: never a crash, always a KwError
// whose code is one of the few each parser may give. Deterministic (seeded PRNG).
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { OpensslDir } from './openssl.ts';
import { parseCertificate, parseCertificateBundle, parseCsr } from '../../core/x509/parse.ts';
import { importPkcs12, decryptPkcs8 } from '../../core/x509/pkcs12.ts';
import { pemEncode } from '../../core/x509/der.ts';
import { KwError } from '../../core/api/errors.ts';
import { prng } from '../helpers/prng.ts';

const d = new OpensslDir();
after(() => d.cleanup());
d.selfSignedCa('f-sm2', 'sm2', '/C=CN/O=Fuzz/CN=SM2');
d.selfSignedCa('f-ec', 'ec', '/CN=EC', ['-addext', 'subjectAltName=DNS:a.example,IP:10.0.0.1']);
d.run(['req', '-new', '-key', 'f-sm2.key', '-out', 'f.csr', '-subj', '/CN=csr', '-sm3', '-sigopt', 'distid:1234567812345678', '-addext', 'subjectAltName=DNS:x.example']);
d.run(['pkcs12', '-export', '-inkey', 'f-ec.key', '-in', 'f-ec.pem', '-passout', 'pass:pw', '-out', 'f.p12']);
d.run(['pkcs8', '-topk8', '-in', 'f-ec.key', '-passout', 'pass:pw', '-outform', 'DER', '-out', 'f.p8']);


function mutants(valid: Uint8Array, seed: number, count: number): Uint8Array[] {
  const r = prng(seed);
  const out: Uint8Array[] = [new Uint8Array(0), Uint8Array.of(0x30), Uint8Array.of(0x30, 0x80), Uint8Array.of(0x30, 0x84, 0xff, 0xff, 0xff, 0xff)];
  for (let i = 0; i < count; i++) {
    const kind = i % 4;
    if (kind === 0) out.push(valid.subarray(0, Math.floor(r() * valid.length))); // truncation
    else if (kind === 1) {
      const m = Uint8Array.from(valid);
      const flips = 1 + Math.floor(r() * 3);
      for (let f = 0; f < flips; f++) m[Math.floor(r() * m.length)]! ^= 1 << Math.floor(r() * 8);
      out.push(m);
    } else if (kind === 2) {
      const m = Uint8Array.from(valid);
      // Length bytes are the most productive target: overwrite one of the first 40 bytes.
      m[Math.floor(r() * Math.min(40, m.length))] = Math.floor(r() * 256);
      out.push(m);
    } else {
      out.push(Uint8Array.from({ length: Math.floor(r() * 300) }, () => Math.floor(r() * 256)));
    }
  }
  return out;
}

/** Runs fn on every input: success is fine (a flipped bit in a signature still parses), any throw must be a KwError with an allowed code. */
function fuzz(name: string, inputs: (Uint8Array | string)[], fn: (x: Uint8Array | string) => unknown, allowed: string[]): void {
  test(`${name}: ${inputs.length} malformed inputs`, () => {
    const seen = new Map<string, number>();
    for (const [i, input] of inputs.entries()) {
      try {
        fn(input);
        seen.set('parsed', (seen.get('parsed') ?? 0) + 1);
      } catch (e) {
        assert.ok(e instanceof KwError, `case ${i}: threw ${String(e)}`);
        assert.ok(allowed.includes(e.code), `case ${i}: unexpected code ${e.code}`);
        assert.doesNotMatch(e.message, /pw|undefined|TypeError|\[object/, `case ${i}: message leaks internals`);
        seen.set(e.code, (seen.get(e.code) ?? 0) + 1);
      }
    }
    // The corpus really exercises the error path.
    assert.ok((seen.get(allowed[0]!) ?? 0) > inputs.length / 3, JSON.stringify([...seen]));
  });
}

const certDer = (name: string) => {
  d.run(['x509', '-in', name, '-outform', 'DER', '-out', `${name}.der`]);
  return new Uint8Array(d.read(`${name}.der`));
};

describe('parsers never crash on malformed input', () => {
  const sm2 = certDer('f-sm2.pem');
  const ec = certDer('f-ec.pem');
  fuzz('parseCertificate (SM2 DER)', mutants(sm2, 1, 200), (x) => parseCertificate(x), ['CertificateInvalid']);
  fuzz('parseCertificate (EC DER)', mutants(ec, 2, 150), (x) => parseCertificate(x), ['CertificateInvalid']);
  const pems = mutants(sm2, 3, 100).map((m) => pemEncode('CERTIFICATE', m));
  const r = prng(4);
  const pemText = d.text('f-sm2.pem');
  for (let i = 0; i < 50; i++) {
    const cut = Math.floor(r() * pemText.length);
    pems.push(i % 2 ? pemText.slice(0, cut) : pemText.slice(0, cut) + String.fromCharCode(33 + Math.floor(r() * 90)) + pemText.slice(cut + 1));
  }
  fuzz('parseCertificate (PEM text)', pems, (x) => parseCertificate(x), ['CertificateInvalid']);
  fuzz('parseCertificateBundle (PEM text)', pems.map((p) => p + d.text('f-ec.pem')), (x) => {
    // The second (valid) certificate must not rescue a broken first one.
    parseCertificateBundle(x);
  }, ['CertificateInvalid']);
  const csr = (() => {
    d.run(['req', '-in', 'f.csr', '-outform', 'DER', '-out', 'f.csr.der']);
    return new Uint8Array(d.read('f.csr.der'));
  })();
  fuzz('parseCsr (DER)', mutants(csr, 5, 200), (x) => parseCsr(x), ['CertificateInvalid']);
  fuzz('importPkcs12', mutants(new Uint8Array(d.read('f.p12')), 6, 250), (x) => importPkcs12(x, 'pw'), ['CertificateInvalid', 'Pkcs12PasswordIncorrect', 'CertificateKeyMismatch']);
  fuzz('decryptPkcs8', mutants(new Uint8Array(d.read('f.p8')), 7, 200), (x) => decryptPkcs8(x, 'pw'), ['CertificateInvalid', 'Pkcs12PasswordIncorrect']);
});
