/**
 * The openssl suite: node:crypto (OpenSSL 3.0) for everything it does right, and the
 * shared pure pieces where it does not: SM2 (node signs with an empty user id and aborts
 * on SEC1 export), SM4-GCM (node has sm4-ecb but no sm4-gcm), OAEP with a different MGF1
 * hash, pre-hashed signing, and PKCS#1 v1.5 decryption, whose padding check runs in
 * rsa-padding.ts over OpenSSL's raw RSA (Node 20 refuses RSA_PKCS1_PADDING decryption
 * without implicit rejection, and implicit rejection would hide failures we must report).
 */
import {
  constants, createCipheriv, createDecipheriv, createHash, createHmac, createPublicKey, generateKeyPairSync,
  privateDecrypt, publicEncrypt, sign as nodeSign, verify as nodeVerify, type KeyObject,
} from 'node:crypto';
import { KwError, missingCase } from '../api/errors.ts';
import { abytes, abytesOneOf, asU8, wipe } from './bytes.ts';
import { checkDigestInput, ecGenerate, ecPublicKeyOf, p256SignWith, p256Verify, sm2DecryptWith, sm2EncryptDer, sm2SignWith, sm2Verify } from './ec-ops.ts';
import { ecPrivate, OpensslPrivateKey, prepare, privateKeyObject, publicKeyObject, rsaKey, rsaPrivate, withPrivate } from './openssl-keys.ts';
import { pkcs8Kind, spkiKind } from './ec-keys.ts';
import { gcmCipherFromEcb, gcmOpen, gcmSeal, inc32, type EcbEncrypt, type GcmCipher } from './gcm.ts';
import {
  oaepParamsOf, PSS_SALT_LENGTH, rsaDecryptWith, rsaOaepDecryptWith, rsaOaepEncryptWith, rsaSignWith, rsaVerifyWith, type RsaRaw,
} from './rsa-ops.ts';
import type { Aead, CryptoSuite, HashName, KeyPairDer, OaepParams } from './types.ts';

const invalidCiphertext = (): KwError => new KwError('InvalidCiphertext', 'ciphertext is not valid');
const NODE_HASH: Record<HashName, string> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', SM3: 'sm3' };

function checkAeadInputs(keyLen: number, key: Uint8Array, iv: Uint8Array, data: Uint8Array, aad: Uint8Array): void {
  abytes(key, keyLen, 'key');
  abytes(iv, undefined, 'iv');
  abytes(data, undefined, 'data');
  abytes(aad, undefined, 'aad');
  if (iv.length === 0) throw new KwError('InvalidParameter', 'iv must not be empty');
}

const aesEcb = (key: Uint8Array): EcbEncrypt => (blocks) => {
  const c = createCipheriv('aes-256-ecb', key, null).setAutoPadding(false);
  return asU8(Buffer.concat([c.update(blocks), c.final()]));
};

/** OpenSSL refuses GCM IVs over 128 bytes; the generic GCM over AES-ECB covers those. */
const OPENSSL_MAX_GCM_IV = 128;

export const opensslAes256Gcm: Aead = {
  keyLength: 32,
  seal(key, iv, plaintext, aad) {
    checkAeadInputs(32, key, iv, plaintext, aad);
    if (iv.length > OPENSSL_MAX_GCM_IV) return gcmSeal(gcmCipherFromEcb(aesEcb(key)), iv, plaintext, aad);
    const c = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
    c.setAAD(aad);
    const out = Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
    return asU8(out);
  },
  open(key, iv, sealed, aad) {
    checkAeadInputs(32, key, iv, sealed, aad);
    if (iv.length > OPENSSL_MAX_GCM_IV) return gcmOpen(gcmCipherFromEcb(aesEcb(key)), iv, sealed, aad);
    if (sealed.length < 16) throw invalidCiphertext();
    const d = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
    d.setAAD(aad);
    d.setAuthTag(sealed.subarray(sealed.length - 16));
    const pt = d.update(sealed.subarray(0, sealed.length - 16));
    try {
      return asU8(Buffer.concat([pt, d.final()]));
    } catch {
      wipe(pt);
      throw invalidCiphertext();
    }
  },
};

/**
 * SM4-ECB over whole blocks (exported for the GM/T 0002 tests). One OpenSSL context per
 * key; ECB over whole blocks keeps no state between calls.
 */
