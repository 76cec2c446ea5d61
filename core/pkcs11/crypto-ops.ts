/**
 * Worker-side cryptographic operations on token keys: AES-GCM (NIST SP 800-38D,
 * 96-bit IV, 128-bit tag, CK_GCM_PARAMS v2.40 layout), RSA PKCS#1 v1.5 / PSS and
 * ECDSA P-256 signatures over SHA-256 digests, RSA-OAEP (RFC 8017). Keys marked
 * CKA_ALWAYS_AUTHENTICATE get a context-specific login per operation.
 */
import { constants, createHash, createPublicKey, publicEncrypt } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import { KwError } from '../api/errors.ts';
import { guardedLogin } from './auth-ops.ts';
import { isPkcs11Error } from './runtime.ts';
import type { ModuleRuntime, TokenState } from './runtime.ts';
import { keyObject, publicKeySpkiOf, readAttr } from './key-ops.ts';
import type { CachedObject } from './runtime.ts';
import { ecdsaDerToRaw, ecdsaRawToDer } from './public-key.ts';
import { modulusBytes, oaepDecode } from './oaep-host.ts';
import type { GcmSealed, OaepAlgorithm, OaepPath, OpParams, SignAlgorithm } from './protocol.ts';

const GCM_IV_BYTES = 12;
const GCM_TAG_BYTES = 16;
/** DER DigestInfo prefix for SHA-256 (RFC 8017 §9.2 note 1). */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');
const CKR_SIGNATURE_INVALID = 0xc0;
const CKR_SIGNATURE_LEN_RANGE = 0xc1;
/** Answers meaning "this token's OAEP does not take these parameters". */
const OAEP_PARAMS_REFUSED: ReadonlySet<number> = new Set([0x07, 0x70, 0x71]);

/**
 * SoftHSM2 answers a failed GCM tag check or bad OAEP padding with CKR_GENERAL_ERROR
 * (other tokens use CKR_ENCRYPTED_DATA_INVALID). On a token that is still present,
 * that answer from C_Decrypt means the ciphertext was refused.
 */
function decryptRefused<T>(rt: ModuleRuntime, st: TokenState, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isPkcs11Error(e) && (e.code === 0x05 || e.code === 0x06) && rt.present(st)) {
      throw new KwError('InvalidCiphertext', 'the token refused the ciphertext (authentication or padding check failed)');
    }
    throw e;
  }
}

