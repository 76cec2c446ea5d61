/**
 * Who a call runs as. A vault with one officer (its owner) runs every call as the owner,
 * as before officers existed; once a second officer is registered, a call runs as the
 * officer whose session token it carries, and without one may only do what the signed-
 * out may (find the vault's state, unlock, sign in). The registry, sessions and roles are
 * cached until the catalogue changes (ChangeTracker), so checking costs a map lookup.
 */
import type { CustodySettings } from '../api/ops/officers.ts';
import type { QuorumPolicy } from '../api/ops/quorum.ts';
import { policies } from './quorum.ts';
import type { PermissionItem } from '../api/operation.ts';
import type { ChangeStamp, ChangeTracker } from '../catalogue/change-tracker.ts';
import type { WritableDb } from '../catalogue/db.ts';
import type { Clock } from '../ports/index.ts';
import { VAULT_OWNER, type Principal } from './access.ts';
import { countLiveOfficers, findOfficer, requireActive, rolesOf, type OfficerRow } from './registry.ts';
import { principalFor } from './role-store.ts';
import { SIGNED_OUT_ITEMS } from './roles.ts';
import { loadSession, requireLive, touchSession, type SessionRow } from './sessions.ts';
import { readSettings } from './settings.ts';

export interface Resolved {
  principal: Principal;
  /** The officer the call runs as (null: signed out, or a vault with no registry yet). */
  officer: OfficerRow | null;
  /** Set when the call carries a session: the audit actor is the officer's id. */
  session: SessionRow | null;
}

const SIGNED_OUT: Principal = { officerId: '-', items: new Map(SIGNED_OUT_ITEMS.map((i) => [i, null])), signedOut: true };

interface Snapshot {
  stamp: ChangeStamp;
  live: number;
  owner: OfficerRow | null;
  settings: CustodySettings;
  sessions: Map<string, { session: SessionRow; officer: OfficerRow; principal: Principal }>;
  /** Policies in force: only in a custody vault, and only once enough active officers hold the role to meet them. */
  enforced: Map<string, QuorumPolicy> | null;
}

export class Custody {
  private snap: Snapshot | null = null;

  constructor(
    private readonly db: WritableDb,
    private readonly clock: Clock,
    private readonly changes: ChangeTracker,
  ) {}

  private snapshot(): Snapshot {
    if (this.snap && this.changes.unchangedSince(this.snap.stamp)) return this.snap;
    const stamp = this.changes.stamp();
    const live = countLiveOfficers(this.db);
    const owner = live === 1 ? (this.db.prepare("SELECT * FROM officers WHERE status <> 'removed'").get() as OfficerRow) : null;
    this.snap = { stamp, live, owner, settings: readSettings(this.db), sessions: new Map(), enforced: null };
    return this.snap;
  }

  settings(): CustodySettings {
    return this.snapshot().settings;
  }

  /** The quorum policy guarding `operation` right now, or null when it may be called directly. */
  quorumFor(operation: string): QuorumPolicy | null {
    const snap = this.snapshot();
    if (snap.live <= 1) return null;
    if (!snap.enforced) {
      const holders = new Map<string, number>();
      for (const o of this.db.prepare("SELECT roles FROM officers WHERE status = 'active'").all() as Array<{ roles: string }>) {
        for (const r of JSON.parse(o.roles) as string[]) holders.set(r, (holders.get(r) ?? 0) + 1);
      }
      snap.enforced = new Map(policies(this.db).filter((p) => (holders.get(p.role) ?? 0) >= p.required).map((p) => [p.operation, p]));
    }
    return snap.enforced.get(operation) ?? null;
  }

  mode(): 'owner' | 'custody' {
    return this.snapshot().live > 1 ? 'custody' : 'owner';
  }

  /** The principal of a call carrying `token` (or none). Throws SessionExpired / OfficerSuspended. */
  resolve(token: string | undefined): Resolved {
    const snap = this.snapshot();
    if (token !== undefined) {
      const now = this.clock.now();
      const idleMs = snap.settings.sessionIdleMinutes * 60_000;
      let hit = snap.sessions.get(token);
      if (!hit) {
        const session = requireLive(loadSession(this.db, token), now, idleMs);
        const officer = findOfficer(this.db, session.officer_id);
        requireActive(officer);
        hit = { session, officer, principal: principalFor(this.db, officer.id, rolesOf(officer)) };
        snap.sessions.set(token, hit);
      } else {
        requireLive(hit.session, now, idleMs);
      }
      // Written back now and then so other processes see the session is in use.
      if (now - hit.session.last_seen_at >= idleMs / 4) {
        touchSession(this.db, hit.session, now);
        hit.session.last_seen_at = now;
      }
      return hit;
    }
    if (snap.live <= 1) return { principal: snap.owner ? { ...VAULT_OWNER, officerId: snap.owner.id } : VAULT_OWNER, officer: snap.owner, session: null };
    return { principal: SIGNED_OUT, officer: null, session: null };
  }

  /** Every item a principal holds, for whoAmI (the owner's 'all' spelled out from the contract). */
  static itemsOf(p: Principal, all: readonly PermissionItem[]): string[] {
    return p.items === 'all' ? [...new Set(all)].sort() : [...p.items.keys()].sort();
  }
}
