import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { opensslSuite } from '../../core/crypto/openssl-suite.ts';
import { pureSuite } from '../../core/crypto/pure-suite.ts';
import type { KeyPairDer, KeyPairSpec, SignAlgorithm } from '../../core/crypto/types.ts';

const message = new TextEncoder().encode('prepared once, used many times');
const pairs = new Map<KeyPairSpec, KeyPairDer>();
const pairOf = (spec: KeyPairSpec): KeyPairDer => {
  if (!pairs.has(spec)) pairs.set(spec, opensslSuite.generateKeyPair(spec));
  return pairs.get(spec)!;
};
const SIGN: Array<[KeyPairSpec, SignAlgorithm]> = [
  ['RSA_2048', 'RSA_PKCS1_SHA_256'],
  ['RSA_2048', 'RSA_PSS_SHA_256'],
  ['EC_P256', 'ECDSA_SHA_256'],
  ['SM2', 'SM2DSA'],
];

describe('prepared private keys (parsed once, as the unsealed-key cache holds them)', () => {
  for (const suite of [opensslSuite, pureSuite]) {
    for (const [spec, alg] of SIGN) {
      test(`${suite.name}: ${alg} with a prepared key verifies in both suites, RAW and DIGEST`, () => {
        const kp = pairOf(spec);
        const key = suite.preparePrivateKey(kp.privateKey);
        try {
          for (const messageType of ['RAW', 'DIGEST'] as const) {
            const input = messageType === 'RAW' ? message : alg === 'SM2DSA' ? new Uint8Array(32).fill(3) : opensslSuite.digest('SHA-256', message);
            const sig = suite.sign(alg, key, input, messageType);
            for (const checker of [opensslSuite, pureSuite]) assert.equal(checker.verify(alg, kp.publicKey, input, messageType, sig), true, `${checker.name} verifies`);
          }
        } finally {
          key.dispose();
        }
      });
    }

    test(`${suite.name}: OAEP and SM2 decryption with a prepared key`, () => {
      const rsa = pairOf('RSA_2048');
      const sm2 = pairOf('SM2');
      const pt = new Uint8Array(32).fill(9);
      const rsaKey = suite.preparePrivateKey(rsa.privateKey);
      const sm2Key = suite.preparePrivateKey(sm2.privateKey);
      try {
        const c1 = opensslSuite.asymmetricEncrypt('RSAES_OAEP_SHA_256', rsa.publicKey, pt);
        assert.deepEqual(Buffer.from(suite.asymmetricDecrypt('RSAES_OAEP_SHA_256', rsaKey, c1)), Buffer.from(pt));
        const c2 = opensslSuite.rsaOaepEncrypt(rsa.publicKey, { hash: 'SHA-256', mgf1Hash: 'SHA-1' }, pt);
        assert.deepEqual(Buffer.from(suite.rsaOaepDecrypt(rsaKey, { hash: 'SHA-256', mgf1Hash: 'SHA-1' }, c2)), Buffer.from(pt));
        const c3 = opensslSuite.asymmetricEncrypt('SM2PKE', sm2.publicKey, pt);
        assert.deepEqual(Buffer.from(suite.asymmetricDecrypt('SM2PKE', sm2Key, c3)), Buffer.from(pt));
      } finally {
        rsaKey.dispose();
        sm2Key.dispose();
      }
    });

    test(`${suite.name}: a key of the wrong kind or prepared by the other suite is refused`, () => {
      const ec = suite.preparePrivateKey(pairOf('EC_P256').privateKey);
      const other = (suite === opensslSuite ? pureSuite : opensslSuite).preparePrivateKey(pairOf('SM2').privateKey);
      try {
        assert.throws(() => suite.sign('RSA_PKCS1_SHA_256', ec, message, 'RAW'), { code: 'InvalidKeyMaterial' });
        assert.throws(() => suite.sign('SM2DSA', other, message, 'RAW'), { code: 'InvalidKeyMaterial' });
      } finally {
        ec.dispose();
        other.dispose();
      }
    });

    test(`${suite.name}: dispose() zeroes the EC scalar it holds`, () => {
      const key = suite.preparePrivateKey(pairOf('SM2').privateKey) as unknown as { ec: { d: Uint8Array }; dispose(): void };
      assert.ok(key.ec.d.some((b) => b !== 0));
      key.dispose();
      assert.ok(key.ec.d.every((b) => b === 0));
    });

    test(`${suite.name}: a PKCS#8 key whose embedded public key does not match is refused when prepared`, () => {
      const a = pairOf('SM2').privateKey;
      const b = opensslSuite.generateKeyPair('SM2').privateKey;
      // Same length and layout: the last 65 bytes are the embedded public point.
      const forged = Buffer.concat([Buffer.from(a.subarray(0, a.length - 65)), Buffer.from(b.subarray(b.length - 65))]);
      assert.throws(() => suite.preparePrivateKey(forged), { code: 'InvalidKeyMaterial' });
    });
  }
});
