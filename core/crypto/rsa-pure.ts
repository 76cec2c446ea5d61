/**
 * RSA keys and the raw RSA primitives (RSAEP/RSADP, RFC 8017 §5) in pure JS via
 * node-forge, for runtimes whose crypto lacks them. Only forge's key arithmetic and DER
 * codecs are used: its padding and verify code are not (forge's PKCS#1 verify accepts
 * signatures over the wrong hash), the encodings live in rsa-padding.ts.
 */
import { randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { KwError } from '../api/errors.ts';
import { bytesToBigInt } from './bytes.ts';

export type ForgePrivateKey = forge.pki.rsa.PrivateKey;
export type ForgePublicKey = forge.pki.rsa.PublicKey;

const toBinary = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('binary');
const fromBinary = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'binary'));

/** Keeps forge off node:crypto (a custom prng forces its JS path) and on strong randomness. */
/** forge's raw-RSA entry points (padding disabled via the boolean arguments) are untyped in @types/node-forge. */
const rawRsa = forge.pki.rsa as unknown as {
  encrypt(m: string, key: ForgePublicKey, bt: boolean): string;
  decrypt(ed: string, key: ForgePrivateKey, pub: boolean, ml: boolean): string;
};

const strongPrng = { getBytesSync: (n: number): string => randomBytes(n).toString('binary') };

export function rsaGenerate(bits: number): { privateKey: Uint8Array; publicKey: Uint8Array } {
  const kp = forge.pki.rsa.generateKeyPair({ bits, e: 0x10001, prng: strongPrng } as forge.pki.rsa.GenerateKeyPairOptions);
  return { privateKey: rsaPrivateToPkcs8(kp.privateKey), publicKey: rsaPublicToSpki(kp.publicKey) };
}

export function rsaPrivateToPkcs8(key: ForgePrivateKey): Uint8Array {
  return fromBinary(forge.asn1.toDer(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(key))).getBytes());
}

export function rsaPublicToSpki(key: ForgePublicKey): Uint8Array {
  return fromBinary(forge.asn1.toDer(forge.pki.publicKeyToAsn1(key)).getBytes());
}

export function rsaParsePkcs8(der: Uint8Array): ForgePrivateKey {
  try {
    const key = forge.pki.privateKeyFromAsn1(forge.asn1.fromDer(toBinary(der))) as ForgePrivateKey;
    if (!key.n || !key.d) throw new Error('not RSA');
    return key;
  } catch {
    throw new KwError('InvalidKeyMaterial', 'private key is not an RSA PKCS#8 key');
  }
}

export function rsaParseSpki(der: Uint8Array): ForgePublicKey {
  try {
    const key = forge.pki.publicKeyFromAsn1(forge.asn1.fromDer(toBinary(der))) as ForgePublicKey;
    if (!key.n || !key.e) throw new Error('not RSA');
    return key;
  } catch {
    throw new KwError('InvalidPublicKey', 'public key is not an RSA SubjectPublicKeyInfo');
  }
}

export function rsaPublicOf(key: ForgePrivateKey): ForgePublicKey {
  return forge.pki.setRsaPublicKey(key.n, key.e);
}

export const modulusBits = (key: ForgePublicKey | ForgePrivateKey): number => key.n.bitLength();
export const modulusBytes = (key: ForgePublicKey | ForgePrivateKey): number => Math.ceil(key.n.bitLength() / 8);

/** RSAEP/RSAVP1: c must be k bytes and < n; returns k bytes, or undefined when out of range. */
export function rsaRawPublic(key: ForgePublicKey, input: Uint8Array): Uint8Array | undefined {
  const k = modulusBytes(key);
  if (input.length !== k) return undefined;
  if (bytesToBigInt(input) >= BigInt('0x' + key.n.toString(16))) return undefined;
  return fromBinary(rawRsa.encrypt(toBinary(input), key, true));
}

/** RSADP/RSASP1 with CRT and forge's blinding: input must be k bytes and < n. */
export function rsaRawPrivate(key: ForgePrivateKey, input: Uint8Array): Uint8Array | undefined {
  if (input.length !== modulusBytes(key)) return undefined;
  try {
    return fromBinary(rawRsa.decrypt(toBinary(input), key, false, false));
  } catch {
    return undefined;
  }
}