export const opensslSm4Ecb = (key: Uint8Array): EcbEncrypt => {
  const c = createCipheriv('sm4-ecb', key, null).setAutoPadding(false);
  return (blocks) => asU8(c.update(blocks));
};

/**
 * SM4 for GCM on OpenSSL: blocks through SM4-ECB, GCTR through SM4-CTR. OpenSSL's CTR
 * carries into all 128 bits where GCM's inc32 wraps the last 32, so the stream restarts
 * at each wrap of the low word (only reachable with a GHASH-derived J0).
 */
export function opensslSm4Cipher(key: Uint8Array): GcmCipher {
  const ecb = opensslSm4Ecb(key);
  return {
    encryptBlock: ecb,
    ctr32(counter, input) {
      const out = new Uint8Array(input.length);
      let cb = counter;
      for (let off = 0; off < input.length; ) {
        const untilWrap = (2 ** 32 - new DataView(cb.buffer, cb.byteOffset, 16).getUint32(12)) * 16;
        const end = Math.min(input.length, off + untilWrap);
        const c = createCipheriv('sm4-ctr', key, cb);
        out.set(c.update(input.subarray(off, end)), off);
        c.final();
        cb = inc32(cb, (end - off) / 16);
        off = end;
      }
      return out;
    },
  };
}

export const opensslSm4Gcm: Aead = {
  keyLength: 16,
  seal(key, iv, plaintext, aad) {
    checkAeadInputs(16, key, iv, plaintext, aad);
    return gcmSeal(opensslSm4Cipher(key), iv, plaintext, aad);
  },
  open(key, iv, sealed, aad) {
    checkAeadInputs(16, key, iv, sealed, aad);
    return gcmOpen(opensslSm4Cipher(key), iv, sealed, aad);
  },
};

/** RFC 3394 §2.2.3.1 and RFC 5649 §3 initial values. */
const KW_IV = Buffer.from('a6a6a6a6a6a6a6a6', 'hex');
const KWP_IV = Buffer.from('a65959a6', 'hex');

function wrapCipherName(kek: Uint8Array, padded: boolean): string {
  abytesOneOf(kek, [16, 24, 32], 'kek');
  return `id-aes${kek.length * 8}-wrap${padded ? '-pad' : ''}`;
}

function wrap(kek: Uint8Array, key: Uint8Array, padded: boolean): Uint8Array {
  const name = wrapCipherName(kek, padded);
  abytes(key, undefined, 'key');
  if (!padded && (key.length < 16 || key.length % 8 !== 0)) throw new KwError('InvalidParameter', 'key to wrap must be a multiple of 8 bytes, at least 16');
  if (padded && key.length === 0) throw new KwError('InvalidParameter', 'key to wrap must not be empty');
  const c = createCipheriv(name, kek, padded ? KWP_IV : KW_IV);
  return asU8(Buffer.concat([c.update(key), c.final()]));
}

function unwrap(kek: Uint8Array, wrapped: Uint8Array, padded: boolean): Uint8Array {
  const name = wrapCipherName(kek, padded);
  abytes(wrapped, undefined, 'wrapped');
  // OpenSSL accepts a single-semiblock KW input in some paths; RFC 3394 needs n >= 2.
  if (wrapped.length < 16 || wrapped.length % 8 !== 0 || (!padded && wrapped.length < 24)) throw new KwError('UnwrapFailed', 'key unwrap failed');
  try {
    const d = createDecipheriv(name, kek, padded ? KWP_IV : KW_IV);
    return asU8(Buffer.concat([d.update(wrapped), d.final()]));
  } catch {
    throw new KwError('UnwrapFailed', 'key unwrap failed');
  }
}

/** OpenSSL's raw RSA (RSA_NO_PADDING), which checks the k-byte length and the range below n itself. */
function nodeRaw(key: KeyObject, isPrivate: boolean): RsaRaw {
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  const bytes = Math.ceil(bits / 8);
  return {
    bits,
    bytes,
    op(input) {
      if (input.length !== bytes) return undefined;
      try {
        const opts = { key, padding: constants.RSA_NO_PADDING };
        return asU8(isPrivate ? privateDecrypt(opts, input) : publicEncrypt(opts, input));
      } catch {
        return undefined;
      }
    },
  };
}

