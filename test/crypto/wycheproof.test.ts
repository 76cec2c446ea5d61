// Every Wycheproof file that covers an algorithm of the crypto port, against both suites.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createHash, createPublicKey, publicDecrypt } from 'node:crypto';
import { opensslSuite } from '../../core/crypto/openssl-suite.ts';
import { emsaPssVerify } from '../../core/crypto/rsa-padding.ts';
import { pureSuite } from '../../core/crypto/pure-suite.ts';
import type { CryptoSuite, HmacName, OaepParams } from '../../core/crypto/types.ts';
import { accepts, hex, loadWycheproof, Tally, type WycheproofGroup, type WycheproofTest } from './vectors.ts';

const OTHER_SALT_LENGTH = /^s_len changed to \d+$/;

/** The primitive with the salt length recovered, on one Wycheproof case (raw RSA by OpenSSL). */
function suite32Auto(g: WycheproofGroup, t: WycheproofTest): boolean {
  const pub = createPublicKey({ key: Buffer.from(hex(s(g.publicKeyDer))), format: 'der', type: 'spki' });
  const sig = hex(s(t.sig));
  if (sig.length !== 256) return false;
  const m = publicDecrypt({ key: pub, padding: constants.RSA_NO_PADDING }, sig);
  return emsaPssVerify('SHA-256', createHash('sha256').update(hex(s(t.msg))).digest(), m, 2047, 'auto');
}

type Check = (suite: CryptoSuite, g: WycheproofGroup, t: WycheproofTest, tally: Tally) => boolean | 'skip';
const s = (x: unknown): string => x as string;
const eq = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;

function run(file: string, check: Check): void {
  for (const suite of [opensslSuite, pureSuite]) {
    test(`${file} (${suite.name})`, () => {
      const data = loadWycheproof(file);
      const tally = new Tally(`${file} [${suite.name}]`);
      for (const g of data.testGroups) {
        for (const t of g.tests) {
          const r = check(suite, g, t, tally);
          if (r === 'skip') tally.skip();
          else tally.record(t, r);
        }
      }
      console.log(tally.report());
      assert.deepEqual(tally.wrongAccepts, [], 'invalid vectors accepted');
      assert.deepEqual(tally.validRejected, [], 'valid vectors rejected');
      assert.ok(tally.validAccepted > 0);
    });
  }
}

function aeadCheck(pick: (s: CryptoSuite) => CryptoSuite['aes256gcm']): Check {
  return (suite, g, t) => {
    const aead = pick(suite);
    if ((g.keySize as number) !== aead.keyLength * 8 || (g.tagSize as number) !== 128) return 'skip';
    const [key, iv, aad, msg] = [hex(s(t.key)), hex(s(t.iv)), hex(s(t.aad)), hex(s(t.msg))];
    const sealed = Buffer.concat([hex(s(t.ct)), hex(s(t.tag))]);
    return accepts(() => {
      const opened = aead.open(key, iv, sealed, aad);
      // A valid case must also reproduce the ciphertext exactly when sealing.
      return eq(opened, msg) && (t.result !== 'valid' || eq(aead.seal(key, iv, msg, aad), sealed));
    });
  };
}

function wrapCheck(padded: boolean): Check {
  return (suite, _g, t) => {
    const [kek, msg, ct] = [hex(s(t.key)), hex(s(t.msg)), hex(s(t.ct))];
    const wrapFn = padded ? suite.aesKeyWrapPad : suite.aesKeyWrap;
    const unwrapFn = padded ? suite.aesKeyUnwrapPad : suite.aesKeyUnwrap;
    return accepts(() => eq(unwrapFn(kek, ct), msg) && (t.result !== 'valid' || eq(wrapFn(kek, msg), ct)));
  };
}

function hmacCheck(alg: HmacName): Check {
  return (suite, g, t) => {
    const tagLen = (g.tagSize as number) / 8;
    return accepts(() => eq(suite.hmac(alg, hex(s(t.key)), hex(s(t.msg))).subarray(0, tagLen), hex(s(t.tag))));
  };
}

const oaepCheck: Check = (suite, g, t) => {
  const params: OaepParams = { hash: g.sha as OaepParams['hash'], mgf1Hash: g.mgfSha as OaepParams['mgf1Hash'], label: hex(s(t.label)) };
  return accepts(() => eq(suite.rsaOaepDecrypt(hex(s(g.privateKeyPkcs8)), params, hex(s(t.ct))), hex(s(t.msg))));
};

