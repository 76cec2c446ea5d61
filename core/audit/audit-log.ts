/**
 * Append-only, keyed audit chain in the catalogue (format in chain.ts).
 *
 * Writes are audited inside their own transaction (appendInTransaction). Reads and
 * crypto operations change nothing, so their records are group-committed: buffered for
 * at most `flushIntervalMs` (or `maxBuffered` records) and written in one transaction.
 * Those group commits are written to the WAL without waiting for fsync, except at least
 * once every `syncIntervalMs`; any write operation's commit (synchronous=FULL) also
 * syncs them. So a process crash loses at most the unflushed window (5 ms) of
 * crypto/read records, a power loss at most `syncIntervalMs` (1 s) of them, and neither
 * ever loses a write's record. If a flush fails the log turns unhealthy and the service refuses
 * every operation (fail closed) until a flush succeeds again.
 *
 * Only an unlocked vault holds the chain key. Records of calls made while the vault is
 * locked (failed unlocks, status reads) wait in `audit_pending` and join the chain, in
 * order, at the next keyed write.
 */
import type { Statement } from 'better-sqlite3';
import type { WritableDb } from '../catalogue/db.ts';
import type { Clock, Random } from '../ports/index.ts';
import { KwError } from '../api/errors.ts';
import { GENESIS, columnsOf, link, recordDigest, recordMac, sealHead, type AuditKeys } from './chain.ts';
import { Checkpointer, type StoredCheckpoint } from './checkpoints.ts';
import { rekeyLegacyChain, REKEY_MARKER } from './rekey.ts';
import { verifyStoredChain, type StoredChainVerdict } from './verify.ts';

export type AuditDetail = Record<string, string | number | boolean | null>;

export interface AuditRecord {
  event: string;
  actor: string;
  keyId: string | null;
  outcome: 'success' | 'failure';
  errorCode?: string | null;
  detail?: AuditDetail | null;
}

/** Events the log writes itself (not operations of the contract). */
export const AUDIT_OWN_EVENTS = ['rekeyAuditChain'] as const;

const INSERT_CHUNK = 32;
const COLUMNS = 10;

export interface AuditOptions {
  flushIntervalMs?: number;
  syncIntervalMs?: number;
  maxBuffered?: number;
  /** A signed checkpoint after this many records (also at lock and close). */
  checkpointEvery?: number;
}

interface Pending {
  at: number;
  r: AuditRecord;
  /** The detail exactly as it will be stored. */
  detailText: string | null;
}

export class AuditLog {
  private buffer: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private lastSeq = 0;
  private lastHash: Buffer = GENESIS;
  private unhealthyReason: string | null = null;
  private readonly insert: Statement;
  private readonly insertChunk: Statement;
  private readonly stage: Statement;
  private readonly tail: Statement;
  private readonly writeHead: Statement;
  private readonly flushIntervalMs: number;
  private readonly syncIntervalMs: number;
  private lastSyncAt = 0;
  private oldestBufferedAt = 0;
  private readonly maxBuffered: number;
  private readonly checkpointEvery: number;
  readonly checkpoints: Checkpointer;

  constructor(
    private readonly db: WritableDb,
    private readonly clock: Clock,
    private readonly keys: () => AuditKeys | null,
    random: Random,
    opts: AuditOptions = {},
  ) {
    this.flushIntervalMs = opts.flushIntervalMs ?? 5;
    this.syncIntervalMs = opts.syncIntervalMs ?? 1000;
    this.maxBuffered = opts.maxBuffered ?? 512;
    this.checkpointEvery = opts.checkpointEvery ?? 1000;
    const insertSql = 'INSERT INTO audit_log (seq, at, event, actor, key_id, outcome, error_code, detail, prev_hash, hash, mac) VALUES ';
    const tuple = `(${Array(COLUMNS + 1).fill('?').join(',')})`;
    this.insert = db.prepare(insertSql + tuple);
    this.insertChunk = db.prepare(insertSql + Array(INSERT_CHUNK).fill(tuple).join(','));
    this.stage = db.prepare('INSERT INTO audit_pending (at, event, actor, key_id, outcome, error_code, detail) VALUES (?,?,?,?,?,?,?)');
    this.tail = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    this.writeHead = db.prepare("INSERT INTO vault_meta (name, value) VALUES ('audit_head', ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value");
    this.checkpoints = new Checkpointer(db, clock, random);
    this.syncTail();
  }

