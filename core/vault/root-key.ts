/**
 * The vault root key and the ways it is protected. A protector wraps the 32-byte root
 * key; the catalogue stores only wrappings. Passphrase is built in; a PKCS#11 token
 * (non-extractable AES key on a UKey) and M-of-N custodian shares plug in through the
 * same interface.
 */
import { scrypt as scryptCb, createCipheriv, createDecipheriv } from 'node:crypto';
import { promisify } from 'node:util';
import { KwError } from '../api/errors.ts';
import type { Random } from '../ports/index.ts';

export const ROOT_KEY_BYTES = 32;

export type ProtectionMethod = 'passphrase' | 'token' | 'shares';

export interface RootKeyWrapping {
  method: ProtectionMethod;
  /** Non-secret parameters needed to unwrap (KDF settings, token label, share set id). */
  params: Record<string, unknown>;
  wrapped: Buffer;
}

export interface RootKeyProtector {
  readonly method: ProtectionMethod;
  wrap(rootKey: Buffer, vaultId: string): Promise<RootKeyWrapping>;
  /** Throws a KwError (WrongPassphrase, TokenPinIncorrect, ...) when the secret is wrong. */
  unwrap(w: RootKeyWrapping, vaultId: string): Promise<Buffer>;
}

const scrypt = promisify(scryptCb) as (pw: string | Buffer, salt: Buffer, keylen: number, opts: object) => Promise<Buffer>;

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}
/** 2^17 x 8 uses 128 MiB and about half a second here: costly to guess, fine to unlock. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };

/** AES-256-GCM, present in both OpenSSL and Electron's BoringSSL. Output iv || ct || tag. */
export function sealWithKek(kek: Buffer, plaintext: Buffer, aad: Buffer, random: Random): Buffer {
  const iv = random.bytes(12);
  const c = createCipheriv('aes-256-gcm', kek, iv);
  c.setAAD(aad);
  const ct = Buffer.concat([c.update(plaintext), c.final()]);
  return Buffer.concat([iv, ct, c.getAuthTag()]);
}

export function openWithKek(kek: Buffer, sealed: Buffer, aad: Buffer): Buffer | null {
  if (sealed.length < 28) return null;
  try {
    const d = createDecipheriv('aes-256-gcm', kek, sealed.subarray(0, 12));
    d.setAAD(aad);
    d.setAuthTag(sealed.subarray(sealed.length - 16));
    return Buffer.concat([d.update(sealed.subarray(12, sealed.length - 16)), d.final()]);
  } catch {
    return null;
  }
}

export function wrappingAad(vaultId: string, method: ProtectionMethod): Buffer {
  return Buffer.from(`keywarden/root-key/v1|${vaultId}|${method}`);
}

export class PassphraseProtector implements RootKeyProtector {
  readonly method = 'passphrase' as const;
  constructor(
    private readonly passphrase: string,
    private readonly random: Random,
    private readonly cost: ScryptParams = DEFAULT_SCRYPT,
  ) {}

  private async derive(salt: Buffer, p: ScryptParams): Promise<Buffer> {
    return scrypt(this.passphrase.normalize('NFKC'), salt, 32, { N: p.N, r: p.r, p: p.p, maxmem: 256 * p.N * p.r + 1024 * 1024 });
  }

  async wrap(rootKey: Buffer, vaultId: string): Promise<RootKeyWrapping> {
    const salt = this.random.bytes(16);
    const kek = await this.derive(salt, this.cost);
    try {
      const wrapped = sealWithKek(kek, rootKey, wrappingAad(vaultId, 'passphrase'), this.random);
      return { method: 'passphrase', params: { kdf: 'scrypt', ...this.cost, salt: salt.toString('base64'), aead: 'AES-256-GCM' }, wrapped };
    } finally {
      kek.fill(0);
    }
  }

  async unwrap(w: RootKeyWrapping, vaultId: string): Promise<Buffer> {
    const p = w.params as { kdf?: string; N?: number; r?: number; p?: number; salt?: string };
    if (p.kdf !== 'scrypt' || !p.N || !p.r || !p.p || !p.salt) throw new KwError('VaultCorrupt', 'passphrase wrapping has unknown parameters');
    const kek = await this.derive(Buffer.from(p.salt, 'base64'), { N: p.N, r: p.r, p: p.p });
    try {
      const rootKey = openWithKek(kek, w.wrapped, wrappingAad(vaultId, 'passphrase'));
      if (!rootKey || rootKey.length !== ROOT_KEY_BYTES) throw new KwError('WrongPassphrase', 'the passphrase does not unlock this vault');
      return rootKey;
    } finally {
      kek.fill(0);
    }
  }
}