export function buf(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

function gcmMechanism(iv: Buffer, aad: Uint8Array | null): pkcs11js.Mechanism {
  // CK_PARAMS_AES_GCM_v240: the older struct leaves ulIvBits uninitialised.
  const parameter: pkcs11js.AesGCM = { type: pkcs11js.CK_PARAMS_AES_GCM_v240, iv, ivBits: GCM_IV_BYTES * 8, tagBits: GCM_TAG_BYTES * 8 };
  if (aad && aad.length > 0) parameter.aad = buf(aad);
  return { mechanism: pkcs11js.CKM_AES_GCM, parameter };
}

/**
 * Runs init → (context login) → op. A key with CKA_ALWAYS_AUTHENTICATE needs the PIN
 * for every use; without one the call is refused before anything starts on the token.
 */
function withContextLogin<T>(
  rt: ModuleRuntime, st: TokenState, obj: CachedObject, contextPin: string | null, init: () => void, op: () => T, abort: () => void,
): T {
  if (obj.alwaysAuthenticate && contextPin === null) {
    throw new KwError('TokenNotLoggedIn', 'this key requires the PIN for each use (CKA_ALWAYS_AUTHENTICATE); pass contextPin', { contextSpecific: true });
  }
  init();
  if (obj.alwaysAuthenticate && contextPin !== null) {
    try {
      guardedLogin(rt, st, 'context', contextPin, false);
    } catch (e) {
      try {
        abort(); // any failure of the single-part call ends the active operation
      } catch {
        // expected: CKR_USER_NOT_LOGGED_IN terminated it
      }
      throw e;
    }
  }
  return op();
}

export function aesGcmEncrypt(rt: ModuleRuntime, p: OpParams<'aesGcmEncrypt'>, randomIv: () => Buffer): GcmSealed {
  const iv = p.iv ? buf(p.iv) : randomIv();
  if (iv.length !== GCM_IV_BYTES) throw new KwError('InvalidParameter', 'AES-GCM IV must be 12 bytes');
  return rt.run(p.token, 'AES-GCM encrypt', (st) => {
    const { handle } = keyObject(rt, st, p.idHex, 'secret');
    rt.p11.C_EncryptInit(st.session, gcmMechanism(iv, p.aad), handle);
    const out = rt.p11.C_Encrypt(st.session, buf(p.plaintext), Buffer.alloc(p.plaintext.length + GCM_TAG_BYTES));
    const cut = out.length - GCM_TAG_BYTES;
    return { iv: new Uint8Array(iv), ciphertext: new Uint8Array(out.subarray(0, cut)), tag: new Uint8Array(out.subarray(cut)) };
  });
}

export function aesGcmDecrypt(rt: ModuleRuntime, p: OpParams<'aesGcmDecrypt'>): Uint8Array {
  if (p.iv.length !== GCM_IV_BYTES) throw new KwError('InvalidParameter', 'AES-GCM IV must be 12 bytes');
  if (p.tag.length !== GCM_TAG_BYTES) throw new KwError('InvalidParameter', 'AES-GCM tag must be 16 bytes');
  return rt.run(p.token, 'AES-GCM decrypt', (st) => {
    const { handle } = keyObject(rt, st, p.idHex, 'secret');
    const sealed = Buffer.concat([buf(p.ciphertext), buf(p.tag)]);
    rt.p11.C_DecryptInit(st.session, gcmMechanism(buf(p.iv), p.aad), handle);
    return new Uint8Array(decryptRefused(rt, st, () => rt.p11.C_Decrypt(st.session, sealed, Buffer.alloc(sealed.length))));
  });
}

function digestOf(message: Uint8Array | null, digest: Uint8Array | null): Buffer {
  if (message && digest) throw new KwError('InvalidParameter', 'pass either message or digest, not both');
  if (message) return createHash('sha256').update(message).digest();
  if (!digest || digest.length !== 32) throw new KwError('InvalidParameter', 'digest must be a 32-byte SHA-256 value');
  return buf(digest);
}

/** Mechanism and token input for a signature over a SHA-256 digest. */
function signMechanism(alg: SignAlgorithm, digest: Buffer): { mech: pkcs11js.Mechanism; input: Buffer } {
  switch (alg) {
    case 'RSA_PKCS1_SHA_256':
      return { mech: { mechanism: pkcs11js.CKM_RSA_PKCS }, input: Buffer.concat([SHA256_DIGEST_INFO, digest]) };
    case 'RSA_PSS_SHA_256': {
      const parameter: pkcs11js.RsaPSS = { type: pkcs11js.CK_PARAMS_RSA_PSS, hashAlg: pkcs11js.CKM_SHA256, mgf: pkcs11js.CKG_MGF1_SHA256, saltLen: 32 };
      return { mech: { mechanism: pkcs11js.CKM_RSA_PKCS_PSS, parameter }, input: digest };
    }
    case 'ECDSA_SHA_256':
      return { mech: { mechanism: pkcs11js.CKM_ECDSA }, input: digest };
  }
}

export function sign(rt: ModuleRuntime, p: OpParams<'sign'>): Uint8Array {
  const { mech, input } = signMechanism(p.algorithm, digestOf(p.message, p.digest));
  return rt.run(p.token, `sign ${p.algorithm}`, (st) => {
    const obj = keyObject(rt, st, p.idHex, 'private');
    const sig = withContextLogin(
      rt, st, obj, p.contextPin,
      () => rt.p11.C_SignInit(st.session, mech, obj.handle),
      () => rt.p11.C_Sign(st.session, input, Buffer.alloc(1024)),
      () => rt.p11.C_Sign(st.session, input, Buffer.alloc(1024)),
    );
    return p.algorithm === 'ECDSA_SHA_256' ? ecdsaRawToDer(sig) : new Uint8Array(sig);
  });
}

export function verify(rt: ModuleRuntime, p: OpParams<'verify'>): boolean {
  const { mech, input } = signMechanism(p.algorithm, digestOf(p.message, p.digest));
  const signature = p.algorithm === 'ECDSA_SHA_256' ? ecdsaDerToRaw(p.signature) : buf(p.signature);
  if (signature === null) return false;
  return rt.run(p.token, `verify ${p.algorithm}`, (st) => {
    const { handle } = keyObject(rt, st, p.idHex, 'public');
    rt.p11.C_VerifyInit(st.session, mech, handle);
    try {
      return rt.p11.C_Verify(st.session, input, buf(signature));
    } catch (e) {
      if (isPkcs11Error(e) && (e.code === CKR_SIGNATURE_INVALID || e.code === CKR_SIGNATURE_LEN_RANGE)) return false;
      throw e;
    }
  });
}

/** RSA-OAEP with MGF1 on the same hash and an empty label, as every caller and target expects. */
export function rsaOaepMechanism(hash: 'SHA-1' | 'SHA-256'): pkcs11js.Mechanism {
  const sha256 = hash === 'SHA-256';
  const parameter: pkcs11js.RsaOAEP = {
    type: pkcs11js.CK_PARAMS_RSA_OAEP,
    hashAlg: sha256 ? pkcs11js.CKM_SHA256 : pkcs11js.CKM_SHA_1,
    mgf: sha256 ? pkcs11js.CKG_MGF1_SHA256 : pkcs11js.CKG_MGF1_SHA1,
    source: 1, // CKZ_DATA_SPECIFIED with an empty label
  };
  return { mechanism: pkcs11js.CKM_RSA_PKCS_OAEP, parameter };
}

function oaepMechanism(alg: OaepAlgorithm): pkcs11js.Mechanism {
  return rsaOaepMechanism(alg === 'RSAES_OAEP_SHA_256' ? 'SHA-256' : 'SHA-1');
}

function refusedOaep(e: unknown): boolean {
  return isPkcs11Error(e) && OAEP_PARAMS_REFUSED.has(e.code);
}

export function rsaEncrypt(rt: ModuleRuntime, p: OpParams<'rsaEncrypt'>): { ciphertext: Uint8Array; path: OaepPath } {
  return rt.run(p.token, `encrypt ${p.algorithm}`, (st) => {
    if (st.oaepNative.get(p.algorithm) !== false) {
      const { handle } = keyObject(rt, st, p.idHex, 'public');
      try {
        rt.p11.C_EncryptInit(st.session, oaepMechanism(p.algorithm), handle);
        const ct = rt.p11.C_Encrypt(st.session, buf(p.plaintext), Buffer.alloc(1024));
        st.oaepNative.set(p.algorithm, true);
        return { ciphertext: new Uint8Array(ct), path: 'token-oaep' as const };
      } catch (e) {
        if (!refusedOaep(e)) throw e;
        st.oaepNative.set(p.algorithm, false);
      }
    }
    // A public-key operation: nothing secret is involved, node:crypto does it on the token's public key.
    const key = createPublicKey({ key: Buffer.from(publicKeySpkiOf(rt, st, p.idHex)), format: 'der', type: 'spki' });
    const oaepHash = p.algorithm === 'RSAES_OAEP_SHA_256' ? 'sha256' : 'sha1';
    const ct = publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, p.plaintext);
    return { ciphertext: new Uint8Array(ct), path: 'host-public-key' as const };
  });
}

