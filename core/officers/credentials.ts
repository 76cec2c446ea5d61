/**
 * Officer identity credentials. A UKey credential is the certificate of a key pair on the
 * officer's token: Keywarden keeps only the certificate and verifies signatures the
 * token made. A software credential is a key pair made here whose private key is sealed
 * under scrypt of the officer's own passphrase (lower assurance: the key exists in this
 * process while it signs). The vault-passphrase credential is the owner's: proving it is
 * unwrapping the root key.
 */
import { scrypt as scryptCb } from 'node:crypto';
import { promisify } from 'node:util';
import { KwError } from '../api/errors.ts';
import type { CredentialInput } from '../api/ops/officers.ts';
import type { CryptoSuite, SignAlgorithm } from '../crypto/types.ts';
import type { Random } from '../ports/index.ts';
import { openWithKek, sealWithKek, type ScryptParams } from '../vault/root-key.ts';
import { parseCertificate } from '../x509/index.ts';
import { suiteSpki } from '../x509/spki.ts';
import type { CredentialRow } from './registry.ts';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, keylen: number, opts: object) => Promise<Buffer>;

/** The algorithm a credential's key signs with when Keywarden signs (software credentials). */
export function signAlgorithmFor(keySpec: string | null): SignAlgorithm {
  if (keySpec === 'SM2') return 'SM2DSA';
  if (keySpec === 'EC_P256') return 'ECDSA_SHA_256';
  return 'RSA_PKCS1_SHA_256';
}

export function allowedAlgorithms(keySpec: string | null): readonly SignAlgorithm[] {
  if (keySpec === 'SM2') return ['SM2DSA'];
  if (keySpec === 'EC_P256') return ['ECDSA_SHA_256'];
  if (keySpec?.startsWith('RSA_')) return ['RSA_PKCS1_SHA_256', 'RSA_PSS_SHA_256'];
  return [];
}

function aad(credentialId: string): Buffer {
  return Buffer.from(`keywarden/officer-credential/v1|${credentialId}`);
}

async function kek(passphrase: string, salt: Buffer, p: ScryptParams): Promise<Buffer> {
  return scrypt(passphrase.normalize('NFKC'), salt, 32, { N: p.N, r: p.r, p: p.p, maxmem: 256 * p.N * p.r + 1024 * 1024 });
}

/** Sealed form: JSON header line (scrypt cost, salt) then iv || ct || tag. */
async function sealPrivateKey(pkcs8: Uint8Array, passphrase: string, credentialId: string, random: Random, cost: ScryptParams): Promise<Buffer> {
  const salt = random.bytes(16);
  const k = await kek(passphrase, salt, cost);
  try {
    const header = Buffer.from(JSON.stringify({ kdf: 'scrypt', ...cost, salt: salt.toString('base64') }) + '\n');
    return Buffer.concat([header, sealWithKek(k, Buffer.from(pkcs8), aad(credentialId), random)]);
  } finally {
    k.fill(0);
  }
}

/** The private key of a software credential; CredentialInvalid for a wrong passphrase. Zero it after use. */
export async function openSoftwareKey(c: CredentialRow, passphrase: string): Promise<Buffer> {
  if (c.kind !== 'software' || !c.sealed_private_key) throw new KwError('CredentialInvalid', 'not a software credential');
  const nl = c.sealed_private_key.indexOf(0x0a);
  const h = JSON.parse(c.sealed_private_key.subarray(0, nl).toString('utf8')) as { N: number; r: number; p: number; salt: string };
  const k = await kek(passphrase, Buffer.from(h.salt, 'base64'), h);
  try {
    const key = openWithKek(k, c.sealed_private_key.subarray(nl + 1), aad(c.id));
    if (!key) throw new KwError('CredentialInvalid', 'the passphrase does not open this credential');
    return key;
  } finally {
    k.fill(0);
  }
}

/** The stored part of a new credential (everything but its officer and time). */
export async function makeCredential(
  input: CredentialInput,
  id: string,
  o: { suite: CryptoSuite; random: Random; cost: ScryptParams },
): Promise<Pick<CredentialRow, 'kind' | 'assurance' | 'key_spec' | 'public_key' | 'certificate' | 'token_label' | 'token_object_id' | 'sealed_private_key'>> {
  if (input.kind === 'software') {
    if (!input.passphrase) throw new KwError('MissingParameter', 'credential.passphrase: is required for a software credential', { field: 'credential.passphrase' });
    const spec = input.keySpec ?? 'EC_P256';
    const pair = o.suite.generateKeyPair(spec);
    try {
      const sealed = await sealPrivateKey(pair.privateKey, input.passphrase, id, o.random, o.cost);
      return { kind: 'software', assurance: 'low', key_spec: spec, public_key: Buffer.from(pair.publicKey), certificate: null, token_label: null, token_object_id: null, sealed_private_key: sealed };
    } finally {
      pair.privateKey.fill(0);
    }
  }
  if (!input.certificate) throw new KwError('MissingParameter', 'credential.certificate: is required for a UKey credential', { field: 'credential.certificate' });
  const text = input.certificate;
  const cert = text.includes('-----BEGIN') ? parseCertificate(text) : parseCertificate(new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'base64')));
  const spec = cert.summary.publicKey.spec;
  if (allowedAlgorithms(spec).length === 0) throw new KwError('CertificateInvalid', `a UKey credential needs an RSA, EC P-256 or SM2 key (this one: ${spec ?? 'unknown'})`);
  return {
    kind: 'ukey',
    assurance: 'high',
    key_spec: spec,
    public_key: Buffer.from(suiteSpki(cert.spki)),
    certificate: Buffer.from(cert.der),
    token_label: input.tokenLabel ?? null,
    token_object_id: input.tokenObjectId?.toLowerCase() ?? null,
    sealed_private_key: null,
  };
}

/** Whether `signature` over `message` was made by the credential's key with `alg`. */
export function verifyCredentialSignature(suite: CryptoSuite, c: CredentialRow, alg: SignAlgorithm, message: Uint8Array, signature: Uint8Array): boolean {
  if (!c.public_key || !allowedAlgorithms(c.key_spec).includes(alg)) return false;
  try {
    return suite.verify(alg, c.public_key, message, 'RAW', signature);
  } catch {
    return false;
  }
}

/** A software credential signs `message` (the passphrase opens its key for this one use). */
export async function signWithSoftwareCredential(suite: CryptoSuite, c: CredentialRow, passphrase: string, message: Uint8Array): Promise<{ algorithm: SignAlgorithm; signature: Uint8Array }> {
  const key = await openSoftwareKey(c, passphrase);
  try {
    const algorithm = signAlgorithmFor(c.key_spec);
    return { algorithm, signature: suite.sign(algorithm, key, message, 'RAW') };
  } finally {
    key.fill(0);
  }
}
