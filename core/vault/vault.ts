/**
 * A vault is a folder holding one SQLite catalogue. The root key exists only wrapped
 * in the catalogue and, while unlocked, in this process's memory (zeroed on lock).
 */
import { hkdfSync } from 'node:crypto';
import { join } from 'node:path';
import { KwError } from '../api/errors.ts';
import { openCatalogue, type WritableDb } from '../catalogue/db.ts';
import type { Clock, Random } from '../ports/index.ts';
import { uuidFrom } from '../ports/index.ts';
import type { CryptoSuite } from '../crypto/types.ts';
import { ROOT_KEY_BYTES, type ProtectionMethod, type RootKeyProtector, type RootKeyWrapping } from './root-key.ts';
import { MaterialSealer } from './material-sealer.ts';
import type { UnsealedKeys } from './unsealed-keys.ts';
import { prepareVaultFolder, privateCatalogueFiles } from './vault-folder.ts';

export const CATALOGUE_FILE = 'keywarden.db';

export interface VaultDeps {
  clock: Clock;
  random: Random;
  suite: CryptoSuite;
}

export interface VaultAuditKeys {
  vaultId: string;
  mac: Buffer;
  seal: Buffer;
}

export class Vault {
  private rootKey: Buffer | null = null;
  private sealerCache: MaterialSealer | null = null;
  private vaultIdCache: string | null = null;
  private auditKeysCache: VaultAuditKeys | null = null;

  private constructor(
    readonly dir: string,
    readonly db: WritableDb,
    private readonly deps: VaultDeps,
  ) {}

  static open(dir: string, deps: VaultDeps): Vault {
    prepareVaultFolder(dir);
    const file = join(dir, CATALOGUE_FILE);
    privateCatalogueFiles(file);
    return new Vault(dir, openCatalogue(file), deps);
  }

  get vaultId(): string | null {
    if (this.vaultIdCache) return this.vaultIdCache;
    const row = this.db.prepare("SELECT value FROM vault_meta WHERE name = 'vault_id'").get() as { value: string } | undefined;
    this.vaultIdCache = row?.value ?? null;
    return this.vaultIdCache;
  }

  get initialized(): boolean {
    return this.vaultId !== null;
  }

  get unlocked(): boolean {
    return this.rootKey !== null;
  }

  unlockMethods(): ProtectionMethod[] {
    const rows = this.db.prepare('SELECT DISTINCT method FROM root_key_wrappings ORDER BY method').all() as Array<{ method: ProtectionMethod }>;
    return rows.map((r) => r.method);
  }

  /** Creates the root key and its first wrapping. The vault is left unlocked. */
  async init(protector: RootKeyProtector): Promise<void> {
    if (this.initialized) throw new KwError('VaultAlreadyInitialized', 'this folder already holds a vault');
    const vaultId = uuidFrom(this.deps.random);
    const rootKey = this.deps.random.bytes(ROOT_KEY_BYTES);
    const w = await protector.wrap(rootKey, vaultId);
    this.db.transaction(() => {
      if (this.initialized) throw new KwError('VaultAlreadyInitialized', 'this folder already holds a vault');
      const now = this.deps.clock.now();
      this.db.prepare("INSERT INTO vault_meta (name, value) VALUES ('vault_id', ?), ('created_at', ?)").run(vaultId, String(now));
      this.storeWrapping(w);
    })();
    this.setRootKey(rootKey);
  }

  async unlock(protector: RootKeyProtector): Promise<void> {
    const vaultId = this.requireInitialized();
    const wrappings = this.wrappings(protector.method);
    if (wrappings.length === 0) throw new KwError('UnsupportedOperation', `this vault cannot be unlocked by ${protector.method}`);
    let lastError: unknown = null;
    for (const w of wrappings) {
      try {
        const rootKey = await protector.unwrap(w, vaultId);
        this.setRootKey(rootKey);
        return;
      } catch (e) {
        lastError = e;
      }
    }
    throw lastError;
  }

