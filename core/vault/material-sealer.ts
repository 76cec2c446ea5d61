/**
 * Seals key-version material under the vault root key. The key id and version id are
 * the AEAD's associated data, so a sealed blob moved to another row (or another key)
 * fails to open: swapping rows in the database is detected, not obeyed.
 */
import { KwError } from '../api/errors.ts';
import type { CryptoSuite, PreparedPrivateKey } from '../crypto/types.ts';
import type { Random } from '../ports/index.ts';
import { UnsealedKeys } from './unsealed-keys.ts';

const FORMAT = 1;

function aad(keyId: string, versionId: string): Uint8Array {
  return Buffer.from(`keywarden/material/v${FORMAT}|${keyId}|${versionId}`);
}

export class MaterialSealer {
  /** Unsealed keys of this unlock (see unsealed-keys.ts); dropped with the sealer on lock. */
  readonly unsealed = new UnsealedKeys();

  constructor(
    private readonly rootKey: Buffer,
    private readonly suite: CryptoSuite,
    private readonly random: Random,
  ) {}

  seal(keyId: string, versionId: string, material: Uint8Array): Buffer {
    const iv = this.random.bytes(12);
    const sealed = this.suite.aes256gcm.seal(this.rootKey, iv, material, aad(keyId, versionId));
    return Buffer.concat([Buffer.from([FORMAT]), iv, sealed]);
  }

  /**
   * Runs `use` with the material of one key version (symmetric and MAC keys). The buffer
   * is only valid during the call: callers must not keep or zero it.
   */
  withOpened<T>(keyId: string, versionId: string, blob: Buffer, use: (material: Buffer) => T): T {
    const hit = this.unsealed.get(keyId, versionId, blob);
    if (hit?.material) return use(hit.material);
    const material = this.open(keyId, versionId, blob);
    this.unsealed.put(keyId, versionId, blob, { material });
    return use(material);
  }

  /**
   * Runs `use` with the private key of one key version, parsed by the suite once per
   * unlock; its PKCS#8 bytes are zeroed as soon as they are parsed. The key is only
   * valid during the call.
   */
  withPrivateKey<T>(keyId: string, versionId: string, blob: Buffer, use: (key: PreparedPrivateKey) => T): T {
    const hit = this.unsealed.get(keyId, versionId, blob);
    if (hit?.privateKey) return use(hit.privateKey);
    const pkcs8 = this.open(keyId, versionId, blob);
    let key: PreparedPrivateKey;
    try {
      key = this.suite.preparePrivateKey(pkcs8);
    } finally {
      pkcs8.fill(0);
    }
    this.unsealed.put(keyId, versionId, blob, { privateKey: key });
    return use(key);
  }

  /** Zeroes and forgets every cached version of a key (its rows changed, or it was destroyed). */
  forgetKey(keyId: string): void {
    this.unsealed.forgetKey(keyId);
  }

  destroy(): void {
    this.unsealed.clear();
  }

  /** The caller owns the returned buffer and must zero it. */
  open(keyId: string, versionId: string, blob: Uint8Array): Buffer {
    if (blob.length < 1 + 12 + 16 || blob[0] !== FORMAT) throw new KwError('VaultCorrupt', `key material of ${keyId}/${versionId} is malformed`);
    try {
      const pt = this.suite.aes256gcm.open(this.rootKey, blob.subarray(1, 13), blob.subarray(13), aad(keyId, versionId));
      return Buffer.from(pt.buffer, pt.byteOffset, pt.byteLength);
    } catch {
      throw new KwError('VaultCorrupt', `key material of ${keyId}/${versionId} does not belong to this key or was altered`);
    }
  }
}
