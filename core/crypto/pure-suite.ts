/**
 * The pure suite: every algorithm in audited JS libraries (@noble/ciphers, @noble/hashes,
 * @noble/curves, sm-crypto-v2, node-forge for RSA arithmetic) and the T-table SM4 of
 * sm4-tables.ts; from node:crypto only
 * randomBytes. It runs wherever JS runs, including Electron's BoringSSL-based runtime.
 */
import { ecb, gcm, aeskw, aeskwp } from '@noble/ciphers/aes';
import { KwError, missingCase } from '../api/errors.ts';
import { abytes, abytesOneOf, asU8, wipe } from './bytes.ts';
import {
  ecGenerate, ecLoadPrivate, ecPublicKeyOf, p256Sign, p256SignWith, p256Verify, sm2DecryptDer, sm2DecryptWith, sm2EncryptDer, sm2Sign, sm2SignWith,
  sm2Verify, type EcPrivateKey,
} from './ec-ops.ts';
import { pkcs8Kind } from './ec-keys.ts';
import { gcmCipherFromEcb, gcmOpen, gcmSeal, type EcbEncrypt, type GcmCipher } from './gcm.ts';
import { sm4Ctr32, sm4EncryptBlocks, sm4RoundKeys } from './sm4-tables.ts';
import { digestPure, hmacPure } from './hash-pure.ts';
import { rsaGenerate, rsaParsePkcs8, rsaParseSpki, rsaPublicOf, rsaPublicToSpki } from './rsa-pure.ts';
import { forgeRaw, type RsaRaw, rsaDecryptWith, rsaEncryptWith, rsaOaepDecryptWith, rsaOaepEncryptWith, rsaSignWith, rsaVerifyWith } from './rsa-ops.ts';
import type { Aead, CryptoSuite, KeyPairSpec, PreparedPrivateKey, PrivateKeyInput } from './types.ts';

const invalidCiphertext = (): KwError => new KwError('InvalidCiphertext', 'ciphertext is not valid');
const unwrapFailed = (): KwError => new KwError('UnwrapFailed', 'key unwrap failed');

const aesEcb = (key: Uint8Array): EcbEncrypt => (blocks) => ecb(key, { disablePadding: true }).encrypt(blocks);
/** SM4-ECB over whole blocks with the T-table SM4 (exported for the GM/T 0002 tests). */
export const pureSm4Ecb = (key: Uint8Array): EcbEncrypt => {
  const rk = sm4RoundKeys(key);
  return (blocks) => sm4EncryptBlocks(rk, blocks);
};

/** The T-table SM4 under one key for one GCM call; the round keys are wiped by `done`. */
export function pureSm4Cipher(key: Uint8Array): GcmCipher & { done(): void } {
  const rk = sm4RoundKeys(key);
  return {
    encryptBlock: (block) => sm4EncryptBlocks(rk, block),
    ctr32: (counter, input) => sm4Ctr32(rk, counter, input),
    done: () => rk.fill(0),
  };
}

function checkAeadInputs(keyLen: number, key: Uint8Array, iv: Uint8Array, data: Uint8Array, aad: Uint8Array): void {
  abytes(key, keyLen, 'key');
  abytes(iv, undefined, 'iv');
  abytes(data, undefined, 'data');
  abytes(aad, undefined, 'aad');
  if (iv.length === 0) throw new KwError('InvalidParameter', 'iv must not be empty');
}

/** AES-256-GCM: noble's gcm for IVs of 8 bytes or more, the generic GCM below that. */
export const pureAes256Gcm: Aead = {
  keyLength: 32,
  seal(key, iv, plaintext, aad) {
    checkAeadInputs(32, key, iv, plaintext, aad);
    if (iv.length < 8) return gcmSeal(gcmCipherFromEcb(aesEcb(asU8(key))), iv, plaintext, aad);
    return gcm(asU8(key), asU8(iv), asU8(aad)).encrypt(asU8(plaintext));
  },
  open(key, iv, sealed, aad) {
    checkAeadInputs(32, key, iv, sealed, aad);
    if (iv.length < 8) return gcmOpen(gcmCipherFromEcb(aesEcb(asU8(key))), iv, sealed, aad);
    try {
      return gcm(asU8(key), asU8(iv), asU8(aad)).decrypt(asU8(sealed));
    } catch {
      throw invalidCiphertext();
    }
  },
};

