// The table SM4 and table GHASH under SM4-GCM, checked against independent code: sm-crypto-v2's
// SM4 (ECB and its own GCM), noble's GHASH, OpenSSL's SM4-ECB, across sizes that pick the
// nibble and the byte tables and across a wrap of GCM's 32-bit counter.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ghash } from '@noble/ciphers/_polyval';
import { sm4 } from 'sm-crypto-v2';
import { gcmCipherFromEcb, gcmOpen, gcmSeal } from '../../core/crypto/gcm.ts';
import { ghashAC } from '../../core/crypto/ghash-tables.ts';
import { opensslSm4Cipher, opensslSm4Ecb, opensslSuite } from '../../core/crypto/openssl-suite.ts';
import { pureSm4Cipher, pureSuite } from '../../core/crypto/pure-suite.ts';
import { sm4EncryptBlocks, sm4RoundKeys } from '../../core/crypto/sm4-tables.ts';
import { toHex } from './vectors.ts';

const rnd = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
const SIZES = [0, 1, 15, 16, 17, 255, 4095, 4096, 4097, 16384, 65536 + 7];

function lengthBlock(a: number, c: number): Uint8Array {
  const out = new Uint8Array(16);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(a) * 8n);
  view.setBigUint64(8, BigInt(c) * 8n);
  return out;
}

describe('table GHASH', () => {
  test('equals noble GHASH for nibble- and byte-table sizes', () => {
    for (const aLen of [0, 13, 4096]) {
      for (const cLen of SIZES) {
        const h = rnd(16);
        const a = rnd(aLen);
        const c = rnd(cLen);
        const ref = ghash.create(h).update(a).update(c).update(lengthBlock(aLen, cLen)).digest();
        assert.equal(toHex(ghashAC(h, a, c)), toHex(ref), `A ${aLen} B, C ${cLen} B`);
      }
    }
  });
});

describe('table SM4', () => {
  test('ECB equals sm-crypto-v2 and OpenSSL SM4-ECB', () => {
    for (let i = 0; i < 20; i++) {
      const key = rnd(16);
      const blocks = rnd(16 * (1 + i * 7));
      const mine = toHex(sm4EncryptBlocks(sm4RoundKeys(key), blocks));
      assert.equal(mine, toHex(sm4.encrypt(blocks, key, { padding: 'none', output: 'array' })));
      assert.equal(mine, toHex(opensslSm4Ecb(key)(blocks)));
    }
  });

  test('GCTR across the 2^32 wrap of inc32 agrees with the ECB construction (both suites)', () => {
    const key = rnd(16);
    const counter = rnd(16);
    counter.set([0xff, 0xff, 0xff, 0xfd], 12);
    const data = rnd(16 * 6 + 5);
    const ref = toHex(gcmCipherFromEcb(opensslSm4Ecb(key)).ctr32(counter, data));
    assert.equal(toHex(opensslSm4Cipher(key).ctr32(counter, data)), ref);
    assert.equal(toHex(pureSm4Cipher(key).ctr32(counter, data)), ref);
  });
});

describe('SM4-GCM', () => {
  test('both suites equal sm-crypto-v2 GCM for every size, and open each other', () => {
    for (const size of SIZES) {
      const key = rnd(16);
      const iv = rnd(12);
      const aad = rnd(size % 3 === 0 ? 0 : 20);
      const pt = rnd(size);
      const ref = sm4.encrypt(pt, key, { mode: 'gcm', iv, associatedData: aad, output: 'array', outputTag: true });
      const expected = toHex(ref.output) + toHex(ref.tag!);
      const a = opensslSuite.sm4gcm.seal(key, iv, pt, aad);
      const b = pureSuite.sm4gcm.seal(key, iv, pt, aad);
      assert.equal(toHex(a), expected, `openssl, ${size} B`);
      assert.equal(toHex(b), expected, `pure, ${size} B`);
      assert.equal(toHex(pureSuite.sm4gcm.open(key, iv, a, aad)), toHex(pt));
      assert.equal(toHex(opensslSuite.sm4gcm.open(key, iv, b, aad)), toHex(pt));
    }
  });

  test('odd IV lengths: suites agree with each other and with the ECB construction', () => {
    for (const ivLen of [1, 8, 13, 64, 200]) {
      const key = rnd(16);
      const iv = rnd(ivLen);
      const pt = rnd(5000);
      const aad = rnd(7);
      const ref = toHex(gcmSeal(gcmCipherFromEcb(opensslSm4Ecb(key)), iv, pt, aad));
      assert.equal(toHex(opensslSuite.sm4gcm.seal(key, iv, pt, aad)), ref);
      assert.equal(toHex(pureSuite.sm4gcm.seal(key, iv, pt, aad)), ref);
      assert.equal(toHex(gcmOpen(pureSm4Cipher(key), iv, hexBytes(ref), aad)), toHex(pt));
    }
  });

  test('a flipped bit anywhere in a large message is refused by both suites', () => {
    const key = rnd(16);
    const iv = rnd(12);
    const sealed = pureSuite.sm4gcm.seal(key, iv, rnd(20000), new Uint8Array(0));
    for (const pos of [0, 9999, sealed.length - 17, sealed.length - 1]) {
      const bad = sealed.slice();
      bad[pos]! ^= 0x01;
      for (const s of [opensslSuite, pureSuite]) assert.throws(() => s.sm4gcm.open(key, iv, bad, new Uint8Array(0)), { code: 'InvalidCiphertext' });
    }
  });
});

function hexBytes(h: string): Uint8Array {
  return new Uint8Array(Buffer.from(h, 'hex'));
}
