/** Vault session operations: status, init, unlock, lock, passphrase change, scheduled work. */
import type { ParsedRequestOf, ResponseOf } from '../api/contract.ts';
import type { VaultStatus } from '../api/ops/vault.ts';
import type { CallContext, Services } from '../kms/context.ts';
import { PassphraseProtector, type ScryptParams } from '../vault/root-key.ts';
import type { DueWorkResult } from '../kms/scheduler.ts';
import type { VaultOperation } from './handlers.ts';

export interface VaultSession {
  services: Services;
  scryptCost: ScryptParams | undefined;
  selfTest: { ok: boolean; failures: string[] };
  runDueWork(): Promise<DueWorkResult>;
  /** Registers the owner officer of a new vault (credential: its passphrase). */
  createOwner(): unknown;
}

function status(s: VaultSession): VaultStatus {
  const v = s.services.vault;
  return {
    initialized: v.initialized,
    unlocked: v.unlocked,
    vaultId: v.vaultId,
    unlockMethods: v.initialized ? v.unlockMethods() : [],
    selfTest: s.selfTest,
    auditHealthy: s.services.audit.healthy,
    cryptoSuite: s.services.suite.name,
  };
}

/** One handler per vault operation, typed by the contract: a missing or mistyped one does not compile. */
type VaultHandlerTable = { [K in VaultOperation]: (req: ParsedRequestOf<K>, s: VaultSession, ctx: CallContext) => Promise<ResponseOf<K>> };

export const vaultHandlers: VaultHandlerTable = {
  async getVaultStatus(_req: ParsedRequestOf<'getVaultStatus'>, s: VaultSession): Promise<ResponseOf<'getVaultStatus'>> {
    return status(s);
  },
  async initVault(req: ParsedRequestOf<'initVault'>, s: VaultSession): Promise<ResponseOf<'initVault'>> {
    await s.services.vault.init(new PassphraseProtector(req.passphrase, s.services.random, s.scryptCost));
    s.services.db.transaction(() => s.createOwner())();
    return status(s);
  },
  async unlockVault(req: ParsedRequestOf<'unlockVault'>, s: VaultSession): Promise<ResponseOf<'unlockVault'>> {
    await s.services.vault.unlock(new PassphraseProtector(req.passphrase, s.services.random, s.scryptCost));
    await s.runDueWork();
    return status(s);
  },
  async lockVault(_req: ParsedRequestOf<'lockVault'>, s: VaultSession): Promise<ResponseOf<'lockVault'>> {
    // A signed checkpoint at every lock: what was recorded so far can be proven later.
    s.services.audit.checkpoint();
    s.services.vault.lock();
    return status(s);
  },
  async changePassphrase(req: ParsedRequestOf<'changePassphrase'>, s: VaultSession): Promise<ResponseOf<'changePassphrase'>> {
    const v = s.services.vault;
    // Proves the old passphrase (and leaves the vault unlocked with it) before replacing it.
    await v.unlock(new PassphraseProtector(req.oldPassphrase, s.services.random, s.scryptCost));
    await v.addProtection(new PassphraseProtector(req.newPassphrase, s.services.random, s.scryptCost), true);
    return { changed: true };
  },
  async runScheduledWork(_req: ParsedRequestOf<'runScheduledWork'>, s: VaultSession, _ctx: CallContext): Promise<ResponseOf<'runScheduledWork'>> {
    return s.runDueWork();
  },
};
