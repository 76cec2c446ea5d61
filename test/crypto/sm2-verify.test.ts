// The joint-multiplication SM2 verifier (sm2-verify.ts) against a reference written with
// noble's generic point arithmetic, for keys seen once (one 257-doubling chain) and keys seen
// again (cached piece tables), including keys that make table points collide (P = ±G, ±2G)
// and signatures whose s·G + t·P is the point at infinity.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mod } from '@noble/curves/abstract/modular';
import { bigIntToBytes, bytesToBigInt } from '../../core/crypto/bytes.ts';
import { seq, uint } from '../../core/crypto/der.ts';
import { parseDerSignature, Sm2Point, sm2GeneratePrivateKey, sm2PublicFromPrivate, sm2SignDigest, sm2VerifyDigest } from '../../core/crypto/sm2.ts';

const N = Sm2Point.CURVE().n;

function referenceVerify(pub: Uint8Array, e: Uint8Array, sig: Uint8Array): boolean {
  const rs = parseDerSignature(sig);
  if (!rs || rs.r < 1n || rs.r >= N || rs.s < 1n || rs.s >= N) return false;
  const t = mod(rs.r + rs.s, N);
  if (t === 0n) return false;
  const X = Sm2Point.BASE.multiplyUnsafe(rs.s).add(Sm2Point.fromBytes(pub).multiplyUnsafe(t));
  return !X.is0() && mod(bytesToBigInt(e) + X.toAffine().x, N) === rs.r;
}

const der = (r: bigint, s: bigint): Uint8Array => seq(uint(bigIntToBytes(r, 32)), uint(bigIntToBytes(s, 32)));
const scalar = (d: bigint): Uint8Array => bigIntToBytes(d, 32);

describe('SM2 joint verification', () => {
  test('agrees with the reference on valid, altered and foreign signatures, cold and cached', () => {
    const keys = Array.from({ length: 4 }, () => sm2GeneratePrivateKey());
    for (let i = 0; i < 120; i++) {
      const d = keys[i % 4]!;
      const pub = sm2PublicFromPrivate(d);
      const e = new Uint8Array(randomBytes(32));
      const sig = sm2SignDigest(d, e);
      assert.equal(sm2VerifyDigest(pub, e, sig), true);
      const e2 = e.slice();
      e2[31]! ^= 1;
      assert.equal(sm2VerifyDigest(pub, e2, sig), false);
      const foreign = sm2PublicFromPrivate(keys[(i + 1) % 4]!);
      assert.equal(sm2VerifyDigest(foreign, e, sig), false);
      const rs = parseDerSignature(sig)!;
      const noise = der(rs.r, mod(rs.s + BigInt(i + 1), N));
      assert.equal(sm2VerifyDigest(pub, e, noise), referenceVerify(pub, e, noise));
    }
  });

  test('keys whose tables meet G’s (d = 1, 2, n-2) verify correctly on both paths', () => {
    for (const d of [1n, 2n, 3n, N - 2n]) {
      const pub = sm2PublicFromPrivate(scalar(d));
      for (let i = 0; i < 40; i++) {
        const e = new Uint8Array(randomBytes(32));
        const sig = sm2SignDigest(scalar(d), e);
        assert.equal(sm2VerifyDigest(pub, e, sig), true, `d = ${d}, round ${i}`);
        // s = t·k for small k makes the two digit streams coincide often.
        const s = BigInt(i + 1);
        const forged = der(mod(BigInt(i + 2) * s - s, N), s);
        assert.equal(sm2VerifyDigest(pub, e, forged), referenceVerify(pub, e, forged), `d = ${d}, forged ${i}`);
      }
    }
  });

  test('s·G + t·P at infinity is refused (P = G, r = -2s)', () => {
    const pub = sm2PublicFromPrivate(scalar(1n));
    for (let i = 0; i < 3; i++) {
      const s = bytesToBigInt(new Uint8Array(randomBytes(32))) % (N - 1n) + 1n;
      const r = mod(-2n * s, N);
      const sig = der(r, s);
      const e = bigIntToBytes(r, 32); // any e: the sum is O whatever e is
      assert.equal(referenceVerify(pub, e, sig), false);
      assert.equal(sm2VerifyDigest(pub, e, sig), false);
    }
  });
});
