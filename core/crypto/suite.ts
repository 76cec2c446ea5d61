/**
 * Picks the algorithm provider for this runtime. Plain Node (OpenSSL 3) gets the openssl
 * suite whole; a runtime whose node:crypto lacks pieces (Electron's BoringSSL: no SM3,
 * SM4, AES key wrap) gets a composite that uses node:crypto per operation where the probe
 * found it working and the pure suite otherwise. The probe runs once per process.
 */
import { constants, generateKeyPairSync, getCiphers, getHashes, privateDecrypt, publicEncrypt } from 'node:crypto';
import { opensslSuite } from './openssl-suite.ts';
import { pureSuite } from './pure-suite.ts';
import type { CryptoSuite } from './types.ts';

export interface RuntimeCapabilities {
  sm3: boolean;
  sm4: boolean;
  aesKeyWrap: boolean;
  aesKeyWrapPad: boolean;
  /** RSA key generation and raw (unpadded) RSA, on which every RSA scheme here is built. */
  rsa: boolean;
  ecP256: boolean;
}

function probeRsa(): boolean {
  try {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const block = Buffer.alloc(128, 0);
    block[127] = 42;
    const c = publicEncrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, block);
    return privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, c).equals(block);
  } catch {
    return false;
  }
}

function probeP256(): boolean {
  try {
    generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return true;
  } catch {
    return false;
  }
}

export function probeRuntime(): RuntimeCapabilities {
  const ciphers = new Set(getCiphers());
  const hashes = new Set(getHashes());
  return {
    sm3: hashes.has('sm3'),
    sm4: ciphers.has('sm4-ecb'),
    aesKeyWrap: ['id-aes128-wrap', 'id-aes192-wrap', 'id-aes256-wrap'].every((c) => ciphers.has(c)),
    aesKeyWrapPad: ['id-aes128-wrap-pad', 'id-aes192-wrap-pad', 'id-aes256-wrap-pad'].every((c) => ciphers.has(c)),
    rsa: probeRsa(),
    ecP256: probeP256(),
  };
}

/** Builds the per-operation composition for the given capabilities (exported for tests). */
export function composeSuite(caps: RuntimeCapabilities): CryptoSuite {
  if (Object.values(caps).every(Boolean)) return opensslSuite;
  const o = opensslSuite;
  const p = pureSuite;
  const asym = caps.rsa && caps.ecP256 ? o : p;
  const kw = caps.aesKeyWrap ? o : p;
  const kwp = caps.aesKeyWrapPad ? o : p;
  return {
    name: 'composite',
    aes256gcm: o.aes256gcm,
    sm4gcm: caps.sm4 ? o.sm4gcm : p.sm4gcm,
    digest: (alg, data) => (alg === 'SM3' && !caps.sm3 ? p : o).digest(alg, data),
    hmac: (alg, key, data) => (alg === 'SM3' && !caps.sm3 ? p : o).hmac(alg, key, data),
    aesKeyWrap: (kek, key) => kw.aesKeyWrap(kek, key),
    aesKeyUnwrap: (kek, wrapped) => kw.aesKeyUnwrap(kek, wrapped),
    aesKeyWrapPad: (kek, key) => kwp.aesKeyWrapPad(kek, key),
    aesKeyUnwrapPad: (kek, wrapped) => kwp.aesKeyUnwrapPad(kek, wrapped),
    generateKeyPair: (spec) => asym.generateKeyPair(spec),
    publicKeyOf: (pkcs8) => asym.publicKeyOf(pkcs8),
    // One suite prepares and uses private keys, so a prepared key always meets its own suite.
    preparePrivateKey: (pkcs8) => asym.preparePrivateKey(pkcs8),
    sign: (alg, key, input, mt, userId) => asym.sign(alg, key, input, mt, userId),
    verify: (alg, key, input, mt, sig, userId) => asym.verify(alg, key, input, mt, sig, userId),
    asymmetricEncrypt: (alg, key, pt) => asym.asymmetricEncrypt(alg, key, pt),
    asymmetricDecrypt: (alg, key, ct) => asym.asymmetricDecrypt(alg, key, ct),
    rsaOaepEncrypt: (key, params, pt) => asym.rsaOaepEncrypt(key, params, pt),
    rsaOaepDecrypt: (key, params, ct) => asym.rsaOaepDecrypt(key, params, ct),
  };
}

let cached: CryptoSuite | undefined;

/** The suite the app uses: probed once, then reused. */
export function defaultSuite(): CryptoSuite {
  cached ??= composeSuite(probeRuntime());
  return cached;
}
