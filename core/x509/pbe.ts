/**
 * Password-based encryption for PKCS#12 and PKCS#8: PBES2 (RFC 8018: PBKDF2 with HMAC-SHA1/
 * SHA-256/SHA-384/SHA-512 and AES-CBC or DES-EDE3-CBC), the legacy PKCS#12 PBE schemes
 * (RFC 7292 App. B key derivation with SHA-1: 3DES and RC2) and the PKCS#12 MAC key. RC2 comes
 * from node-forge because OpenSSL 3 keeps it in the legacy provider. Wrong passwords surface as
 * KwError('Pkcs12PasswordIncorrect'); the password never appears in a message.
 */
import { createCipheriv, createDecipheriv, createHash, hash as oneShotHash, pbkdf2Sync } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import forge from 'node-forge';
import { KwError } from '../api/errors.ts';
import { Pbes2Params, Pbkdf2Params, Pkcs12PbeParams } from './pkcs12-asn1.ts';

export const PBE_OID = {
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  hmacWithSha1: '1.2.840.113549.2.7',
  hmacWithSha256: '1.2.840.113549.2.9',
  hmacWithSha384: '1.2.840.113549.2.10',
  hmacWithSha512: '1.2.840.113549.2.11',
  aes128cbc: '2.16.840.1.101.3.4.1.2',
  aes192cbc: '2.16.840.1.101.3.4.1.22',
  aes256cbc: '2.16.840.1.101.3.4.1.42',
  desEde3cbc: '1.2.840.113549.3.7',
  pbeSha3KeyDes: '1.2.840.113549.1.12.1.3',
  pbeSha2KeyDes: '1.2.840.113549.1.12.1.4',
  pbeSha128Rc2: '1.2.840.113549.1.12.1.5',
  pbeSha40Rc2: '1.2.840.113549.1.12.1.6',
} as const;

const PRF: Record<string, string> = {
  [PBE_OID.hmacWithSha1]: 'sha1', [PBE_OID.hmacWithSha256]: 'sha256', [PBE_OID.hmacWithSha384]: 'sha384', [PBE_OID.hmacWithSha512]: 'sha512',
};
const CIPHERS: Record<string, { name: string; keyLength: number }> = {
  [PBE_OID.aes128cbc]: { name: 'aes-128-cbc', keyLength: 16 },
  [PBE_OID.aes192cbc]: { name: 'aes-192-cbc', keyLength: 24 },
  [PBE_OID.aes256cbc]: { name: 'aes-256-cbc', keyLength: 32 },
  [PBE_OID.desEde3cbc]: { name: 'des-ede3-cbc', keyLength: 24 },
};
/**
 * Iteration bounds. Importing runs in the process that serves the contract, so a hostile
 * file must not stall it: at most MAX_PBE_ITERATIONS per derivation (OpenSSL writes 2048,
 * Java 10 000) and PBE_WORK_PER_FILE hash iterations over a whole file (its MAC and every
 * encrypted bag; a PKCS#12 KDF output block counts once per block). On a busy 2-core machine
 * the PKCS#12 KDF takes about 2 µs per iteration and PBKDF2-SHA-512 1.6 µs, so a file costs at
 * most about 1.2 s before it is refused.
 */
export const MAX_PBE_ITERATIONS = 100_000;
export const PBE_WORK_PER_FILE = 600_000;

/** The password-based work left for one file; each derivation spends from it first. */
export class PbeBudget {
  constructor(private remaining = PBE_WORK_PER_FILE) {}
  spend(iterations: bigint | number, blocks: number): number {
    const n = typeof iterations === 'bigint' ? (iterations >= 1n && iterations <= BigInt(MAX_PBE_ITERATIONS) ? Number(iterations) : 0) : iterations;
    if (!Number.isSafeInteger(n) || n < 1 || n > MAX_PBE_ITERATIONS) throw unsupported(`iteration count (1..${MAX_PBE_ITERATIONS})`);
    this.remaining -= n * blocks;
    if (this.remaining < 0) throw unsupported(`more than ${PBE_WORK_PER_FILE} iterations of password-based work in one file`);
    return n;
  }
}

