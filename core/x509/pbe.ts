/**
 * Password-based encryption for PKCS#12 and PKCS#8: PBES2 (RFC 8018: PBKDF2 with HMAC-SHA1/
 * SHA-256/SHA-384/SHA-512 and AES-CBC or DES-EDE3-CBC), the legacy PKCS#12 PBE schemes
 * (RFC 7292 App. B key derivation with SHA-1: 3DES and RC2) and the PKCS#12 MAC key. RC2 comes
 * from node-forge because OpenSSL 3 keeps it in the legacy provider. Wrong passwords surface as
 * KwError('Pkcs12PasswordIncorrect'); the password never appears in a message.
 */
import { createCipheriv, createDecipheriv, createHash, pbkdf2Sync } from 'node:crypto';
import forge from 'node-forge';
import { KwError } from '../api/errors.ts';
import { children, readTlv } from './der.ts';
import { contentOf, int, octets, oid, seq, NULL } from './asn1-write.ts';
import { oidFromDer } from './spki.ts';

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
const MAX_ITERATIONS = 10_000_000;

const unsupported = (what: string) => new KwError('CertificateInvalid', `unsupported password-based encryption: ${what}`);
const wrongPassword = () => new KwError('Pkcs12PasswordIncorrect', 'the password is incorrect or the data is damaged');

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
    let A = createHash(hash).update(D).update(I).digest();
    for (let i = 1; i < iterations; i++) A = createHash(hash).update(A).digest();
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

/**
 * Decrypts `data` under the AlgorithmIdentifier DER `algId` (PBES2 or a PKCS#12 PBE scheme).
 * PBES2 takes the password as UTF-8 bytes and PKCS#12 PBE as a BMPString, as OpenSSL does.
 */
export function pbeDecrypt(algId: Uint8Array, password: string, data: Uint8Array): Uint8Array {
  const [algOid, params] = children(algId, readTlv(algId, 0));
  if (!algOid || !params) throw unsupported('missing parameters');
  const alg = oidFromDer(algId.subarray(algOid.start, algOid.end));
  if (alg === PBE_OID.pbes2) {
    const [kdf, enc] = children(algId, params);
    if (!kdf || !enc) throw unsupported('PBES2 parameters');
    const [kdfOid, kdfParams] = children(algId, kdf);
    if (!kdfOid || !kdfParams || oidFromDer(algId.subarray(kdfOid.start, kdfOid.end)) !== PBE_OID.pbkdf2) throw unsupported('key derivation');
    const kp = children(algId, kdfParams);
    const salt = kp[0];
    const iter = kp[1];
    if (!salt || salt.tag !== 0x04 || !iter || iter.tag !== 0x02) throw unsupported('PBKDF2 parameters');
    const iterations = Number(BigInt('0x' + Buffer.from(contentOf(algId, iter)).toString('hex')));
    let prf = 'sha1';
    for (const extra of kp.slice(2)) {
      if (extra.tag === 0x30) {
        const prfOid = children(algId, extra)[0];
        const p = prfOid ? PRF[oidFromDer(algId.subarray(prfOid.start, prfOid.end))] : undefined;
        if (!p) throw unsupported('PBKDF2 PRF');
        prf = p;
      }
    }
    const [encOid, encIv] = children(algId, enc);
    const cipher = encOid ? CIPHERS[oidFromDer(algId.subarray(encOid.start, encOid.end))] : undefined;
    if (!cipher || !encIv || encIv.tag !== 0x04) throw unsupported('cipher');
    if (iterations < 1 || iterations > MAX_ITERATIONS) throw unsupported('iteration count');
    const key = pbkdf2Sync(Buffer.from(password, 'utf8'), contentOf(algId, salt), iterations, cipher.keyLength, prf);
    try {
      return decryptCbc(cipher.name, key, contentOf(algId, encIv), data);
    } finally {
      key.fill(0);
    }
  }
  const legacy: Record<string, { keyLength: number; ivLength: number; kind: 'des' | 'rc2' }> = {
    [PBE_OID.pbeSha3KeyDes]: { keyLength: 24, ivLength: 8, kind: 'des' },
    [PBE_OID.pbeSha2KeyDes]: { keyLength: 16, ivLength: 8, kind: 'des' },
    [PBE_OID.pbeSha128Rc2]: { keyLength: 16, ivLength: 8, kind: 'rc2' },
    [PBE_OID.pbeSha40Rc2]: { keyLength: 5, ivLength: 8, kind: 'rc2' },
  };
  const scheme = legacy[alg];
  if (!scheme) throw unsupported(alg);
  const [salt, iter] = children(algId, params);
  if (!salt || salt.tag !== 0x04 || !iter || iter.tag !== 0x02) throw unsupported('PKCS#12 PBE parameters');
  const iterations = Number(BigInt('0x' + Buffer.from(contentOf(algId, iter)).toString('hex')));
  if (iterations < 1 || iterations > MAX_ITERATIONS) throw unsupported('iteration count');
  const s = contentOf(algId, salt);
  let key = pkcs12Kdf('sha1', password, s, iterations, 1, scheme.keyLength);
  const iv = pkcs12Kdf('sha1', password, s, iterations, 2, scheme.ivLength);
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

/** PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC (OpenSSL 3's default); returns {algId DER, ciphertext}. */
export function pbes2Encrypt(password: string, data: Uint8Array, o: Pbes2Options): { algId: Uint8Array; ciphertext: Uint8Array } {
  const key = pbkdf2Sync(Buffer.from(password, 'utf8'), o.salt, o.iterations, 32, 'sha256');
  try {
    const c = createCipheriv('aes-256-cbc', key, o.iv);
    const ciphertext = new Uint8Array(Buffer.concat([c.update(data), c.final()]));
    const algId = seq(
      oid(PBE_OID.pbes2),
      seq(
        seq(oid(PBE_OID.pbkdf2), seq(octets(o.salt), int(o.iterations), seq(oid(PBE_OID.hmacWithSha256), NULL))),
        seq(oid(PBE_OID.aes256cbc), octets(o.iv)),
      ),
    );
    return { algId, ciphertext };
  } finally {
    key.fill(0);
  }
}
