/**
 * Power-up known-answer tests (one small published vector per algorithm, each citing its
 * source) and the pairwise consistency check run on every freshly generated key pair
 * (FIPS 140-3 IG 10.3.A style). Everything here is quick: no key generation, no RSA
 * private-key operation, so the KMS can run it on every start.
 */
import { KwError } from '../api/errors.ts';
import { bytesToHex, equalBytes, hexToBytes, utf8 } from './bytes.ts';
import * as sm2 from './sm2.ts';
import { encodeEcPkcs8, encodeEcSpki } from './ec-keys.ts';
import type { AsymEncryptAlgorithm, CryptoSuite, KeyPairDer, KeyPairSpec, SignAlgorithm } from './types.ts';

const h = hexToBytes;

/** GM/T 0003.5-2012 Annex A (signature) and Annex C (encryption) share this key pair. */
const GMT_SM2 = {
  d: '3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8',
  k: '59276e27d506861a16680f3ad9c02dccef3cc1fa3cdbe4ce6d54b80deac1bc21',
  r: 'f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3',
  s: 'b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa',
  cipher:
    '307c022004ebfc718e8d1798620432268e77feb6415e2ede0e073c0f4f640ecd2e149a73022100e858f9d81e5430a57b36daab8f950a3c64e6ee6a63094d99283aff' +
    '767e124df0042059983c18f809e262923c53aec295d30383b54e39d609d160afcb1908d0bd8766041321886ca989ca9c7d58087307ca93092d651efa',
};

/** Wycheproof rsa_signature_2048_sha256_test.json, group 1, tcId 2 (msg = 20 zero bytes). */
const RSA_KAT = {
  spki:
    '30820122300d06092a864886f70d01010105000382010f003082010a0282010100a2b451a07d0aa5f96e455671513550514a8a5b462ebef717094fa1fee82224e6' +
    '37f9746d3f7cafd31878d80325b6ef5a1700f65903b469429e89d6eac8845097b5ab393189db92512ed8a7711a1253facd20f79c15e8247f3d3e42e46e48c98e25' +
    '4a2fe9765313a03eff8f17e1a029397a1fa26a8dce26f490ed81299615d9814c22da610428e09c7d9658594266f5c021d0fceca08d945a12be82de4d1ece6b4c03' +
    '145b5d3495d4ed5411eb878daf05fd7afc3e09ada0f1126422f590975a1969816f48698bcbba1b4d9cae79d460d8f9f85e7975005d9bc22c4e5ac0f7c1a45d1256' +
    '9a62807d3b9a02e5a530e773066f453d1f5b4c2e9cf7820283f742b9d50203010001',
  msg: '0000000000000000000000000000000000000000',
  sig:
    '8a1b220cb2ab415dc760eb7f5bb10335a3cca269d7dbbf7d0962ba79f9cf7b43a5fc09c99a1584f07403473d6c189a836897a5b6f8ea9fa22d601e6ba5f7411fe2' +
    '7c638b81b1a22363583a80fce8c7df3e40fb51bd0e60d0a6653f79f3bcb7ec3e9dc14cfb5b31ab1735bca692d50ac03f979dda92747c6430f8045efa3513ba6e0c' +
    'e3e9e35570e1c30c8ebe589b44192e1344ca83dfa576fc6fdc7bf1cd7cee875b001c8c02ce8d602769e4bd9d241c4857182a0089a8b67644e73eef105c550efa47' +
    'a40874289395ac0c4e02fd4ba98e130a4c2d1b95521c6af4a002ac3bdc6e52122ae4c08cc3da1c896e059acbddec574ac0432f6103dd97273d8803c102',
};