const unsupported = (what: string) => new KwError('CertificateInvalid', `unsupported password-based encryption: ${what}`);
const wrongPassword = () => new KwError('Pkcs12PasswordIncorrect', 'the password is incorrect or the data is damaged');

/** One-shot hashing (Node ≥ 20.12) is several times faster than createHash for the KDF's short inputs. */
const digestOf: (alg: string, data: Uint8Array) => Buffer =
  typeof oneShotHash === 'function' ? (alg, data) => oneShotHash(alg, data, 'buffer') as unknown as Buffer : (alg, data) => createHash(alg).update(data).digest();

/** Output blocks of the PKCS#12 KDF for `n` bytes (each costs `iterations` hashes). */
export const pkcs12KdfBlocks = (hash: string, n: number): number => Math.ceil(n / createHash(hash).digest().length);

/** RFC 7292 App. B.2: derives `n` bytes of purpose `id` (1 key, 2 IV, 3 MAC) from a BMPString password. */
export function pkcs12Kdf(hash: string, password: string, salt: Uint8Array, iterations: number, id: 1 | 2 | 3, n: number): Uint8Array {
  const u = createHash(hash).digest().length;
  const v = hash === 'sha384' || hash === 'sha512' ? 128 : 64;
  // BMPString with its two-byte terminator; OpenSSL encodes an empty password the same way.
  const pw = Buffer.concat([Buffer.from(password, 'utf16le').swap16(), Buffer.alloc(2)]);
  const fill = (src: Uint8Array) => {
    const len = src.length === 0 ? 0 : v * Math.ceil(src.length / v);
    const out = Buffer.alloc(len);
    for (let i = 0; i < len; i++) out[i] = src[i % src.length]!;
    return out;
  };
  const I = Buffer.concat([fill(salt), fill(pw)]);
  const D = Buffer.alloc(v, id);
  const out = Buffer.alloc(n);
  for (let off = 0; off < n; off += u) {
    let A: Buffer = createHash(hash).update(D).update(I).digest();
    for (let i = 1; i < iterations; i++) A = digestOf(hash, A);
    A.copy(out, off, 0, Math.min(u, n - off));
    const B = fill(A).subarray(0, v);
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        carry += I[j + k]! + B[k]!;
        I[j + k] = carry & 0xff;
        carry >>>= 8;
      }
    }
    A.fill(0);
  }
  pw.fill(0);
  I.fill(0);
  return new Uint8Array(out);
}

function decryptCbc(cipher: string, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  try {
    const d = createDecipheriv(cipher, key, iv);
    return new Uint8Array(Buffer.concat([d.update(data), d.final()]));
  } catch {
    // Bad padding after decryption: with a verified MAC absent, this is what a wrong password looks like.
    throw wrongPassword();
  }
}

function decryptRc2(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const c = forge.rc2.createDecryptionCipher(forge.util.createBuffer(Buffer.from(key).toString('binary')), key.length * 8);
  c.start(forge.util.createBuffer(Buffer.from(iv).toString('binary')));
  c.update(forge.util.createBuffer(Buffer.from(data).toString('binary')));
  if (!c.finish()) throw wrongPassword();
  return new Uint8Array(Buffer.from(c.output.getBytes(), 'binary'));
}

const parse = <T>(der: ArrayBuffer | null | undefined, type: new () => T, what: string): T => {
  if (!der) throw unsupported(`missing ${what}`);
  try {
    return AsnConvert.parse(der, type);
  } catch {
    throw unsupported(what);
  }
};
const bytesOf = (o: OctetString) => new Uint8Array(o.buffer);

const LEGACY: Record<string, { keyLength: number; ivLength: number; kind: 'des' | 'rc2' }> = {
  [PBE_OID.pbeSha3KeyDes]: { keyLength: 24, ivLength: 8, kind: 'des' },
  [PBE_OID.pbeSha2KeyDes]: { keyLength: 16, ivLength: 8, kind: 'des' },
  [PBE_OID.pbeSha128Rc2]: { keyLength: 16, ivLength: 8, kind: 'rc2' },
  [PBE_OID.pbeSha40Rc2]: { keyLength: 5, ivLength: 8, kind: 'rc2' },
};