function generate(spec: Parameters<CryptoSuite['generateKeyPair']>[0]): KeyPairDer {
  switch (spec) {
    case 'RSA_2048':
    case 'RSA_3072':
    case 'RSA_4096': {
      const modulusLength = Number(spec.slice(4));
      const kp = generateKeyPairSync('rsa', {
        modulusLength,
        publicExponent: 0x10001,
        publicKeyEncoding: { type: 'spki', format: 'der' },
        privateKeyEncoding: { type: 'pkcs8', format: 'der' },
      });
      return { privateKey: asU8(kp.privateKey), publicKey: asU8(kp.publicKey) };
    }
    case 'EC_P256': {
      const kp = generateKeyPairSync('ec', {
        namedCurve: 'P-256',
        publicKeyEncoding: { type: 'spki', format: 'der' },
        privateKeyEncoding: { type: 'pkcs8', format: 'der' },
      });
      return { privateKey: asU8(kp.privateKey), publicKey: asU8(kp.publicKey) };
    }
    case 'SM2':
      return ecGenerate('SM2');
    default:
      return missingCase(spec);
  }
}

function oaepNative(params: OaepParams): boolean {
  return params.hash === params.mgf1Hash;
}

function oaepEncrypt(spki: Uint8Array, params: OaepParams, plaintext: Uint8Array): Uint8Array {
  const key = rsaKey(publicKeyObject(spki), false);
  if (!oaepNative(params)) return rsaOaepEncryptWith(nodeRaw(key, false), params, plaintext);
  try {
    const opts = { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: NODE_HASH[params.hash], ...(params.label ? { oaepLabel: params.label } : {}) };
    return asU8(publicEncrypt(opts, plaintext));
  } catch {
    throw new KwError('InvalidParameter', 'message too long for RSA-OAEP');
  }
}

function oaepDecrypt(k: OpensslPrivateKey, params: OaepParams, ciphertext: Uint8Array): Uint8Array {
  const key = rsaPrivate(k);
  if (!oaepNative(params)) return rsaOaepDecryptWith(nodeRaw(key, true), params, ciphertext);
  try {
    const opts = { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: NODE_HASH[params.hash], ...(params.label ? { oaepLabel: params.label } : {}) };
    return asU8(privateDecrypt(opts, ciphertext));
  } catch {
    throw invalidCiphertext();
  }
}

function ensureP256(kind: string): void {
  if (kind !== 'P-256') throw new KwError('InvalidParameter', 'ECDSA_SHA_256 needs a P-256 key');
}

