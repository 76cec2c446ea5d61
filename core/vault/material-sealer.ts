/**
 * Seals key-version material under the vault root key. The key id and version id are
 * the AEAD's associated data, so a sealed blob moved to another row (or another key)
 * fails to open: swapping rows in the database is detected, not obeyed.
 */
import { KwError } from '../api/errors.ts';
import type { CryptoSuite } from '../crypto/types.ts';
import type { Random } from '../ports/index.ts';

const FORMAT = 1;

function aad(keyId: string, versionId: string): Uint8Array {
  return Buffer.from(`keywarden/material/v${FORMAT}|${keyId}|${versionId}`);
}

/**
 * Unsealed material is kept while the vault is unlocked (bounded, least recently used
 * first out) so hot keys are not decrypted on every call — the way an HSM keeps its
 * keys loaded. Entries are checked against the sealed bytes they came from, so a row
 * changed in the database is never served from memory, and every entry is zeroed on
 * eviction, on key destruction and when the vault locks.
 */
const CACHE_ENTRIES = 1024;

export class MaterialSealer {
  private readonly cache = new Map<string, { sealed: Buffer; material: Buffer }>();

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
   * Runs `use` with the material of one key version. The buffer is only valid during the
   * call: callers must not keep or zero it.
   */
  withOpened<T>(keyId: string, versionId: string, blob: Buffer, use: (material: Buffer) => T): T {
    const id = `${keyId}/${versionId}`;
    const hit = this.cache.get(id);
    if (hit && hit.sealed.equals(blob)) {
      this.cache.delete(id);
      this.cache.set(id, hit);
      return use(hit.material);
    }
    if (hit) this.evict(id);
    const material = this.open(keyId, versionId, blob);
    this.cache.set(id, { sealed: Buffer.from(blob), material });
    if (this.cache.size > CACHE_ENTRIES) this.evict(this.cache.keys().next().value!);
    return use(material);
  }

  /** Zeroes and forgets every cached version of a key (called when it is destroyed). */
  forgetKey(keyId: string): void {
    for (const id of [...this.cache.keys()]) if (id.startsWith(`${keyId}/`)) this.evict(id);
  }

  destroy(): void {
    for (const id of [...this.cache.keys()]) this.evict(id);
  }

  private evict(id: string): void {
    this.cache.get(id)?.material.fill(0);
    this.cache.delete(id);
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
