/**
 * Asymmetric rows: RSA-2048 sign / verify / OAEP decrypt, ECDSA P-256 sign / verify and
 * SM2 sign / verify, each through both suites and through the core (audited), beside raw
 * node:crypto with a reused KeyObject and `openssl speed` measured in the same run.
 */
import { opensslSuite } from '../core/crypto/openssl-suite.ts';
import { pureSuite } from '../core/crypto/pure-suite.ts';
import type { CryptoSuite, SignAlgorithm } from '../core/crypto/types.ts';
import { BENCH_MESSAGE, nodeKeyPair, opensslSignVerify, rawNode, type NodeKeyPair } from './baselines.ts';
import type { BenchVault } from './core.ts';
import type { Comparison, Contender, Target } from './table.ts';

const SIGN_TARGET: Target = { minRatio: 0.7 };
const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

interface Family {
  name: string;
  spec: 'RSA_2048' | 'EC_P256' | 'SM2';
  alg: SignAlgorithm;
  openssl: 'rsa2048' | 'ecdsap256' | 'sm2';
  rawSign(kp: NodeKeyPair): () => unknown;
  rawVerify(kp: NodeKeyPair): () => unknown;
  /** Core targets from issue 15 (RSA and P-256); SM2 targets are held against OpenSSL elsewhere. */
  coreTargets: boolean;
  /** Targets of the two suites' rows (SM2, issue 9). */
  suiteTargets?: { sign: Target; verify: Target };
}

const FAMILIES: Family[] = [
  { name: 'RSA-2048 PKCS#1 v1.5 SHA-256', spec: 'RSA_2048', alg: 'RSA_PKCS1_SHA_256', openssl: 'rsa2048', rawSign: rawNode.rsaSign, rawVerify: rawNode.rsaVerify, coreTargets: true },
  { name: 'ECDSA P-256 SHA-256', spec: 'EC_P256', alg: 'ECDSA_SHA_256', openssl: 'ecdsap256', rawSign: rawNode.ecdsaSign, rawVerify: rawNode.ecdsaVerify, coreTargets: true },
  { name: 'SM2DSA (SM3 with Z)', spec: 'SM2', alg: 'SM2DSA', openssl: 'sm2', rawSign: rawNode.sm2Sign, rawVerify: rawNode.sm2Verify, coreTargets: false,
    suiteTargets: { sign: { minRatio: 0.9, of: 'openssl' }, verify: { minRate: 1000 } } },
];

/** Suites sign with a prepared key, as the core's unsealed-key cache holds it. */
function suiteSigner(suite: CryptoSuite, f: Family, kp: NodeKeyPair): Contender {
  const target = f.suiteTargets?.sign;
  const key = suite.preparePrivateKey(kp.pkcs8);
  return { label: `${suite.name} suite, prepared key`, op: () => suite.sign(f.alg, key, BENCH_MESSAGE, 'RAW'), ...(target ? { target } : {}) };
}

function suiteVerifier(suite: CryptoSuite, f: Family, kp: NodeKeyPair): Contender {
  const sig = suite.sign(f.alg, kp.pkcs8, BENCH_MESSAGE, 'RAW');
  const target = f.suiteTargets?.verify;
  return { label: `${suite.name} suite`, op: () => suite.verify(f.alg, kp.spki, BENCH_MESSAGE, 'RAW', sig), ...(target ? { target } : {}) };
}

/**
 * SM2 verification under a different key each call (more keys than the verifier's table
 * cache holds), so every call takes the path of a key seen once: the figure for a KMS
 * that verifies under many keys once each, beside the cached-key figure above.
 */
function sm2ColdVerifier(): Contender {
  const pairs = Array.from({ length: 300 }, () => {
    const kp = pureSuite.generateKeyPair('SM2');
    return { spki: kp.publicKey, sig: pureSuite.sign('SM2DSA', kp.privateKey, BENCH_MESSAGE, 'RAW') };
  });
  let i = 0;
  return {
    label: 'pure suite, a new key each call',
    op: () => {
      const p = pairs[i++ % pairs.length]!;
      return pureSuite.verify('SM2DSA', p.spki, BENCH_MESSAGE, 'RAW', p.sig);
    },
  };
}

export async function asymmetricComparisons(vault: BenchVault): Promise<Comparison[]> {
  const out: Comparison[] = [];
  const message = b64(BENCH_MESSAGE);
  for (const f of FAMILIES) {
    const kp = nodeKeyPair(f.spec);
    const speed = opensslSignVerify(f.openssl);
    const key = await vault.createKey(f.spec, 'SIGN_VERIFY');
    const signReq = { ...key, algorithm: f.alg, message };
    const { signature } = await vault.api.asymmetricSign(signReq);
    const suites = [opensslSuite, pureSuite];
    out.push({
      title: `${f.name} sign`,
      raw: { label: 'node:crypto, reused KeyObject', op: f.rawSign(kp) },
      openssl: speed ? { label: `openssl speed ${f.openssl}`, perSec: speed.sign } : null,
      contenders: [
        ...suites.map((s) => suiteSigner(s, f, kp)),
        { label: 'core asymmetricSign (audited)', op: () => vault.api.asymmetricSign(signReq), ...(f.coreTargets ? { target: SIGN_TARGET } : {}) },
      ],
    });
    out.push({
      title: `${f.name} verify`,
      raw: { label: 'node:crypto, reused KeyObject', op: f.rawVerify(kp) },
      openssl: speed ? { label: `openssl speed ${f.openssl}`, perSec: speed.verify } : null,
      contenders: [
        ...suites.map((s) => suiteVerifier(s, f, kp)),
        ...(f.spec === 'SM2' ? [sm2ColdVerifier()] : []),
        { label: 'core asymmetricVerify (audited)', op: () => vault.api.asymmetricVerify({ ...signReq, signature }), ...(f.coreTargets ? { target: SIGN_TARGET } : {}) },
      ],
    });
  }
  out.push(await oaepComparison(vault));
  return out;
}

async function oaepComparison(vault: BenchVault): Promise<Comparison> {
  const kp = nodeKeyPair('RSA_2048');
  const raw = rawNode.rsaOaepDecrypt(kp);
  const speed = opensslSignVerify('rsa2048');
  const key = await vault.createKey('RSA_2048', 'ENCRYPT_DECRYPT');
  const plaintext = b64(Buffer.alloc(32, 7));
  const { ciphertextBlob } = await vault.api.asymmetricEncrypt({ ...key, algorithm: 'RSAES_OAEP_SHA_256', plaintext });
  const decryptReq = { ...key, algorithm: 'RSAES_OAEP_SHA_256' as const, ciphertextBlob };
  return {
    title: 'RSA-2048 OAEP SHA-256 decrypt 32 B',
    raw: { label: 'node:crypto, reused KeyObject', op: raw.op },
    // OpenSSL 3.0's speed has no RSA decrypt column; a decryption is one private-key operation, as a signature is.
    openssl: speed ? { label: 'openssl speed rsa2048 (private op/s)', perSec: speed.sign } : null,
    contenders: [
      ...[opensslSuite, pureSuite].map((suite) => {
        const k = suite.preparePrivateKey(kp.pkcs8);
        return { label: `${suite.name} suite, prepared key`, op: () => suite.asymmetricDecrypt('RSAES_OAEP_SHA_256', k, raw.ciphertext) };
      }),
      { label: 'core asymmetricDecrypt (audited)', op: () => vault.api.asymmetricDecrypt(decryptReq) },
    ],
  };
}
