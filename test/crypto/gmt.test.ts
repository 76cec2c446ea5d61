// GM/T and RFC vectors in OpenSSL/Tongsuo recipe format plus the transcribed GM/T worked
// examples, against both suites.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { opensslSm4Ecb, opensslSuite } from '../../core/crypto/openssl-suite.ts';
import { pureSm4Ecb, pureSuite } from '../../core/crypto/pure-suite.ts';
import { encodeEcPkcs8, encodeEcSpki } from '../../core/crypto/ec-keys.ts';
import * as sm2 from '../../core/crypto/sm2.ts';
import type { CryptoSuite } from '../../core/crypto/types.ts';
import { hex, loadJson, loadOpensslRecipes, toHex } from './vectors.ts';

const suites: CryptoSuite[] = [opensslSuite, pureSuite];
/** Recipe values are hex, or a quoted string. */
const val = (v: string | undefined): Uint8Array => {
  if (v === undefined) return new Uint8Array(0);
  return v.startsWith('"') ? new TextEncoder().encode(v.slice(1, -1)) : hex(v);
};
const throws = (f: () => unknown): boolean => {
  try {
    f();
    return false;
  } catch {
    return true;
  }
};

interface GmtExamples {
  sm3: { id: string; msgHex: string; digest: string }[];
  sm4: { id: string; mode: string; key: string; plaintext: string; ciphertext: string; iv?: string; aad?: string; tag?: string }[];
  sm2: {
    sign: { id: string; userIdAscii: string; privateKey: string; msgAscii: string; k: string; r: string; s: string }[];
    encrypt: { id: string; privateKey: string; msgAscii: string; C1x: string; C1y: string; C3: string; C2: string; derGMT0009: string }[];
  };
}