export const opensslSuite: CryptoSuite = {
  name: 'openssl',
  aes256gcm: opensslAes256Gcm,
  sm4gcm: opensslSm4Gcm,
  digest(alg, data) {
    abytes(data, undefined, 'data');
    return asU8(createHash(NODE_HASH[alg]).update(data).digest());
  },
  hmac(alg, key, data) {
    abytes(key, undefined, 'key');
    abytes(data, undefined, 'data');
    return asU8(createHmac(NODE_HASH[alg], key).update(data).digest());
  },
  aesKeyWrap: (kek, key) => wrap(kek, key, false),
  aesKeyUnwrap: (kek, wrapped) => unwrap(kek, wrapped, false),
  aesKeyWrapPad: (kek, key) => wrap(kek, key, true),
  aesKeyUnwrapPad: (kek, wrapped) => unwrap(kek, wrapped, true),
  generateKeyPair: generate,
  publicKeyOf(pkcs8) {
    abytes(pkcs8, undefined, 'privateKey');
    if (pkcs8Kind(pkcs8) === 'SM2') return ecPublicKeyOf(pkcs8, 'SM2');
    return asU8(createPublicKey(privateKeyObject(pkcs8)).export({ type: 'spki', format: 'der' }));
  },
  preparePrivateKey: (pkcs8) => prepare(pkcs8, true),
  sign(alg, privateKey, input, messageType, userId) {
    abytes(input, undefined, 'input');
    checkDigestInput(input, messageType, 32);
    return withPrivate(privateKey, (k) => {
      switch (alg) {
        case 'RSA_PKCS1_SHA_256':
        case 'RSA_PSS_SHA_256': {
          const key = rsaPrivate(k);
          if (messageType === 'DIGEST') return rsaSignWith(alg, nodeRaw(key, true), input, messageType);
          const pss = alg === 'RSA_PSS_SHA_256' ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: PSS_SALT_LENGTH } : {};
          return asU8(nodeSign('sha256', input, { key, ...pss }));
        }
        case 'ECDSA_SHA_256': {
          const ec = ecPrivate(k, 'P-256');
          if (messageType === 'DIGEST') return p256SignWith(ec, input, messageType);
          return asU8(nodeSign('sha256', input, { key: k.keyObject!, dsaEncoding: 'der' }));
        }
        case 'SM2DSA':
          return sm2SignWith(ecPrivate(k, 'SM2'), input, messageType, userId);
        default:
          return missingCase(alg);
      }
    });
  },
  verify(alg, publicKey, input, messageType, signature, userId) {
    abytes(publicKey, undefined, 'publicKey');
    abytes(input, undefined, 'input');
    abytes(signature, undefined, 'signature');
    checkDigestInput(input, messageType, 32);
    switch (alg) {
      case 'RSA_PKCS1_SHA_256':
      case 'RSA_PSS_SHA_256': {
        const key = rsaKey(publicKeyObject(publicKey), false);
        if (messageType === 'DIGEST') return rsaVerifyWith(alg, nodeRaw(key, false), input, messageType, signature);
        // The salt length is recovered from the signature, as `openssl dgst -sigopt rsa_pss_saltlen:auto`.
        const pss = alg === 'RSA_PSS_SHA_256' ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO } : {};
        try {
          return nodeVerify('sha256', input, { key, ...pss }, signature);
        } catch {
          return false;
        }
      }
      case 'ECDSA_SHA_256': {
        ensureP256(spkiKind(publicKey));
        if (messageType === 'DIGEST') return p256Verify(publicKey, input, messageType, signature);
        try {
          return nodeVerify('sha256', input, { key: publicKeyObject(publicKey), dsaEncoding: 'der' }, signature);
        } catch {
          return false;
        }
      }
      case 'SM2DSA':
        return sm2Verify(publicKey, input, messageType, signature, userId);
      default:
        return missingCase(alg);
    }
  },
  asymmetricEncrypt(alg, publicKey, plaintext) {
    abytes(publicKey, undefined, 'publicKey');
    abytes(plaintext, undefined, 'plaintext');
    switch (alg) {
      case 'SM2PKE':
        return sm2EncryptDer(publicKey, plaintext);
      case 'RSAES_OAEP_SHA_256':
      case 'RSAES_OAEP_SHA_1':
        return oaepEncrypt(publicKey, oaepParamsOf(alg), plaintext);
      case 'RSAES_PKCS1_V1_5': {
        const key = rsaKey(publicKeyObject(publicKey), false);
        try {
          return asU8(publicEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, plaintext));
        } catch {
          throw new KwError('InvalidParameter', 'message too long for RSA PKCS#1 v1.5');
        }
      }
      default:
        return missingCase(alg);
    }
  },
  asymmetricDecrypt(alg, privateKey, ciphertext) {
    abytes(ciphertext, undefined, 'ciphertext');
    return withPrivate(privateKey, (k) => {
      switch (alg) {
        case 'SM2PKE':
          return sm2DecryptWith(ecPrivate(k, 'SM2'), ciphertext);
        case 'RSAES_OAEP_SHA_256':
        case 'RSAES_OAEP_SHA_1':
          return oaepDecrypt(k, oaepParamsOf(alg), ciphertext);
        case 'RSAES_PKCS1_V1_5':
          return rsaDecryptWith(alg, nodeRaw(rsaPrivate(k), true), ciphertext);
        default:
          return missingCase(alg);
      }
    });
  },
  rsaOaepEncrypt(publicKey, params, plaintext) {
    abytes(publicKey, undefined, 'publicKey');
    abytes(plaintext, undefined, 'plaintext');
    return oaepEncrypt(publicKey, params, plaintext);
  },
  rsaOaepDecrypt(privateKey, params, ciphertext) {
    abytes(ciphertext, undefined, 'ciphertext');
    return withPrivate(privateKey, (k) => oaepDecrypt(k, params, ciphertext));
  },
};
