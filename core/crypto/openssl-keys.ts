/**
 * node:crypto key objects for the openssl suite: private keys parsed once
 * (`OpensslPrivateKey`, what `preparePrivateKey` returns and the vault's unsealed-key
 * cache holds) and parsed public keys kept by their SPKI bytes.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { KwError } from '../api/errors.ts';
import { abytes, wipe } from './bytes.ts';
import { ecLoadPrivate, type EcPrivateKey } from './ec-ops.ts';
import { pkcs8Kind } from './ec-keys.ts';
import type { PreparedPrivateKey, PrivateKeyInput } from './types.ts';

export function privateKeyObject(pkcs8: Uint8Array): KeyObject {
  try {
    // A view, not a copy: the caller zeroes its PKCS#8 bytes, and a copy would outlive that.
    return createPrivateKey({ key: Buffer.from(pkcs8.buffer, pkcs8.byteOffset, pkcs8.byteLength), format: 'der', type: 'pkcs8' });
  } catch {
    throw new KwError('InvalidKeyMaterial', 'private key is not a valid PKCS#8 key');
  }
}

/**
 * A private key parsed once: the KeyObject OpenSSL signs and decrypts with (RSA, P-256)
 * and, for the EC operations that run in JS (SM2, pre-hashed P-256), the scalar.
 */
export class OpensslPrivateKey implements PreparedPrivateKey {
  readonly suite = 'openssl';
  constructor(
    readonly kind: PreparedPrivateKey['kind'],
    readonly keyObject: KeyObject | null,
    readonly ec: EcPrivateKey | null,
  ) {}

  dispose(): void {
    if (this.ec) wipe(this.ec.d);
  }
}

/** `checked`: see ecLoadPrivate (OpenSSL itself parses RSA and P-256 keys). */
export function prepare(pkcs8: Uint8Array, checked: boolean): OpensslPrivateKey {
  abytes(pkcs8, undefined, 'privateKey');
  const kind = pkcs8Kind(pkcs8);
  if (kind === 'SM2') return new OpensslPrivateKey(kind, null, ecLoadPrivate(pkcs8, kind, checked));
  const keyObject = privateKeyObject(pkcs8);
  if (kind === 'RSA') return new OpensslPrivateKey(kind, rsaKey(keyObject, true), null);
  return new OpensslPrivateKey(kind, keyObject, ecLoadPrivate(pkcs8, kind, false));
}

/** Runs use with a prepared key: the caller's, or one made from PKCS#8 bytes for this call only. */
export function withPrivate<T>(key: PrivateKeyInput, use: (k: OpensslPrivateKey) => T): T {
  if (key instanceof OpensslPrivateKey) return use(key);
  if (!(key instanceof Uint8Array)) throw new KwError('InvalidKeyMaterial', 'private key was prepared by another suite');
  const k = prepare(key, false);
  try {
    return use(k);
  } finally {
    k.dispose();
  }
}

export function rsaPrivate(k: OpensslPrivateKey): KeyObject {
  if (k.kind !== 'RSA' || !k.keyObject) throw new KwError('InvalidKeyMaterial', 'not an RSA private key');
  return k.keyObject;
}

export function ecPrivate(k: OpensslPrivateKey, curve: 'P-256' | 'SM2'): EcPrivateKey {
  if (k.kind !== curve || !k.ec) throw new KwError(curve === 'P-256' ? 'InvalidParameter' : 'InvalidKeyMaterial', curve === 'P-256' ? 'ECDSA_SHA_256 needs a P-256 key' : 'not an SM2 private key');
  return k.ec;
}

/**
 * Parsed public keys, by their SPKI bytes: verification and encryption with the same
 * public key repeat, and parsing costs more than an RSA verification. Public keys are
 * not secret, so this outlives locks; it is bounded, least recently used first out.
 */
const publicKeys = new Map<string, KeyObject>();
const PUBLIC_KEY_CACHE = 256;

export function publicKeyObject(spki: Uint8Array): KeyObject {
  const id = Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength).toString('base64');
  const hit = publicKeys.get(id);
  if (hit) {
    publicKeys.delete(id);
    publicKeys.set(id, hit);
    return hit;
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch {
    throw new KwError('InvalidPublicKey', 'public key is not a valid SubjectPublicKeyInfo');
  }
  publicKeys.set(id, key);
  if (publicKeys.size > PUBLIC_KEY_CACHE) publicKeys.delete(publicKeys.keys().next().value!);
  return key;
}

export function rsaKey<T extends KeyObject>(k: T, isPrivate: boolean): T {
  if (k.asymmetricKeyType !== 'rsa') {
    throw isPrivate ? new KwError('InvalidKeyMaterial', 'not an RSA private key') : new KwError('InvalidPublicKey', 'not an RSA public key');
  }
  return k;
}