  get healthy(): boolean {
    return this.unhealthyReason === null;
  }

  assertHealthy(): void {
    if (this.unhealthyReason !== null) {
      // A retry: the disk may have recovered.
      this.flush();
      if (this.unhealthyReason !== null) throw new KwError('AuditUnavailable', 'the audit log cannot be written; operations are refused');
    }
  }

  /** Must run inside the caller's write transaction, so the record commits with the change. */
  appendInTransaction(r: AuditRecord): void {
    if (!this.db.inTransaction) throw new KwError('InternalError', 'audited write outside a transaction');
    this.write([{ at: this.clock.now(), r, detailText: r.detail ? JSON.stringify(r.detail) : null }]);
  }

  /** Audits a change-free operation; committed within flushIntervalMs. */
  enqueue(r: AuditRecord): void {
    const at = this.clock.now();
    if (this.buffer.length === 0) this.oldestBufferedAt = performance.now();
    this.buffer.push({ at, r, detailText: r.detail ? JSON.stringify(r.detail) : null });
    // The timer alone is not enough: a caller that never yields to the event loop would
    // starve it, so the age of the oldest record is checked here too.
    if (this.buffer.length >= this.maxBuffered || performance.now() - this.oldestBufferedAt >= this.flushIntervalMs) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.flushIntervalMs);
      this.timer.unref();
    }
  }

  /** Appends in its own transaction (failures of write operations, scheduler events). */
  appendNow(r: AuditRecord): void {
    this.db.transaction(() => this.appendInTransaction(r))();
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.buffer.length === 0) {
      this.unhealthyReason = null;
      return;
    }
    const now = performance.now();
    const sync = now - this.lastSyncAt >= this.syncIntervalMs;
    try {
      if (!sync) this.db.pragma('synchronous = NORMAL');
      try {
        this.db.transaction(() => this.write([]))();
      } finally {
        if (!sync) this.db.pragma('synchronous = FULL');
      }
      if (sync) this.lastSyncAt = now;
      this.unhealthyReason = null;
    } catch (e) {
      this.unhealthyReason = (e as Error).message;
    }
  }

  /** Signs the current head now (on demand, at lock and close). Null when locked or the log is empty. */
  checkpoint(): StoredCheckpoint | null {
    const keys = this.keys();
    if (!keys) return null;
    return this.db.transaction(() => {
      // Buffered and staged records join the chain first, so the checkpoint covers them.
      this.write([]);
      return this.lastSeq === 0 ? null : this.checkpoints.sign(keys, { seq: this.lastSeq, hash: this.lastHash });
    })();
  }

  /** Verifies the stored chain against the sealed head and every checkpoint (and `extra`, a checkpoint file). */
  verify(extra?: unknown): StoredChainVerdict {
    this.flush();
    const keys = this.keys();
    if (!keys) throw new KwError('VaultLocked', 'the vault is locked');
    // Pending records and a legacy chain are brought in first, so what is verified is what is listed.
    if (this.needsPreparation()) this.db.transaction(() => this.prepareKeyed(keys))();
    return verifyStoredChain(this.db, keys, this.checkpoints, extra);
  }

  close(): void {
    this.flush();
    try {
      this.checkpoint();
    } catch {
      // Closing must not fail: the head stays sealed; the next session checkpoints.
    }
  }

  /** Inside a transaction: the buffered records, then `extra`, keyed or staged. */
  private write(extra: Pending[]): void {
    const keys = this.keys();
    const pending = this.buffer.length ? [...this.buffer, ...extra] : extra;
    if (!keys) {
      for (const p of pending) this.stage.run(p.at, p.r.event, p.r.actor, p.r.keyId, p.r.outcome, p.r.errorCode ?? null, p.detailText);
      this.buffer = [];
      return;
    }
    this.prepareKeyed(keys);
    const seq = this.lastSeq;
    const hash = this.lastHash;
    try {
      this.insertRows(keys, pending);
      this.buffer = [];
      this.writeHead.run(sealHead(keys.mac, { seq: this.lastSeq, hash: this.lastHash }));
      if (this.lastSeq - this.checkpoints.latestSeq() >= this.checkpointEvery) this.checkpoints.sign(keys, { seq: this.lastSeq, hash: this.lastHash });
    } catch (e) {
      this.lastSeq = seq;
      this.lastHash = hash;
      throw e;
    }
  }

  private needsPreparation(): boolean {
    return this.db.prepare("SELECT EXISTS (SELECT 1 FROM audit_pending) OR EXISTS (SELECT 1 FROM vault_meta WHERE name = ?) AS n").pluck().get(REKEY_MARKER) === 1;
  }

  /**
   * Inside a transaction, before keyed records are written: another process (the CLI
   * beside the desktop app) may have appended since our last write, so the table's tail
   * is authoritative; a chain from before format 2 is re-keyed once; records staged
   * while the vault was locked join the chain.
   */
  private prepareKeyed(keys: AuditKeys): void {
    const rekeyed = rekeyLegacyChain(this.db, keys);
    this.syncTail();
    const staged = this.db.prepare('SELECT id, at, event, actor, key_id AS keyId, outcome, error_code AS errorCode, detail FROM audit_pending ORDER BY id').all() as Array<{
      id: number; at: number; event: string; actor: string; keyId: string | null; outcome: 'success' | 'failure'; errorCode: string | null; detail: string | null;
    }>;
    const rows: Pending[] = staged.map((s) => ({ at: s.at, r: { event: s.event, actor: s.actor, keyId: s.keyId, outcome: s.outcome, errorCode: s.errorCode }, detailText: s.detail }));
    if (rekeyed) {
      const detail: AuditDetail = { records: rekeyed.records, legacyIntact: rekeyed.legacyIntact, legacyBrokenAtSeq: rekeyed.legacyBrokenAtSeq };
      rows.unshift({ at: this.clock.now(), r: { event: 'rekeyAuditChain', actor: 'keywarden', keyId: null, outcome: 'success', detail }, detailText: JSON.stringify(detail) });
    }
    if (rows.length === 0) return;
    this.insertRows(keys, rows);
    if (staged.length) this.db.prepare('DELETE FROM audit_pending WHERE id <= ?').run(staged[staged.length - 1]!.id);
    this.writeHead.run(sealHead(keys.mac, { seq: this.lastSeq, hash: this.lastHash }));
  }

  private syncTail(): void {
    const last = this.tail.get() as { seq: number; hash: Buffer } | undefined;
    this.lastSeq = last?.seq ?? 0;
    this.lastHash = last?.hash ?? GENESIS;
  }

  private insertRows(keys: AuditKeys, pending: Pending[]): void {
    const rows = pending.map((p) => this.nextRow(keys, p));
    let i = 0;
    // Group commits insert many rows per statement: a statement run costs more than a row.
    for (; i + INSERT_CHUNK <= rows.length; i += INSERT_CHUNK) this.insertChunk.run(rows.slice(i, i + INSERT_CHUNK).flat());
    for (; i < rows.length; i++) this.insert.run(rows[i]!);
  }

  /** The next record's column values, advancing the chain. */
  private nextRow(keys: AuditKeys, { at, r, detailText }: Pending): unknown[] {
    const seq = this.lastSeq + 1;
    const hash = link(this.lastHash, recordDigest(columnsOf(seq, at, { ...r, detailText })));
    const row = [seq, at, r.event, r.actor, r.keyId, r.outcome, r.errorCode ?? null, detailText, this.lastHash, hash, recordMac(keys.mac, hash)];
    this.lastSeq = seq;
    this.lastHash = hash;
    return row;
  }
}
