/**
 * RSA-OAEP padding (RFC 8017 §7.1) done in the worker around a raw RSA operation on
 * the token, for tokens whose CKM_RSA_PKCS_OAEP accepts only SHA-1 (SoftHSM2 2.6
 * answers CKR_ARGUMENTS_BAD for SHA-256). The private key stays on the token; only
 * the padding is removed here. Padding code is node-forge's, not hand-written.
 */
import forge from 'node-forge';
import { KwError } from '../api/errors.ts';
import type { OaepAlgorithm } from './protocol.ts';

/** forge ships pkcs1 (OAEP) at runtime; @types/node-forge does not declare it. */
interface ForgePkcs1 {
  decode_rsa_oaep(key: forge.pki.rsa.PublicKey, em: string, options: { md: forge.md.MessageDigest; mgf1: { md: forge.md.MessageDigest } }): string;
}
const pkcs1 = (forge as unknown as { pkcs1: ForgePkcs1 }).pkcs1;

function forgeKey(modulus: Uint8Array, exponent: Uint8Array): forge.pki.rsa.PublicKey {
  const n = new forge.jsbn.BigInteger(Buffer.from(modulus).toString('hex'), 16);
  const e = new forge.jsbn.BigInteger(Buffer.from(exponent).toString('hex'), 16);
  return forge.pki.setRsaPublicKey(n, e);
}

function mdFor(alg: OaepAlgorithm): forge.md.MessageDigest {
  return alg === 'RSAES_OAEP_SHA_256' ? forge.md.sha256.create() : forge.md.sha1.create();
}

/** Removes OAEP padding from the k-byte block the token's raw RSA decryption produced. */
export function oaepDecode(alg: OaepAlgorithm, modulus: Uint8Array, exponent: Uint8Array, block: Uint8Array): Uint8Array {
  const k = modulusBytes(modulus);
  const em = leftPad(block, k);
  try {
    const out = pkcs1.decode_rsa_oaep(forgeKey(modulus, exponent), Buffer.from(em).toString('binary'), {
      md: mdFor(alg),
      mgf1: { md: mdFor(alg) },
    });
    return new Uint8Array(Buffer.from(out, 'binary'));
  } catch {
    throw new KwError('InvalidCiphertext', 'RSA-OAEP decryption failed');
  } finally {
    em.fill(0);
  }
}

export function modulusBytes(modulus: Uint8Array): number {
  let start = 0;
  while (start < modulus.length && modulus[start] === 0) start++;
  return modulus.length - start;
}

/** Raw RSA output may drop leading zero bytes (v2.40 leaves it to the token). */
export function leftPad(block: Uint8Array, k: number): Uint8Array {
  if (block.length > k) throw new KwError('InvalidCiphertext', 'RSA block longer than the modulus');
  const out = new Uint8Array(k);
  out.set(block, k - block.length);
  return out;
}
