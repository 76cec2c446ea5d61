// defaultSuite composition, self-tests, pairwise checks and the byte-input fences.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { KwError } from '../../core/api/errors.ts';
import { abytes, equalBytes, wipe } from '../../core/crypto/bytes.ts';
import { opensslSuite } from '../../core/crypto/openssl-suite.ts';
import { pureSuite } from '../../core/crypto/pure-suite.ts';
import { pairwiseConsistencyCheck, runSelfTest } from '../../core/crypto/self-test.ts';
import { composeSuite, defaultSuite, probeRuntime } from '../../core/crypto/suite.ts';
import type { CryptoSuite } from '../../core/crypto/types.ts';

const NOTHING = { sm3: false, sm4: false, aesKeyWrap: false, aesKeyWrapPad: false, rsa: false, ecP256: false };

describe('defaultSuite', () => {
  test('plain Node with OpenSSL 3 has everything, so the openssl suite is used whole', () => {
    const caps = probeRuntime();
    assert.deepEqual(caps, { sm3: true, sm4: true, aesKeyWrap: true, aesKeyWrapPad: true, rsa: true, ecP256: true });
    assert.equal(defaultSuite(), opensslSuite);
    assert.equal(defaultSuite(), defaultSuite());
  });

  test('a runtime without SM3/SM4/key wrap (as under BoringSSL) gets a working composite', () => {
    const composite = composeSuite({ ...NOTHING, rsa: true, ecP256: true });
    assert.equal(composite.name, 'composite');
    assert.deepEqual(runSelfTest(composite), { ok: true, failures: [] });
    const none = composeSuite(NOTHING);
    assert.deepEqual(runSelfTest(none), { ok: true, failures: [] });
  });
});

describe('self-test', () => {
  for (const suite of [opensslSuite, pureSuite]) {
    test(`${suite.name}: every known-answer test passes`, () => {
      assert.deepEqual(runSelfTest(suite), { ok: true, failures: [] });
    });
  }

  test('a suite that computes a wrong answer is reported by name', () => {
    const broken: CryptoSuite = { ...opensslSuite, digest: (alg, data) => (alg === 'SM3' ? new Uint8Array(32) : opensslSuite.digest(alg, data)) };
    assert.deepEqual(runSelfTest(broken), { ok: false, failures: ['SM3'] });
  });

  test('pairwise consistency passes for fresh pairs and fails for mismatched ones', () => {
    const a = opensslSuite.generateKeyPair('SM2');
    const b = pureSuite.generateKeyPair('SM2');
    const p = pureSuite.generateKeyPair('EC_P256');
    pairwiseConsistencyCheck('SM2', a, pureSuite);
    pairwiseConsistencyCheck('EC_P256', p, opensslSuite);
    assert.throws(() => pairwiseConsistencyCheck('SM2', { privateKey: a.privateKey, publicKey: b.publicKey }, opensslSuite), (e: unknown) => {
      return e instanceof KwError && e.code === 'SelfTestFailed';
    });
  });
});

describe('input fences', () => {
  for (const s of [opensslSuite, pureSuite]) {
    test(`${s.name}: wrong lengths and types fail with typed errors`, () => {
      const k = randomBytes(32);
      assert.throws(() => s.aes256gcm.seal(randomBytes(16), randomBytes(12), k, k), { code: 'InvalidParameter' });
      assert.throws(() => s.aes256gcm.seal(k, new Uint8Array(0), k, k), { code: 'InvalidParameter' });
      assert.throws(() => s.aes256gcm.open(k, randomBytes(12), randomBytes(8), k), { code: 'InvalidCiphertext' });
      assert.throws(() => s.sm4gcm.seal(k, randomBytes(12), k, k), { code: 'InvalidParameter' });
      assert.throws(() => s.aesKeyWrap(randomBytes(20), k), { code: 'InvalidParameter' });
      assert.throws(() => s.aesKeyWrap(k, randomBytes(12)), { code: 'InvalidParameter' });
      assert.throws(() => s.aesKeyUnwrap(k, randomBytes(24)), { code: 'UnwrapFailed' });
      assert.throws(() => s.aesKeyUnwrapPad(k, randomBytes(24)), { code: 'UnwrapFailed' });
      assert.throws(() => s.digest('SM3', 'abc' as unknown as Uint8Array), { code: 'InvalidParameter' });
      assert.throws(() => s.publicKeyOf(randomBytes(40)), (e: unknown) => e instanceof KwError);
      const sm2 = s.generateKeyPair('SM2');
      assert.throws(() => s.sign('SM2DSA', sm2.privateKey, randomBytes(31), 'DIGEST'), { code: 'InvalidParameter' });
      assert.throws(() => s.sign('ECDSA_SHA_256', sm2.privateKey, randomBytes(32), 'DIGEST'), (e: unknown) => e instanceof KwError);
      assert.throws(() => s.asymmetricDecrypt('SM2PKE', sm2.privateKey, randomBytes(120)), { code: 'InvalidCiphertext' });
      assert.equal(s.verify('SM2DSA', sm2.publicKey, k, 'DIGEST', randomBytes(70)), false);
    });
  }

  test('bytes helpers', () => {
    assert.throws(() => abytes(new Uint8Array(3), 4, 'x'), { code: 'InvalidParameter' });
    assert.throws(() => abytes([1, 2], undefined, 'x'), { code: 'InvalidParameter' });
    const secret = Uint8Array.of(1, 2, 3);
    wipe(secret, undefined);
    assert.deepEqual(secret, new Uint8Array(3));
    assert.equal(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2)), true);
    assert.equal(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 3)), false);
    assert.equal(equalBytes(Uint8Array.of(1), Uint8Array.of(1, 3)), false);
  });
});
