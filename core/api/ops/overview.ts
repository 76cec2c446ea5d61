/**
 * The vault at a glance: what the Overview screen shows, answered in one read so it stays
 * exact (every figure is computed in SQL over the whole catalogue, not over a page of it)
 * and cheap with 100,000 keys.
 */
import { z } from 'zod';
import { op } from '../operation.ts';
import type { KeySpec, ProtectionLevel } from '../../domain/key-specs.ts';
import type { KeyState } from '../../domain/key-states.ts';
import type { CertificateStatus } from './certificates.ts';

export const OVERVIEW_LIST_MAX = 50;
/** How many of the newest audit records the failure count looks at. */
export const OVERVIEW_AUDIT_WINDOW = 1000;

/** A key that falls due within the window; `alias` is its first alias in alphabetical order. */
export interface DueKey {
  cmkUuid: string;
  alias: string | null;
  /** ISO time of the rotation, deletion or material expiry. */
  date: string;
}

/** At most OVERVIEW_LIST_MAX items, soonest first; `totalCount` counts them all. */
export interface DueList<T> {
  items: T[];
  totalCount: number;
}

export interface ExpiringImportToken {
  /** The wrapping key id the token names. */
  importTokenId: string;
  cmkUuid: string;
  alias: string | null;
  expiresAt: string;
}

export interface ExpiringByokPackage {
  packageId: string;
  target: string;
  keySpec: string;
  tokenExpiresAt: string;
}

/** A token object of a destroyed HSM key, waiting for its token to be present and logged in. */
export interface PendingTokenDestruction {
  cmkUuid: string;
  keyVersionId: string;
  keySpec: string;
  tokenLabel: string;
  /** CKA_ID (hex) of the object on the token. */
  objectId: string;
  reason: 'pendingWindowEnded' | 'materialDeleted';
  /** When the key was destroyed in the catalogue (from then on it is unusable through Keywarden). */
  requestedAt: string;
  /** Error code of the last attempt (TokenNotLoggedIn, TokenNotFound, ...); null before the first. */
  lastError: string | null;
}

export interface VaultOverview {
  /** The clock of the vault when the figures were taken, and the window they look ahead. */
  at: string;
  withinDays: number;
  keys: {
    total: number;
    byState: Record<KeyState, number>;
    bySpec: Record<KeySpec, number>;
    byProtectionLevel: Record<ProtectionLevel, number>;
  };
  certificates: { total: number; byStatus: Record<CertificateStatus, number> };
  /** Enabled keys whose next automatic rotation falls before the window ends (overdue ones first). */
  dueRotation: DueList<DueKey>;
  /** Keys pending deletion whose deletion date falls before the window ends. */
  dueDeletion: DueList<DueKey>;
  /** EXTERNAL keys (Enabled or Disabled) whose imported material expires before the window ends. */
  materialExpiring: DueList<DueKey>;
  /** Import tokens of keys still waiting for material that lapse within the window (not yet lapsed). */
  importTokensExpiring: DueList<ExpiringImportToken>;
  /** Prepared BYOK packages whose target import token lapses within the window (not yet lapsed). */
  byokPackagesExpiring: DueList<ExpiringByokPackage>;
  /** Token objects of destroyed keys not yet destroyed on their token (oldest first, whatever the window). */
  tokenDestructionsPending: DueList<PendingTokenDestruction>;
  /** The token module saved for this vault (no bridge is started to answer). */
  tokenModule: { modulePath: string | null; defaultTokenLabel: string | null };
  audit: {
    /** False when a group-committed audit write failed: operations are refused until it recovers. */
    healthy: boolean;
    records: number;
    lastRecordAt: string | null;
    /** Failure outcomes among the newest `window` records. */
    recentFailures: { window: number; failures: number };
  };
}

export const overviewOps = {
  describeVaultOverview: op<VaultOverview>()({
    request: z.object({ withinDays: z.number().int().min(1).max(365).default(30) }).strict(),
    kind: 'read',
    permission: 'kms:vault:overview',
    gate: 'unlocked',
    event: 'describeVaultOverview',
    summary: 'Counts of keys by state, spec and protection level and of certificates by status; keys due for rotation, deletion or material expiry and import tokens lapsing within withinDays (at most 50 each, soonest first); token objects of destroyed keys still waiting for their token; token module; audit health.',
  }),
};