export const pureSm4Gcm: Aead = {
  keyLength: 16,
  seal(key, iv, plaintext, aad) {
    checkAeadInputs(16, key, iv, plaintext, aad);
    const cipher = pureSm4Cipher(key);
    try {
      return gcmSeal(cipher, iv, plaintext, aad);
    } finally {
      cipher.done();
    }
  },
  open(key, iv, sealed, aad) {
    checkAeadInputs(16, key, iv, sealed, aad);
    const cipher = pureSm4Cipher(key);
    try {
      return gcmOpen(cipher, iv, sealed, aad);
    } finally {
      cipher.done();
    }
  },
};

const KEK_LENGTHS = [16, 24, 32];

function checkWrapInput(kek: Uint8Array, key: Uint8Array, padded: boolean): void {
  abytesOneOf(kek, KEK_LENGTHS, 'kek');
  abytes(key, undefined, 'key');
  // RFC 3394 wraps n >= 2 semiblocks; RFC 5649 wraps 1 byte or more.
  if (!padded && (key.length < 16 || key.length % 8 !== 0)) throw new KwError('InvalidParameter', 'key to wrap must be a multiple of 8 bytes, at least 16');
  if (padded && key.length === 0) throw new KwError('InvalidParameter', 'key to wrap must not be empty');
}

function unwrapWith(cipher: (kek: Uint8Array) => { decrypt(b: Uint8Array): Uint8Array }, kek: Uint8Array, wrapped: Uint8Array): Uint8Array {
  abytesOneOf(kek, KEK_LENGTHS, 'kek');
  abytes(wrapped, undefined, 'wrapped');
  try {
    return cipher(asU8(kek)).decrypt(new Uint8Array(wrapped));
  } catch {
    throw unwrapFailed();
  }
}

function rsaBits(spec: 'RSA_2048' | 'RSA_3072' | 'RSA_4096'): number {
  return spec === 'RSA_2048' ? 2048 : spec === 'RSA_3072' ? 3072 : 4096;
}

export function pureGenerateKeyPair(spec: KeyPairSpec) {
  switch (spec) {
    case 'RSA_2048':
    case 'RSA_3072':
    case 'RSA_4096':
      return rsaGenerate(rsaBits(spec));
    case 'EC_P256':
      return ecGenerate('P-256');
    case 'SM2':
      return ecGenerate('SM2');
    default:
      return missingCase(spec);
  }
}

export function purePublicKeyOf(pkcs8: Uint8Array): Uint8Array {
  abytes(pkcs8, undefined, 'privateKey');
  const kind = pkcs8Kind(pkcs8);
  return kind === 'RSA' ? rsaPublicToSpki(rsaPublicOf(rsaParsePkcs8(pkcs8))) : ecPublicKeyOf(pkcs8, kind);
}

/** A private key parsed once: forge's RSA numbers behind a raw-RSA primitive, or an EC scalar. */
class PurePrivateKey implements PreparedPrivateKey {
  readonly suite = 'pure';
  constructor(
    readonly kind: PreparedPrivateKey['kind'],
    readonly rsa: RsaRaw | null,
    readonly ec: EcPrivateKey | null,
  ) {}

  dispose(): void {
    if (this.ec) wipe(this.ec.d);
  }
}

function purePrepare(pkcs8: Uint8Array): PurePrivateKey {
  abytes(pkcs8, undefined, 'privateKey');
  const kind = pkcs8Kind(pkcs8);
  if (kind === 'RSA') return new PurePrivateKey(kind, forgeRaw.privateKey(rsaParsePkcs8(pkcs8)), null);
  return new PurePrivateKey(kind, null, ecLoadPrivate(pkcs8, kind, true));
}

/** The prepared key behind a PrivateKeyInput, or null for PKCS#8 bytes (parsed by each operation as before). */
function prepared(key: PrivateKeyInput): PurePrivateKey | null {
  if (key instanceof Uint8Array) {
    abytes(key, undefined, 'privateKey');
    return null;
  }
  if (!(key instanceof PurePrivateKey)) throw new KwError('InvalidKeyMaterial', 'private key was prepared by another suite');
  return key;
}

function rsaOf(k: PurePrivateKey): RsaRaw {
  if (!k.rsa) throw new KwError('InvalidKeyMaterial', 'not an RSA private key');
  return k.rsa;
}

function ecOf(k: PurePrivateKey, curve: 'P-256' | 'SM2'): EcPrivateKey {
  if (k.kind !== curve || !k.ec) throw new KwError(curve === 'P-256' ? 'InvalidParameter' : 'InvalidKeyMaterial', `not a ${curve} private key`);
  return k.ec;
}