/**
 * Decrypts `data` under the AlgorithmIdentifier `alg` (PBES2 or a PKCS#12 PBE scheme),
 * spending the iterations from `budget`. PBES2 takes the password as UTF-8 bytes and
 * PKCS#12 PBE as a BMPString, as OpenSSL does.
 */
export function pbeDecrypt(alg: AlgorithmIdentifier, password: string, data: Uint8Array, budget: PbeBudget = new PbeBudget()): Uint8Array {
  if (alg.algorithm === PBE_OID.pbes2) {
    const p = parse(alg.parameters, Pbes2Params, 'PBES2 parameters');
    if (p.keyDerivationFunc.algorithm !== PBE_OID.pbkdf2) throw unsupported('key derivation');
    const kdf = parse(p.keyDerivationFunc.parameters, Pbkdf2Params, 'PBKDF2 parameters');
    const prf = kdf.prf ? PRF[kdf.prf.algorithm] : 'sha1';
    if (!prf) throw unsupported('PBKDF2 PRF');
    const cipher = CIPHERS[p.encryptionScheme.algorithm];
    if (!cipher) throw unsupported('cipher');
    const iv = bytesOf(parse(p.encryptionScheme.parameters, OctetString, 'cipher IV'));
    const iterations = budget.spend(kdf.iterationCount, 1);
    const key = pbkdf2Sync(Buffer.from(password, 'utf8'), bytesOf(kdf.salt), iterations, cipher.keyLength, prf);
    try {
      return decryptCbc(cipher.name, key, iv, data);
    } finally {
      key.fill(0);
    }
  }
  const scheme = LEGACY[alg.algorithm];
  if (!scheme) throw unsupported(alg.algorithm);
  const p = parse(alg.parameters, Pkcs12PbeParams, 'PKCS#12 PBE parameters');
  const iterations = budget.spend(p.iterations, pkcs12KdfBlocks('sha1', scheme.keyLength) + pkcs12KdfBlocks('sha1', scheme.ivLength));
  const salt = bytesOf(p.salt);
  let key = pkcs12Kdf('sha1', password, salt, iterations, 1, scheme.keyLength);
  const iv = pkcs12Kdf('sha1', password, salt, iterations, 2, scheme.ivLength);
  try {
    if (scheme.kind === 'rc2') return decryptRc2(key, iv, data);
    if (key.length === 16) key = Uint8Array.from([...key, ...key.subarray(0, 8)]); // two-key 3DES: K1 K2 K1
    return decryptCbc('des-ede3-cbc', key, iv, data);
  } finally {
    key.fill(0);
  }
}

export interface Pbes2Options {
  iterations: number;
  salt: Uint8Array;
  iv: Uint8Array;
}

/** PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC (OpenSSL 3's default); returns {algId, ciphertext}. */
export function pbes2Encrypt(password: string, data: Uint8Array, o: Pbes2Options): { algId: AlgorithmIdentifier; ciphertext: Uint8Array } {
  const key = pbkdf2Sync(Buffer.from(password, 'utf8'), o.salt, o.iterations, 32, 'sha256');
  try {
    const c = createCipheriv('aes-256-cbc', key, o.iv);
    const ciphertext = new Uint8Array(Buffer.concat([c.update(data), c.final()]));
    const kdf = new Pbkdf2Params({ salt: new OctetString(o.salt), iterationCount: BigInt(o.iterations), prf: new AlgorithmIdentifier({ algorithm: PBE_OID.hmacWithSha256, parameters: null }) });
    const params = new Pbes2Params({
      keyDerivationFunc: new AlgorithmIdentifier({ algorithm: PBE_OID.pbkdf2, parameters: AsnConvert.serialize(kdf) }),
      encryptionScheme: new AlgorithmIdentifier({ algorithm: PBE_OID.aes256cbc, parameters: AsnConvert.serialize(new OctetString(o.iv)) }),
    });
    const algId = new AlgorithmIdentifier({ algorithm: PBE_OID.pbes2, parameters: AsnConvert.serialize(params) });
    return { algId, ciphertext };
  } finally {
    key.fill(0);
  }
}
