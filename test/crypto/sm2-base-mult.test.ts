// The comb k·G of sm2-base-mult.ts against noble's generic multiply, for random scalars and
// for scalars whose byte windows are all zero or all 0xff, and the smallest and largest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { bytesToBigInt } from '../../core/crypto/bytes.ts';
import { Sm2Point, sm2PublicFromPrivate } from '../../core/crypto/sm2.ts';
import { bigIntToBytes } from '../../core/crypto/bytes.ts';
import { toHex } from './vectors.ts';

const N = Sm2Point.CURVE().n;

test('SM2 comb k·G equals noble multiply (public keys of chosen and random scalars)', () => {
  const chosen = [1n, 2n, 3n, 255n, 256n, 257n, 2n ** 8n - 1n, 2n ** 64n, 2n ** 248n, 2n ** 255n, N - 2n, (N - 2n) & ~0xffn, 0x0100000000000000000000000000000000000000000000000000000000000001n];
  const random = Array.from({ length: 60 }, () => (bytesToBigInt(new Uint8Array(randomBytes(32))) % (N - 2n)) + 1n);
  for (const k of [...chosen, ...random]) {
    const mine = sm2PublicFromPrivate(bigIntToBytes(k, 32));
    assert.equal(toHex(mine), toHex(Sm2Point.BASE.multiply(k).toBytes(false)), `k = ${k.toString(16)}`);
  }
});
