/**
 * Tells whether anything in the catalogue may have changed since a given moment: a
 * commit by another connection (another Keywarden process on the same vault) moves
 * SQLite's `data_version`; a write on this connection moves the local counter, bumped by
 * every write statement and exec. Caches of catalogue rows stay correct by
 * asking here before trusting themselves.
 */
import type Database from 'better-sqlite3';

export interface ChangeStamp {
  dataVersion: number;
  localWrites: number;
}

/** How stale this process's view of another process's commits may be. */
export const CROSS_PROCESS_CHECK_MS = 1;

const trackers = new WeakMap<Database.Database, ChangeTracker>();

export class ChangeTracker {
  private localWrites = 0;
  private checkedAt = -Infinity;
  private lastDataVersion = -1;
  private readonly dataVersion: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.dataVersion = db.prepare('PRAGMA data_version');
  }

  bump(): void {
    this.localWrites++;
  }

  stamp(): ChangeStamp {
    this.checkedAt = performance.now();
    this.lastDataVersion = (this.dataVersion.get() as { data_version: number }).data_version;
    return { dataVersion: this.lastDataVersion, localWrites: this.localWrites };
  }

  /**
   * Marks the start of one API call. Other processes' commits are looked for at the
   * start of a call (each look is a query that takes a WAL read lock, costlier than the
   * rest of a small encrypt), at most once per `CROSS_PROCESS_CHECK_MS`: a change made
   * by another process on the same vault is obeyed within that bound; one made by this
   * process, at once.
   */
  beginCall(): void {
    const now = performance.now();
    if (now - this.checkedAt >= CROSS_PROCESS_CHECK_MS) {
      this.checkedAt = now;
      this.lastDataVersion = (this.dataVersion.get() as { data_version: number }).data_version;
    }
  }

  unchangedSince(s: ChangeStamp): boolean {
    if (s.localWrites !== this.localWrites || this.db.inTransaction) return false;
    return this.lastDataVersion === s.dataVersion;
  }
}

export function changeTracker(db: Database.Database): ChangeTracker {
  let t = trackers.get(db);
  if (!t) {
    t = new ChangeTracker(db);
    trackers.set(db, t);
  }
  return t;
}

/** Wraps exec so schema changes and scripted writes bump the tracker too. */
export function trackWrites(db: Database.Database): void {
  const tracker = changeTracker(db);
  const exec = db.exec.bind(db);
  db.exec = ((sql: string) => {
    try {
      return exec(sql);
    } finally {
      tracker.bump();
    }
  }) as typeof db.exec;
}

/**
 * A write statement bumps the tracker each time it runs (inside a transaction or not).
 * Appends to the audit log (its records, staged records, checkpoints and sealed head)
 * change no catalogue row anyone caches, so they do not count.
 */
const AUDIT_APPEND = /^\s*(INSERT INTO (audit_log|audit_pending|audit_checkpoints)\b|DELETE FROM audit_pending\b|INSERT INTO vault_meta \(name, value\) VALUES \('audit_head')/i;

export function trackStatement(db: Database.Database, st: Database.Statement): Database.Statement {
  if (st.reader || AUDIT_APPEND.test(st.source)) return st;
  const tracker = changeTracker(db);
  const run = st.run.bind(st);
  st.run = ((...args: unknown[]) => {
    try {
      return run(...(args as []));
    } finally {
      tracker.bump();
    }
  }) as typeof st.run;
  return st;
}