/** Wycheproof ecdsa_secp256r1_sha256_test.json, group 1, tcId 2. */
const ECDSA_KAT = {
  spki:
    '3059301306072a8648ce3d020106082a8648ce3d0301070342000404aaec73635726f213fb8a9e64da3b8632e41495a944d0045b522eba7240fad587d9315798aa' +
    'a3a5ba01775787ced05eaaf7b4e09fc81d6d1aa546e8365d525d',
  msg: '4d7367',
  sig: '30450220530bd6b0c9af2d69ba897f6b5fb59695cfbf33afe66dbadcf5b8d2a2a6538e23022100d85e489cb7a161fd55ededcedbf4cc0c0987e3e3f0f242cae934c72caa3f43e9',
};

type Kat = [name: string, run: (s: CryptoSuite) => boolean];

const KATS: Kat[] = [
  // FIPS 180-2 Appendix A.1 / B.1 ("abc").
  ['SHA-1', (s) => bytesToHex(s.digest('SHA-1', utf8('abc'))) === 'a9993e364706816aba3e25717850c26c9cd0d89d'],
  ['SHA-256', (s) => bytesToHex(s.digest('SHA-256', utf8('abc'))) === 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  // GM/T 0004-2012 Appendix A.1.
  ['SM3', (s) => bytesToHex(s.digest('SM3', utf8('abc'))) === '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0'],
  // RFC 4231 test case 2.
  ['HMAC-SHA-256', (s) => bytesToHex(s.hmac('SHA-256', utf8('Jefe'), utf8('what do ya want for nothing?'))) === '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
  // GM/T 0042-2015 Appendix D.3 (as in OpenSSL's evpmac_sm3.txt).
  ['HMAC-SM3', (s) => bytesToHex(s.hmac('SM3', utf8('Jefe'), utf8('what do ya want for nothing?'))) === '2e87f1d16862e6d964b50a5200bf2b10b764faa9680a296a2405f24bec39f882'],
  // McGrew & Viega, "The GCM mode of operation", test case 14 (256-bit zero key, zero IV, one zero block).
  ['AES-256-GCM', (s) => aeadKat(s.aes256gcm, new Uint8Array(32), new Uint8Array(12), new Uint8Array(16), new Uint8Array(0), 'cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919')],
  // RFC 8998 Appendix A.1.
  ['SM4-GCM', (s) => aeadKat(s.sm4gcm, h('0123456789abcdeffedcba9876543210'), h('00001234567800000000abcd'),
    h('aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbccccccccccccccccddddddddddddddddeeeeeeeeeeeeeeeeffffffffffffffffeeeeeeeeeeeeeeeeaaaaaaaaaaaaaaaa'),
    h('feedfacedeadbeeffeedfacedeadbeefabaddad2'),
    '17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735d82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d83de3541e4c2b58177e065a9bf7b62ec')],
  // RFC 3394 §4.6: 256-bit key data with a 256-bit KEK.
  ['AES-KW', (s) => {
    const kek = h('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
    const key = h('00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f');
    const ct = '28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43bfb988b9b7a02dd21';
    return bytesToHex(s.aesKeyWrap(kek, key)) === ct && equalBytes(s.aesKeyUnwrap(kek, h(ct)), key);
  }],
  // RFC 5649 §6, 20-octet key data.
  ['AES-KWP', (s) => {
    const kek = h('5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8');
    const key = h('c37b7e6492584340bed12207808941155068f738');
    const ct = '138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a';
    return bytesToHex(s.aesKeyWrapPad(kek, key)) === ct && equalBytes(s.aesKeyUnwrapPad(kek, h(ct)), key);
  }],
  ['RSA-PKCS1-SHA256-verify', (s) => s.verify('RSA_PKCS1_SHA_256', h(RSA_KAT.spki), h(RSA_KAT.msg), 'RAW', h(RSA_KAT.sig)) &&
    !s.verify('RSA_PKCS1_SHA_256', h(RSA_KAT.spki), h('01'), 'RAW', h(RSA_KAT.sig))],
  ['ECDSA-P256-verify', (s) => s.verify('ECDSA_SHA_256', h(ECDSA_KAT.spki), h(ECDSA_KAT.msg), 'RAW', h(ECDSA_KAT.sig)) &&
    !s.verify('ECDSA_SHA_256', h(ECDSA_KAT.spki), h('4d7368'), 'RAW', h(ECDSA_KAT.sig))],
  // GM/T 0003.5-2012 Annex A: the nonce is fixed, so the signature is exact.
  ['SM2-sign', (s) => {
    const d = h(GMT_SM2.d);
    const pub = sm2.sm2PublicFromPrivate(d);
    const e = sm2.sm2MessageDigest(pub, utf8('message digest'));
    const sig = sm2.unsafe.signDigestWithK(d, e, h(GMT_SM2.k));
    const hexSig = bytesToHex(sig);
    return hexSig.includes(GMT_SM2.r) && hexSig.includes(GMT_SM2.s) && s.verify('SM2DSA', encodeEcSpki('SM2', pub), utf8('message digest'), 'RAW', sig);
  }],
  // GM/T 0003.5-2012 Annex C, GM/T 0009 DER layout.
  ['SM2-decrypt', (s) => {
    const pkcs8 = sm2TestKey();
    return new TextDecoder().decode(s.asymmetricDecrypt('SM2PKE', pkcs8, h(GMT_SM2.cipher))) === 'encryption standard';
  }],
];

function sm2TestKey(): Uint8Array {
  const d = h(GMT_SM2.d);
  return encodeEcPkcs8('SM2', d, sm2.sm2PublicFromPrivate(d));
}

function aeadKat(aead: CryptoSuite['aes256gcm'], key: Uint8Array, iv: Uint8Array, pt: Uint8Array, aad: Uint8Array, expected: string): boolean {
  const sealed = aead.seal(key, iv, pt, aad);
  return bytesToHex(sealed) === expected && equalBytes(aead.open(key, iv, sealed, aad), pt);
}

/** Runs every known-answer test; never throws. */
export function runSelfTest(suite: CryptoSuite): { ok: boolean; failures: string[] } {
  const failures: string[] = [];
  for (const [name, run] of KATS) {
    let ok: boolean;
    try {
      ok = run(suite);
    } catch {
      ok = false;
    }
    if (!ok) failures.push(name);
  }
  return { ok: failures.length === 0, failures };
}

const SIGN_FOR: Record<KeyPairSpec, SignAlgorithm> = {
  RSA_2048: 'RSA_PSS_SHA_256',
  RSA_3072: 'RSA_PSS_SHA_256',
  RSA_4096: 'RSA_PSS_SHA_256',
  EC_P256: 'ECDSA_SHA_256',
  SM2: 'SM2DSA',
};
const ENCRYPT_FOR: Partial<Record<KeyPairSpec, AsymEncryptAlgorithm>> = {
  RSA_2048: 'RSAES_OAEP_SHA_256',
  RSA_3072: 'RSAES_OAEP_SHA_256',
  RSA_4096: 'RSAES_OAEP_SHA_256',
  SM2: 'SM2PKE',
};

/** Sign/verify (and encrypt/decrypt where the spec allows) with a new pair; throws KwError('SelfTestFailed'). */
export function pairwiseConsistencyCheck(spec: KeyPairSpec, keyPair: KeyPairDer, suite: CryptoSuite): void {
  const probe = utf8('keywarden pairwise consistency');
  let ok: boolean;
  try {
    const alg = SIGN_FOR[spec];
    const sig = suite.sign(alg, keyPair.privateKey, probe, 'RAW');
    ok = suite.verify(alg, keyPair.publicKey, probe, 'RAW', sig) && !suite.verify(alg, keyPair.publicKey, utf8('other'), 'RAW', sig);
    const enc = ENCRYPT_FOR[spec];
    if (ok && enc) {
      const ct = suite.asymmetricEncrypt(enc, keyPair.publicKey, probe);
      ok = equalBytes(suite.asymmetricDecrypt(enc, keyPair.privateKey, ct), probe);
    }
  } catch {
    ok = false;
  }
  if (!ok) throw new KwError('SelfTestFailed', 'pairwise consistency check failed', { spec });
}