for (const suite of suites) {
  describe(`OpenSSL-format recipes (${suite.name})`, () => {
    test('evpciph_aes_wrap.txt forward-cipher cases', () => {
      const blocks = loadOpensslRecipes('aes-kw-rfc-cavp/evpciph_aes_wrap.txt').filter((b) => b.Cipher && !/-INV$/i.test(b.Cipher));
      let passed = 0;
      for (const b of blocks) {
        const padded = /-pad$/i.test(b.Cipher!);
        const [kek, pt, ct] = [val(b.Key), val(b.Plaintext), val(b.Ciphertext)];
        const unwrap = (): Uint8Array => (padded ? suite.aesKeyUnwrapPad(kek, ct) : suite.aesKeyUnwrap(kek, ct));
        if (b.Result) {
          assert.ok(throws(unwrap), `${b.Cipher} negative case must fail`);
        } else {
          assert.equal(toHex(padded ? suite.aesKeyWrapPad(kek, pt) : suite.aesKeyWrap(kek, pt)), toHex(ct));
          assert.equal(toHex(unwrap()), toHex(pt));
        }
        passed++;
      }
      console.log(`evpciph_aes_wrap.txt [${suite.name}]: ${passed} forward-cipher cases passed`);
      assert.equal(passed, 10);
    });

    test('evpciph_sm4.txt GCM cases', () => {
      const blocks = loadOpensslRecipes('gm-sm/openssl-format/evpciph_sm4.txt').filter((b) => b.Cipher === 'SM4-GCM');
      for (const b of blocks) {
        const sealed = Buffer.concat([val(b.Ciphertext), val(b.Tag)]);
        assert.equal(toHex(suite.sm4gcm.seal(val(b.Key), val(b.IV), val(b.Plaintext), val(b.AAD))), toHex(sealed));
        assert.equal(toHex(suite.sm4gcm.open(val(b.Key), val(b.IV), sealed, val(b.AAD))), toHex(val(b.Plaintext)));
        const tampered = Buffer.from(sealed);
        tampered[0]! ^= 1;
        assert.ok(throws(() => suite.sm4gcm.open(val(b.Key), val(b.IV), tampered, val(b.AAD))));
      }
      console.log(`evpciph_sm4.txt [${suite.name}]: ${blocks.length} GCM cases passed (ECB/CBC/OFB/CFB/CTR/CCM/XTS not exposed by the port)`);
      assert.ok(blocks.length >= 1);
    });

    test('evpmd_sm3.txt', () => {
      const blocks = loadOpensslRecipes('gm-sm/openssl-format/evpmd_sm3.txt').filter((b) => b.Digest === 'SM3');
      for (const b of blocks) assert.equal(toHex(suite.digest('SM3', val(b.Input))), b.Output!.toLowerCase());
      console.log(`evpmd_sm3.txt [${suite.name}]: ${blocks.length} SM3 cases passed`);
      assert.equal(blocks.length, 8);
    });

    test('evpmac_sm3.txt', () => {
      const blocks = loadOpensslRecipes('gm-sm/openssl-format/evpmac_sm3.txt').filter((b) => b.MAC === 'HMAC' && b.Algorithm === 'SM3');
      for (const b of blocks) assert.equal(toHex(suite.hmac('SM3', val(b.Key), val(b.Input))), b.Output!.toLowerCase());
      console.log(`evpmac_sm3.txt [${suite.name}]: ${blocks.length} HMAC-SM3 cases passed`);
      assert.equal(blocks.length, 4);
    });

    test('evppkey_sm2.txt Verify and Decrypt cases', () => {
      const blocks = loadOpensslRecipes('gm-sm/openssl-format/evppkey_sm2.txt');
      const keyBlock = blocks.find((b) => b.PrivateKey === 'SM2_key1')!;
      const pkcs8 = new Uint8Array(createPrivateKey(keyBlock.PEM!).export({ type: 'pkcs8', format: 'der' }));
      const spki = suite.publicKeyOf(pkcs8);
      let verifies = 0;
      let decrypts = 0;
      let notApplicable = 0;
      for (const b of blocks) {
        if (b.Verify) {
          // Input is the already-computed e = SM3(Z || M).
          const ok = (() => {
            try {
              return suite.verify('SM2DSA', spki, val(b.Input), 'DIGEST', val(b.Output));
            } catch {
              return false;
            }
          })();
          assert.equal(ok, !b.Result, `Verify case expected ${b.Result ?? 'success'}`);
          verifies++;
        } else if (b.Decrypt) {
          if (b.Ctrl && b.Ctrl !== 'digest:SM3') {
            // The port fixes SM2's hash to SM3, so a request for another digest cannot be expressed.
            notApplicable++;
            continue;
          }
          assert.equal(toHex(suite.asymmetricDecrypt('SM2PKE', pkcs8, val(b.Input))), toHex(val(b.Output)));
          decrypts++;
        }
      }
      console.log(`evppkey_sm2.txt [${suite.name}]: ${verifies} Verify, ${decrypts} Decrypt passed, ${notApplicable} n/a (non-SM3 digest ctrl)`);
      assert.equal(verifies, 3);
      assert.equal(decrypts, 4);
    });
  });

  describe(`GM/T worked examples (${suite.name})`, () => {
    const gmt = loadJson<GmtExamples>('gm-sm/gmt_standard_examples.json');

    test('SM3 (GM/T 0004 Appendix A)', () => {
      for (const v of gmt.sm3) assert.equal(toHex(suite.digest('SM3', hex(v.msgHex))), v.digest, v.id);
    });

    test('SM4 block cipher under SM4-GCM (GM/T 0002 Appendix A, examples 1 and 2)', () => {
      const ecb = suite.name === 'openssl' ? opensslSm4Ecb : pureSm4Ecb;
      for (const v of gmt.sm4.filter((x) => x.mode.startsWith('ECB'))) {
        const enc = ecb(hex(v.key));
        let block = hex(v.plaintext);
        const rounds = v.mode === 'ECB-iterated' ? (v as { iterations?: number }).iterations ?? 1 : 1;
        for (let i = 0; i < rounds; i++) block = enc(block);
        assert.equal(toHex(block), v.ciphertext, v.id);
      }
    });

    test('SM4-GCM (RFC 8998 A.1)', () => {
      for (const v of gmt.sm4.filter((x) => x.mode === 'GCM')) {
        const sealed = suite.sm4gcm.seal(hex(v.key), hex(v.iv!), hex(v.plaintext), hex(v.aad!));
        assert.equal(toHex(sealed), v.ciphertext + v.tag, v.id);
      }
    });

    test('SM2 signature (GM/T 0003.5 Annex A)', () => {
      for (const v of gmt.sm2.sign) {
        const d = hex(v.privateKey);
        const pub = sm2.sm2PublicFromPrivate(d);
        const spki = encodeEcSpki('SM2', pub);
        const msg = new TextEncoder().encode(v.msgAscii);
        const sig = sm2.unsafe.signDigestWithK(d, sm2.sm2MessageDigest(pub, msg, v.userIdAscii), hex(v.k));
        assert.equal(toHex(sig), toHex(sm2Sig(v.r, v.s)), v.id);
        assert.ok(suite.verify('SM2DSA', spki, msg, 'RAW', sig, v.userIdAscii));
        assert.ok(!suite.verify('SM2DSA', spki, msg, 'RAW', sig, 'another-user-id'));
        // A fresh signature by the suite itself verifies as well.
        const pkcs8 = encodeEcPkcs8('SM2', d, pub);
        assert.ok(suite.verify('SM2DSA', spki, msg, 'RAW', suite.sign('SM2DSA', pkcs8, msg, 'RAW', v.userIdAscii), v.userIdAscii));
      }
    });

    test('SM2 encryption (GM/T 0003.5 Annex C, GM/T 0009 DER)', () => {
      for (const v of gmt.sm2.encrypt) {
        const d = hex(v.privateKey);
        const pkcs8 = encodeEcPkcs8('SM2', d, sm2.sm2PublicFromPrivate(d));
        assert.equal(new TextDecoder().decode(suite.asymmetricDecrypt('SM2PKE', pkcs8, hex(v.derGMT0009))), v.msgAscii, v.id);
        const raw = '04' + v.C1x + v.C1y + v.C3 + v.C2;
        assert.equal(toHex(sm2.sm2CiphertextToC1C3C2(hex(v.derGMT0009))), raw);
        assert.equal(toHex(sm2.sm2CiphertextFromC1C3C2(hex(raw))), v.derGMT0009);
        assert.equal(toHex(sm2.sm2CiphertextFromC1C2C3(hex('04' + v.C1x + v.C1y + v.C2 + v.C3))), v.derGMT0009);
        const bad = hex(v.derGMT0009);
        bad[bad.length - 1]! ^= 1;
        assert.throws(() => suite.asymmetricDecrypt('SM2PKE', pkcs8, bad), { code: 'InvalidCiphertext' });
      }
    });
  });
}

function sm2Sig(r: string, s: string): Uint8Array {
  const int = (h: string): string => (parseInt(h.slice(0, 2), 16) & 0x80 ? '022100' : '0220') + h;
  const body = int(r) + int(s);
  return hex('30' + (body.length / 2).toString(16) + body);
}
