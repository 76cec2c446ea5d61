/**
 * Raw algorithm throughput: node:crypto AES-256-GCM on small messages, SM2 signing by
 * sm-crypto 0.5.8 (the baseline) and by our suites, and RSA-2048 signing. bench/run.ts
 * imports these; running this file directly prints them.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { opensslSuite } from '../core/crypto/openssl-suite.ts';
import { pureSuite } from '../core/crypto/pure-suite.ts';
import { decodeEcPkcs8, decodeEcSpki } from '../core/crypto/ec-keys.ts';
import type { CryptoSuite, KeyPairDer } from '../core/crypto/types.ts';

export interface BenchResult {
  name: string;
  ops: number;
  ms: number;
  opsPerSec: number;
}

export interface BenchOptions {
  /** Wall-clock budget per measurement, after a short warm-up. */
  durationMs?: number;
}

/** Runs op repeatedly for about durationMs (after warm-up) and reports operations per second. */
export function measure(name: string, op: () => void, opts: BenchOptions = {}): BenchResult {
  const duration = opts.durationMs ?? 1000;
  for (let i = 0; i < 5; i++) op();
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < duration) {
    for (let i = 0; i < 10; i++) op();
    ops += 10;
    now = performance.now();
  }
  const ms = now - start;
  return { name, ops, ms, opsPerSec: Math.round((ops * 1000) / ms) };
}

export function benchNodeAesGcm(messageBytes = 64, opts?: BenchOptions): BenchResult {
  const key = randomBytes(32);
  const msg = randomBytes(messageBytes);
  const aad = randomBytes(16);
  return measure(`node:crypto AES-256-GCM encrypt ${messageBytes} B`, () => {
    const c = createCipheriv('aes-256-gcm', key, randomBytes(12));
    c.setAAD(aad);
    c.update(msg);
    c.final();
    c.getAuthTag();
  }, opts);
}

interface SmCrypto058 {
  sm2: {
    generateKeyPairHex(): { privateKey: string; publicKey: string };
    doSignature(msg: string, privateKey: string, opts: { der?: boolean; hash?: boolean; publicKey?: string }): string;
  };
}

export function benchSmCryptoSm2Sign(opts?: BenchOptions): BenchResult {
  const smCrypto = createRequire(import.meta.url)('sm-crypto') as SmCrypto058;
  const kp = smCrypto.sm2.generateKeyPairHex();
  // publicKey is passed so sm-crypto does not recompute it per call: the fair best case.
  return measure('sm-crypto 0.5.8 SM2 sign (SM3 with Z, DER)', () => {
    smCrypto.sm2.doSignature('keywarden bench message', kp.privateKey, { der: true, hash: true, publicKey: kp.publicKey });
  }, opts);
}

const message = new TextEncoder().encode('keywarden bench message');

export function benchSuiteSm2Sign(suite: CryptoSuite, opts?: BenchOptions): BenchResult {
  const kp = suite.generateKeyPair('SM2');
  return measure(`${suite.name} suite SM2 sign (SM3 with Z, DER)`, () => {
    suite.sign('SM2DSA', kp.privateKey, message, 'RAW');
  }, opts);
}

export function benchSuiteRsaSign(suite: CryptoSuite, keyPair?: KeyPairDer, opts?: BenchOptions): BenchResult {
  // Pure-JS RSA key generation is slow; callers may pass one pair for both suites.
  const kp = keyPair ?? opensslSuite.generateKeyPair('RSA_2048');
  return measure(`${suite.name} suite RSA-2048 PKCS#1 v1.5 SHA-256 sign`, () => {
    suite.sign('RSA_PKCS1_SHA_256', kp.privateKey, message, 'RAW');
  }, opts);
}

/** Every raw-algorithm benchmark, in a stable order. */
export function runCryptoRawBenchmarks(opts?: BenchOptions): BenchResult[] {
  const rsa = opensslSuite.generateKeyPair('RSA_2048');
  return [
    benchNodeAesGcm(64, opts),
    benchNodeAesGcm(1024, opts),
    benchSmCryptoSm2Sign(opts),
    benchSuiteSm2Sign(opensslSuite, opts),
    benchSuiteSm2Sign(pureSuite, opts),
    benchSuiteRsaSign(opensslSuite, rsa, opts),
    benchSuiteRsaSign(pureSuite, rsa, opts),
  ];
}

// Keys are checked to parse, so a bench run also fails loudly on a DER regression.
export function sanityCheckKeys(kp: KeyPairDer): void {
  decodeEcPkcs8(kp.privateKey, 'SM2');
  decodeEcSpki(kp.publicKey, 'SM2');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of runCryptoRawBenchmarks()) console.log(`${r.name.padEnd(52)} ${String(r.opsPerSec).padStart(8)} ops/s`);
}
