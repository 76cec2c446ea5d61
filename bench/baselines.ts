/**
 * Baselines that are not our code: node:crypto used well (one KeyObject made once and
 * reused, one call per operation) and `openssl speed`, run here for a few seconds per
 * algorithm when the `openssl` command is present and parsed from its machine-readable
 * (-mr) output. `-elapsed` makes OpenSSL count wall-clock time, as our figures do, so a
 * busy machine slows both alike.
 */
import { execFileSync } from 'node:child_process';
import {
  constants, createCipheriv, createDecipheriv, generateKeyPairSync, privateDecrypt, publicEncrypt, randomBytes, sign, verify, type KeyObject,
} from 'node:crypto';
import type { Op } from './table.ts';

export interface NodeKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** PKCS#8 DER of privateKey, to import the same key into a vault or a suite. */
  pkcs8: Buffer;
  /** SPKI DER of publicKey. */
  spki: Buffer;
}

export function nodeKeyPair(kind: 'RSA_2048' | 'EC_P256' | 'SM2'): NodeKeyPair {
  const kp =
    kind === 'RSA_2048'
      ? generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001 })
      : generateKeyPairSync('ec', { namedCurve: kind === 'EC_P256' ? 'P-256' : 'SM2' });
  return {
    ...kp,
    pkcs8: kp.privateKey.export({ format: 'der', type: 'pkcs8' }),
    spki: kp.publicKey.export({ format: 'der', type: 'spki' }),
  };
}

export const BENCH_MESSAGE = Buffer.from('keywarden bench message');

/** Raw node:crypto operations over one reused key, as a careful caller writes them. */
export const rawNode = {
  aesGcmSeal(bytes: number): Op {
    const key = randomBytes(32);
    const msg = randomBytes(bytes);
    const aad = randomBytes(48);
    return () => {
      const c = createCipheriv('aes-256-gcm', key, randomBytes(12));
      c.setAAD(aad);
      c.update(msg);
      c.final();
      return c.getAuthTag();
    };
  },
  /** Opens one sealed message again and again (a fixed, valid ciphertext and tag). */
  aesGcmOpen(bytes: number): Op {
    const key = randomBytes(32);
    const iv = randomBytes(12);
    const aad = randomBytes(48);
    const e = createCipheriv('aes-256-gcm', key, iv);
    e.setAAD(aad);
    const body = Buffer.concat([e.update(randomBytes(bytes)), e.final()]);
    const tag = e.getAuthTag();
    return () => {
      const d = createDecipheriv('aes-256-gcm', key, iv);
      d.setAAD(aad);
      d.setAuthTag(tag);
      return Buffer.concat([d.update(body), d.final()]);
    };
  },
  rsaSign(kp: NodeKeyPair): Op {
    return () => sign('sha256', BENCH_MESSAGE, kp.privateKey);
  },
  rsaVerify(kp: NodeKeyPair): Op {
    const sig = sign('sha256', BENCH_MESSAGE, kp.privateKey);
    return () => verify('sha256', BENCH_MESSAGE, kp.publicKey, sig);
  },
  /** RSAES-OAEP with SHA-256 (and MGF1-SHA-256) decryption of a 32-byte message. */
  rsaOaepDecrypt(kp: NodeKeyPair): { op: Op; ciphertext: Buffer } {
    const opts = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' };
    const ciphertext = publicEncrypt({ key: kp.publicKey, ...opts }, randomBytes(32));
    return { op: () => privateDecrypt({ key: kp.privateKey, ...opts }, ciphertext), ciphertext };
  },
  ecdsaSign(kp: NodeKeyPair): Op {
    return () => sign('sha256', BENCH_MESSAGE, { key: kp.privateKey, dsaEncoding: 'der' });
  },
  ecdsaVerify(kp: NodeKeyPair): Op {
    const sig = sign('sha256', BENCH_MESSAGE, { key: kp.privateKey, dsaEncoding: 'der' });
    return () => verify('sha256', BENCH_MESSAGE, { key: kp.publicKey, dsaEncoding: 'der' }, sig);
  },
  /** node:crypto's SM2 (OpenSSL's default distinguishing id): the speed OpenSSL gives SM2 through Node. */
  sm2Sign(kp: NodeKeyPair): Op {
    return () => sign(null, BENCH_MESSAGE, kp.privateKey);
  },
  sm2Verify(kp: NodeKeyPair): Op {
    const sig = sign(null, BENCH_MESSAGE, kp.privateKey);
    return () => verify(null, BENCH_MESSAGE, kp.publicKey, sig);
  },
};

export interface SignVerifyRates {
  sign: number;
  verify: number;
}

function opensslSeconds(): number {
  return Math.max(1, Math.round(Number(process.env.KW_BENCH_OPENSSL_SECONDS ?? 2)));
}

const cache = new Map<string, string | null>();

/** Runs `openssl speed -mr -elapsed -seconds N args…` once per argument list; null without openssl. */
function opensslSpeedRaw(args: string[]): string | null {
  const id = args.join(' ');
  if (!cache.has(id)) {
    try {
      const out = execFileSync('openssl', ['speed', '-mr', '-elapsed', '-seconds', String(opensslSeconds()), ...args], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 120_000,
      });
      cache.set(id, out);
    } catch {
      cache.set(id, null);
    }
  }
  return cache.get(id)!;
}

/** Sign and verify per second from `openssl speed` for rsa2048, ecdsap256 or sm2; null when unavailable. */
export function opensslSignVerify(alg: 'rsa2048' | 'ecdsap256' | 'sm2'): SignVerifyRates | null {
  const out = opensslSpeedRaw([alg]);
  if (!out) return null;
  // -mr lines: "+F2:i:bits:sign/s:verify/s" (RSA), "+F4:i:bits:sign/s:verify/s" (ECDSA),
  // "+F7:i:bits:CurveSM2:sign/s:verify/s" (SM2, OpenSSL 3.0).
  for (const line of out.split('\n')) {
    const f = line.trim().split(':');
    if (alg === 'rsa2048' && f[0] === '+F2' && f[2] === '2048') return { sign: Number(f[3]), verify: Number(f[4]) };
    if (alg === 'ecdsap256' && f[0] === '+F4' && f[2] === '256') return { sign: Number(f[3]), verify: Number(f[4]) };
    if (alg === 'sm2' && f[0]?.startsWith('+F') && f.includes('CurveSM2')) return { sign: Number(f.at(-2)), verify: Number(f.at(-1)) };
  }
  return null;
}

/** Bytes per second of an EVP cipher on `bytes`-byte messages (`openssl speed -evp`); null when unavailable. */
export function opensslEvp(cipher: string, bytes: number): number | null {
  const out = opensslSpeedRaw(['-bytes', String(bytes), '-evp', cipher]);
  if (!out) return null;
  // -mr line: "+F:i:NAME:bytes/s" (one column per -bytes size; here one).
  const line = out.split('\n').find((l) => l.startsWith('+F:'));
  const v = line ? Number(line.trim().split(':').at(-1)) : NaN;
  return Number.isFinite(v) && v > 0 ? v : null;
}
