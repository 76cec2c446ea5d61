/**
 * Key material kept unsealed while the vault is unlocked, so hot keys are not decrypted
 * and parsed on every call — the way an HSM keeps its keys loaded. Symmetric and MAC keys
 * are kept as bytes; private keys only as the suite's parsed form (KeyObjects or scalars),
 * their PKCS#8 bytes zeroed as soon as they are parsed.
 *
 * Bounded (least recently used first out). Each entry remembers the sealed bytes it came
 * from, so a row changed in the database is never served from memory. Entries are zeroed
 * or disposed of on eviction, when a key's catalogue rows change or it is destroyed, and
 * when the vault locks. Nothing here is ever written anywhere: it lives in this process's
 * memory only.
 */
import type { PreparedPrivateKey } from '../crypto/types.ts';

export const UNSEALED_KEY_LIMIT = 1024;

interface Entry {
  sealed: Buffer;
  material: Buffer | null;
  privateKey: PreparedPrivateKey | null;
}

/** Counters for tests and diagnostics; no key material, no timing. */
export interface UnsealedKeyStats {
  entries: number;
  privateKeys: number;
  hits: number;
  misses: number;
  dropped: number;
}

export class UnsealedKeys {
  private readonly entries = new Map<string, Entry>();
  private hits = 0;
  private misses = 0;
  private dropped = 0;

  constructor(private readonly limit = UNSEALED_KEY_LIMIT) {}

  /** The entry for keyId/versionId if it was unsealed from exactly these sealed bytes. */
  get(keyId: string, versionId: string, sealed: Uint8Array): Entry | undefined {
    const id = `${keyId}/${versionId}`;
    const hit = this.entries.get(id);
    if (hit && hit.sealed.equals(sealed)) {
      this.entries.delete(id);
      this.entries.set(id, hit);
      this.hits++;
      return hit;
    }
    if (hit) this.drop(id);
    this.misses++;
    return undefined;
  }

  put(keyId: string, versionId: string, sealed: Uint8Array, value: { material: Buffer } | { privateKey: PreparedPrivateKey }): void {
    const id = `${keyId}/${versionId}`;
    if (this.entries.has(id)) this.drop(id);
    const entry: Entry = {
      sealed: Buffer.from(sealed),
      material: 'material' in value ? value.material : null,
      privateKey: 'privateKey' in value ? value.privateKey : null,
    };
    this.entries.set(id, entry);
    if (this.entries.size > this.limit) this.drop(this.entries.keys().next().value!);
  }

  /** Drops every cached version of a key. */
  forgetKey(keyId: string): void {
    const prefix = `${keyId}/`;
    for (const id of [...this.entries.keys()]) if (id.startsWith(prefix)) this.drop(id);
  }

  clear(): void {
    for (const id of [...this.entries.keys()]) this.drop(id);
  }

  /** Version ids of a key held here (tests inspect the cache through this). */
  versionsOf(keyId: string): string[] {
    const prefix = `${keyId}/`;
    return [...this.entries.keys()].filter((id) => id.startsWith(prefix)).map((id) => id.slice(prefix.length));
  }

  stats(): UnsealedKeyStats {
    let privateKeys = 0;
    for (const e of this.entries.values()) if (e.privateKey) privateKeys++;
    return { entries: this.entries.size, privateKeys, hits: this.hits, misses: this.misses, dropped: this.dropped };
  }

  private drop(id: string): void {
    const e = this.entries.get(id);
    if (!e) return;
    e.material?.fill(0);
    e.privateKey?.dispose();
    this.entries.delete(id);
    this.dropped++;
  }
}