describe('Wycheproof', () => {
  run('aes_gcm_test.json', aeadCheck((x) => x.aes256gcm));
  run('sm4_gcm_test.json', aeadCheck((x) => x.sm4gcm));
  run('aes_wrap_test.json', wrapCheck(false));
  run('aes_kwp_test.json', wrapCheck(true));
  run('hmac_sha256_test.json', hmacCheck('SHA-256'));
  run('hmac_sm3_test.json', hmacCheck('SM3'));
  run('rsa_oaep_2048_sha256_mgf1sha256_test.json', oaepCheck);
  run('rsa_oaep_2048_sha1_mgf1sha1_test.json', oaepCheck);
  run('rsa_oaep_2048_sha256_mgf1sha1_test.json', oaepCheck);
  run('rsa_pkcs1_2048_test.json', (suite, g, t) =>
    accepts(() => eq(suite.asymmetricDecrypt('RSAES_PKCS1_V1_5', hex(s(g.privateKeyPkcs8)), hex(s(t.ct))), hex(s(t.msg)))),
  );
  run('rsa_signature_2048_sha256_test.json', (suite, g, t) =>
    accepts(() => suite.verify('RSA_PKCS1_SHA_256', hex(s(g.publicKeyDer)), hex(s(t.msg)), 'RAW', hex(s(t.sig)))),
  );
  // The suites verify PSS with the salt length read from the signature (OpenSSL's
  // saltlen:auto). This file is written for a verifier fixed at sLen 32, so its cases that
  // only change the salt length (correctly formed signatures with sLen 0, 1, 20, 31, 33,
  // 222) must be accepted here; the fixed-32 reading of every case is checked below.
  run('rsa_pss_2048_sha256_mgf1_32_test.json', (suite, g, t) => {
    if (g.sLen !== 32 || g.sha !== 'SHA-256' || g.mgfSha !== 'SHA-256') return 'skip';
    const ok = accepts(() => suite.verify('RSA_PSS_SHA_256', hex(s(g.publicKeyDer)), hex(s(t.msg)), 'RAW', hex(s(t.sig))));
    if (OTHER_SALT_LENGTH.test(s(t.comment))) {
      assert.equal(ok, true, `tcId ${String(t.tcId)} (${s(t.comment)}) verifies with the recovered salt length`);
      return 'skip';
    }
    return ok;
  });
  test('rsa_pss_2048_sha256_mgf1_32_test.json, EMSA-PSS-VERIFY fixed at sLen 32 (rsa-padding.ts)', () => {
    const data = loadWycheproof('rsa_pss_2048_sha256_mgf1_32_test.json');
    const tally = new Tally('rsa_pss fixed sLen 32');
    let otherSalt = 0;
    for (const g of data.testGroups) {
      const pub = createPublicKey({ key: Buffer.from(hex(s(g.publicKeyDer))), format: 'der', type: 'spki' });
      const bits = 2048;
      for (const t of g.tests) {
        const fixed = accepts(() => {
          const sig = hex(s(t.sig));
          if (sig.length !== bits / 8) return false;
          const m = publicDecrypt({ key: pub, padding: constants.RSA_NO_PADDING }, sig);
          // emBits = 2047, so EM is the whole 256-byte block (its top bit must be clear).
          return emsaPssVerify('SHA-256', createHash('sha256').update(hex(s(t.msg))).digest(), m, bits - 1, 32);
        });
        const auto = accepts(() => suite32Auto(g, t));
        if (OTHER_SALT_LENGTH.test(s(t.comment))) {
          otherSalt++;
          assert.equal(fixed, false, `fixed sLen 32 refuses tcId ${String(t.tcId)}`);
          assert.equal(auto, true, `'auto' accepts tcId ${String(t.tcId)}`);
        }
        tally.record(t, fixed);
      }
    }
    console.log(tally.report());
    assert.equal(otherSalt, 6);
    assert.deepEqual(tally.wrongAccepts, []);
    assert.deepEqual(tally.validRejected, []);
  });
  run('ecdsa_secp256r1_sha256_test.json', (suite, g, t) =>
    accepts(() => suite.verify('ECDSA_SHA_256', hex(s(g.publicKeyDer)), hex(s(t.msg)), 'RAW', hex(s(t.sig)))),
  );
});