  /** Adds another way to unlock (e.g. a token) while unlocked; `replace` drops the method's old wrappings. */
  async addProtection(protector: RootKeyProtector, replace: boolean): Promise<void> {
    const rootKey = this.requireRootKey();
    const w = await protector.wrap(rootKey, this.requireInitialized());
    this.db.transaction(() => {
      if (replace) this.db.prepare('DELETE FROM root_key_wrappings WHERE method = ?').run(w.method);
      this.storeWrapping(w);
    })();
  }

  /** Drops every wrapping of one method while unlocked; refuses to leave the vault with no way in. */
  removeProtection(method: ProtectionMethod): void {
    this.requireRootKey();
    this.db.transaction(() => {
      const others = this.db.prepare('SELECT count(*) AS n FROM root_key_wrappings WHERE method <> ?').get(method) as { n: number };
      if (others.n === 0) throw new KwError('UnsupportedOperation', `removing ${method} would leave the vault with no way to unlock`);
      this.db.prepare('DELETE FROM root_key_wrappings WHERE method = ?').run(method);
    })();
  }

  /**
   * Keys of the audit chain, derived from the root key (HKDF-SHA-256, one label each):
   * only an unlocked vault can extend the chain or sign its checkpoints. Null when locked.
   */
  auditKeys(): VaultAuditKeys | null {
    if (!this.rootKey) return null;
    if (!this.auditKeysCache) {
      const vaultId = this.requireInitialized();
      const derive = (label: string) => Buffer.from(hkdfSync('sha256', this.rootKey!, Buffer.alloc(0), `keywarden/${label}/v1|${vaultId}`, 32));
      this.auditKeysCache = { vaultId, mac: derive('audit-chain'), seal: derive('audit-signing-key-seal') };
    }
    return this.auditKeysCache;
  }

  lock(): void {
    this.auditKeysCache?.mac.fill(0);
    this.auditKeysCache?.seal.fill(0);
    this.auditKeysCache = null;
    this.rootKey?.fill(0);
    this.rootKey = null;
    this.sealerCache?.destroy();
    this.sealerCache = null;
  }

  close(): void {
    this.lock();
    this.db.close();
  }

  sealer(): MaterialSealer {
    if (!this.sealerCache) this.sealerCache = new MaterialSealer(this.requireRootKey(), this.deps.suite, this.deps.random);
    return this.sealerCache;
  }

  /** Drops a key's unsealed material from memory (its catalogue rows changed); nothing to do while locked. */
  forgetUnsealed(keyId: string): void {
    this.sealerCache?.forgetKey(keyId);
  }

  /** The unsealed-key cache of this unlock, or null while locked or before first use (for tests and diagnostics). */
  unsealedKeys(): UnsealedKeys | null {
    return this.sealerCache?.unsealed ?? null;
  }

  requireUnlocked(): void {
    this.requireRootKey();
  }

  private requireRootKey(): Buffer {
    this.requireInitialized();
    if (!this.rootKey) throw new KwError('VaultLocked', 'the vault is locked');
    return this.rootKey;
  }

  private requireInitialized(): string {
    const id = this.vaultId;
    if (!id) throw new KwError('VaultNotInitialized', 'no vault here yet: run init first');
    return id;
  }

  private setRootKey(k: Buffer): void {
    this.lock();
    this.rootKey = k;
  }

  private wrappings(method: ProtectionMethod): RootKeyWrapping[] {
    const rows = this.db.prepare('SELECT method, params, wrapped FROM root_key_wrappings WHERE method = ? ORDER BY created_at DESC').all(method) as Array<{
      method: ProtectionMethod;
      params: string;
      wrapped: Buffer;
    }>;
    return rows.map((r) => ({ method: r.method, params: JSON.parse(r.params) as Record<string, unknown>, wrapped: r.wrapped }));
  }

  private storeWrapping(w: RootKeyWrapping): void {
    this.db
      .prepare('INSERT INTO root_key_wrappings (id, method, params, wrapped, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(uuidFrom(this.deps.random), w.method, JSON.stringify(w.params), w.wrapped, this.deps.clock.now());
  }
}
