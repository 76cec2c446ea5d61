import { z } from 'zod';
import { op } from '../operation.ts';
import { empty } from '../schemas.ts';

export interface VaultStatus {
  initialized: boolean;
  unlocked: boolean;
  vaultId: string | null;
  /** How the root key can be unlocked: 'passphrase', 'token', 'shares'. */
  unlockMethods: string[];
  selfTest: { ok: boolean; failures: string[] };
  auditHealthy: boolean;
  cryptoSuite: string;
}

const passphrase = z.string().min(1).max(1024);

/** What one pass of the time-driven work did. */
export interface ScheduledWorkResult {
  rotated: number;
  deleted: number;
  materialExpired: number;
  /** Due deletions refused because the key has deletion protection on (it stays PendingDeletion). */
  deletionsRefused: number;
  /** Token objects of destroyed HSM keys destroyed in this pass, and those still waiting for their token. */
  tokenObjectsDestroyed: number;
  tokenObjectsPending: number;
}

export const vaultOps = {
  getVaultStatus: op<VaultStatus>()({ request: empty, kind: 'session', permission: 'kms:vault:status', gate: 'none', event: 'getVaultStatus', summary: 'Whether the vault exists and is unlocked.' }),
  initVault: op<VaultStatus>()({
    request: z.object({ passphrase: passphrase.min(8, 'passphrase shorter than 8 characters') }).strict(),
    kind: 'session',
    permission: 'kms:vault:init',
    gate: 'none',
    event: 'initVault',
    summary: 'Create the vault: a random 256-bit root key wrapped under a key derived from the passphrase (scrypt).',
  }),
  unlockVault: op<VaultStatus>()({ request: z.object({ passphrase }).strict(), kind: 'session', permission: 'kms:vault:unlock', gate: 'none', event: 'unlockVault', summary: 'Unwrap the root key with the passphrase.' }),
  lockVault: op<VaultStatus>()({ request: empty, kind: 'session', permission: 'kms:vault:lock', gate: 'none', event: 'lockVault', summary: 'Forget the root key (zeroed in memory).' }),
  changePassphrase: op<{ changed: true }>()({
    request: z.object({ oldPassphrase: passphrase, newPassphrase: passphrase.min(8, 'passphrase shorter than 8 characters') }).strict(),
    kind: 'session',
    permission: 'kms:vault:changePassphrase',
    gate: 'none',
    event: 'changePassphrase',
    summary: 'Re-wrap the root key under a new passphrase.',
  }),
  runScheduledWork: op<ScheduledWorkResult>()({
    request: empty,
    kind: 'write',
    permission: 'kms:vault:runScheduledWork',
    gate: 'unlocked',
    event: 'runScheduledWork',
    summary: 'Run due rotations, deletions and material expiries now, and destroy token objects of destroyed keys whose token is present (also runs on open and on a timer).',
  }),
};