export function rsaDecrypt(rt: ModuleRuntime, p: OpParams<'rsaDecrypt'>): { plaintext: Uint8Array; path: OaepPath } {
  return rt.run(p.token, `decrypt ${p.algorithm}`, (st) => {
    const obj = keyObject(rt, st, p.idHex, 'private');
    const ct = buf(p.ciphertext);
    if (st.oaepNative.get(p.algorithm) !== false) {
      try {
        const pt = withContextLogin(
          rt, st, obj, p.contextPin,
          () => rt.p11.C_DecryptInit(st.session, oaepMechanism(p.algorithm), obj.handle),
          () => decryptRefused(rt, st, () => rt.p11.C_Decrypt(st.session, ct, Buffer.alloc(1024))),
          () => rt.p11.C_Decrypt(st.session, ct, Buffer.alloc(1024)),
        );
        st.oaepNative.set(p.algorithm, true);
        return { plaintext: new Uint8Array(pt), path: 'token-oaep' as const };
      } catch (e) {
        if (!refusedOaep(e)) throw e;
        st.oaepNative.set(p.algorithm, false);
      }
    }
    if (!rt.mechanismSet(st).has(pkcs11js.CKM_RSA_X_509)) {
      throw new KwError('NotSupportedByToken', `the token supports neither ${p.algorithm} nor raw RSA decryption`);
    }
    const modulus = readAttr(rt, st, obj.handle, pkcs11js.CKA_MODULUS);
    if (!modulus) throw new KwError('TokenError', 'the token did not return the RSA modulus');
    if (ct.length !== modulusBytes(modulus)) throw new KwError('InvalidCiphertext', 'RSA ciphertext length does not match the key');
    const block = withContextLogin(
      rt, st, obj, p.contextPin,
      () => rt.p11.C_DecryptInit(st.session, { mechanism: pkcs11js.CKM_RSA_X_509 }, obj.handle),
      () => rt.p11.C_Decrypt(st.session, ct, Buffer.alloc(1024)),
      () => rt.p11.C_Decrypt(st.session, ct, Buffer.alloc(1024)),
    );
    try {
      return { plaintext: oaepDecode(p.algorithm, modulus, block), path: 'token-raw-rsa-host-oaep' as const };
    } finally {
      block.fill(0);
    }
  });
}