function rsaPrivateOf(key: PrivateKeyInput): RsaRaw {
  const k = prepared(key);
  return k ? rsaOf(k) : forgeRaw.privateKey(rsaParsePkcs8(key as Uint8Array));
}

export const pureSuite: CryptoSuite = {
  name: 'pure',
  aes256gcm: pureAes256Gcm,
  sm4gcm: pureSm4Gcm,
  digest(alg, data) {
    return digestPure(alg, abytes(data, undefined, 'data'));
  },
  hmac(alg, key, data) {
    abytes(key, undefined, 'key');
    return hmacPure(alg, key, abytes(data, undefined, 'data'));
  },
  aesKeyWrap(kek, key) {
    checkWrapInput(kek, key, false);
    return aeskw(asU8(kek)).encrypt(new Uint8Array(key));
  },
  aesKeyUnwrap(kek, wrapped) {
    return unwrapWith(aeskw, kek, wrapped);
  },
  aesKeyWrapPad(kek, key) {
    checkWrapInput(kek, key, true);
    return aeskwp(asU8(kek)).encrypt(new Uint8Array(key));
  },
  aesKeyUnwrapPad(kek, wrapped) {
    return unwrapWith(aeskwp, kek, wrapped);
  },
  generateKeyPair: pureGenerateKeyPair,
  publicKeyOf: purePublicKeyOf,
  preparePrivateKey: purePrepare,
  sign(alg, privateKey, input, messageType, userId) {
    const k = prepared(privateKey);
    const der = privateKey as Uint8Array;
    abytes(input, undefined, 'input');
    switch (alg) {
      case 'RSA_PKCS1_SHA_256':
      case 'RSA_PSS_SHA_256':
        return rsaSignWith(alg, rsaPrivateOf(privateKey), input, messageType);
      case 'ECDSA_SHA_256':
        return k ? p256SignWith(ecOf(k, 'P-256'), input, messageType) : p256Sign(der, input, messageType);
      case 'SM2DSA':
        return k ? sm2SignWith(ecOf(k, 'SM2'), input, messageType, userId) : sm2Sign(der, input, messageType, userId);
      default:
        return missingCase(alg);
    }
  },
  verify(alg, publicKey, input, messageType, signature, userId) {
    abytes(publicKey, undefined, 'publicKey');
    abytes(input, undefined, 'input');
    abytes(signature, undefined, 'signature');
    switch (alg) {
      case 'RSA_PKCS1_SHA_256':
      case 'RSA_PSS_SHA_256':
        return rsaVerifyWith(alg, forgeRaw.publicKey(rsaParseSpki(publicKey)), input, messageType, signature);
      case 'ECDSA_SHA_256':
        return p256Verify(publicKey, input, messageType, signature);
      case 'SM2DSA':
        return sm2Verify(publicKey, input, messageType, signature, userId);
      default:
        return missingCase(alg);
    }
  },
  asymmetricEncrypt(alg, publicKey, plaintext) {
    abytes(publicKey, undefined, 'publicKey');
    abytes(plaintext, undefined, 'plaintext');
    if (alg === 'SM2PKE') return sm2EncryptDer(publicKey, plaintext);
    return rsaEncryptWith(alg, forgeRaw.publicKey(rsaParseSpki(publicKey)), plaintext);
  },
  asymmetricDecrypt(alg, privateKey, ciphertext) {
    const k = prepared(privateKey);
    abytes(ciphertext, undefined, 'ciphertext');
    if (alg === 'SM2PKE') return k ? sm2DecryptWith(ecOf(k, 'SM2'), ciphertext) : sm2DecryptDer(privateKey as Uint8Array, ciphertext);
    return rsaDecryptWith(alg, rsaPrivateOf(privateKey), ciphertext);
  },
  rsaOaepEncrypt(publicKey, params, plaintext) {
    abytes(publicKey, undefined, 'publicKey');
    abytes(plaintext, undefined, 'plaintext');
    return rsaOaepEncryptWith(forgeRaw.publicKey(rsaParseSpki(publicKey)), params, plaintext);
  },
  rsaOaepDecrypt(privateKey, params, ciphertext) {
    const key = rsaPrivateOf(privateKey);
    abytes(ciphertext, undefined, 'ciphertext');
    return rsaOaepDecryptWith(key, params, ciphertext);
  },
};

