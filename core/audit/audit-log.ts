/**
 * Append-only, hash-chained audit log in the catalogue.
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
 */
import { createHash } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { ReadableDb, WritableDb } from '../catalogue/db.ts';
import type { Clock } from '../ports/index.ts';
import { KwError } from '../api/errors.ts';

export type AuditDetail = Record<string, string | number | boolean | null>;

export interface AuditRecord {
  event: string;
  actor: string;
  keyId: string | null;
  outcome: 'success' | 'failure';
  errorCode?: string | null;
  detail?: AuditDetail | null;
}

export interface StoredAuditRecord extends Required<AuditRecord> {
  seq: number;
  at: string;
  hash: string;
}

const GENESIS: Buffer = Buffer.alloc(32);
const INSERT_CHUNK = 32;

function chainHash(prev: Buffer, seq: number, at: number, r: AuditRecord): Buffer {
  const body = JSON.stringify([seq, at, r.event, r.actor, r.keyId, r.outcome, r.errorCode ?? null, r.detail ?? null]);
  return createHash('sha256').update(prev).update(body).digest();
}

export interface AuditOptions {
  flushIntervalMs?: number;
  syncIntervalMs?: number;
  maxBuffered?: number;
}

export class AuditLog {
  private buffer: Array<{ at: number; r: AuditRecord }> = [];
  private timer: NodeJS.Timeout | null = null;
  private lastSeq = 0;
  private lastHash: Buffer = GENESIS;
  private unhealthyReason: string | null = null;
  private readonly insert: Statement;
  private readonly insertChunk: Statement;
  private readonly tail: Statement;
  private readonly flushIntervalMs: number;
  private readonly syncIntervalMs: number;
  private lastSyncAt = 0;
  private oldestBufferedAt = 0;
  private readonly maxBuffered: number;

  constructor(
    private readonly db: WritableDb,
    private readonly clock: Clock,
    opts: AuditOptions = {},
  ) {
    this.flushIntervalMs = opts.flushIntervalMs ?? 5;
    this.syncIntervalMs = opts.syncIntervalMs ?? 1000;
    this.maxBuffered = opts.maxBuffered ?? 512;
    const insertSql = 'INSERT INTO audit_log (seq, at, event, actor, key_id, outcome, error_code, detail, prev_hash, hash) VALUES ';
    this.insert = db.prepare(insertSql + '(?,?,?,?,?,?,?,?,?,?)');
    this.insertChunk = db.prepare(insertSql + Array(INSERT_CHUNK).fill('(?,?,?,?,?,?,?,?,?,?)').join(','));
    this.tail = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
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
    this.syncTail();
    this.writeBuffered();
    this.writeOne(this.clock.now(), r);
  }

  /** Audits a change-free operation; committed within flushIntervalMs. */
  enqueue(r: AuditRecord): void {
    const at = this.clock.now();
    if (this.buffer.length === 0) this.oldestBufferedAt = performance.now();
    this.buffer.push({ at, r });
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
    const seq = this.lastSeq;
    const hash = this.lastHash;
    const now = performance.now();
    const sync = now - this.lastSyncAt >= this.syncIntervalMs;
    try {
      if (!sync) this.db.pragma('synchronous = NORMAL');
      try {
        this.db.transaction(() => {
          this.syncTail();
          this.writeBuffered();
        })();
      } finally {
        if (!sync) this.db.pragma('synchronous = FULL');
      }
      if (sync) this.lastSyncAt = now;
      this.unhealthyReason = null;
    } catch (e) {
      this.lastSeq = seq;
      this.lastHash = hash;
      this.unhealthyReason = (e as Error).message;
    }
  }

  /**
   * Another process (the CLI beside the desktop app) may have appended since our last
   * write; inside the transaction the table's tail is authoritative.
   */
  private syncTail(): void {
    const last = this.tail.get() as { seq: number; hash: Buffer } | undefined;
    this.lastSeq = last?.seq ?? 0;
    this.lastHash = last?.hash ?? GENESIS;
  }

  private writeBuffered(): void {
    const pending = this.buffer;
    if (pending.length === 0) return;
    const seq = this.lastSeq;
    const hash = this.lastHash;
    try {
      const rows = pending.map(({ at, r }) => this.nextRow(at, r));
      let i = 0;
      // Group commits insert many rows per statement: a statement run costs more than a row.
      for (; i + INSERT_CHUNK <= rows.length; i += INSERT_CHUNK) this.insertChunk.run(rows.slice(i, i + INSERT_CHUNK).flat());
      for (; i < rows.length; i++) this.insert.run(rows[i]!);
      this.buffer = [];
    } catch (e) {
      this.lastSeq = seq;
      this.lastHash = hash;
      throw e;
    }
  }

  private writeOne(at: number, r: AuditRecord): void {
    this.insert.run(this.nextRow(at, r));
  }

  /** The next record's column values, advancing the chain. */
  private nextRow(at: number, r: AuditRecord): unknown[] {
    const seq = this.lastSeq + 1;
    const hash = chainHash(this.lastHash, seq, at, r);
    const row = [seq, at, r.event, r.actor, r.keyId, r.outcome, r.errorCode ?? null, r.detail ? JSON.stringify(r.detail) : null, this.lastHash, hash];
    this.lastSeq = seq;
    this.lastHash = hash;
    return row;
  }

  close(): void {
    this.flush();
  }
}

/** Recomputes the chain from the first record; any edit, reordering or deletion shows. */
export function verifyAuditChain(db: ReadableDb): { ok: boolean; records: number; brokenAtSeq: number | null } {
  let prev: Buffer = GENESIS;
  let expectedSeq = 1;
  let n = 0;
  const rows = db.prepare('SELECT * FROM audit_log ORDER BY seq').iterate() as IterableIterator<{
    seq: number; at: number; event: string; actor: string; key_id: string | null; outcome: 'success' | 'failure';
    error_code: string | null; detail: string | null; prev_hash: Buffer; hash: Buffer;
  }>;
  for (const row of rows) {
    const r: AuditRecord = { event: row.event, actor: row.actor, keyId: row.key_id, outcome: row.outcome, errorCode: row.error_code, detail: row.detail ? JSON.parse(row.detail) : null };
    const h = chainHash(prev, row.seq, row.at, r);
    if (row.seq !== expectedSeq || !row.prev_hash.equals(prev) || !row.hash.equals(h)) return { ok: false, records: n, brokenAtSeq: row.seq };
    prev = h;
    expectedSeq++;
    n++;
  }
  return { ok: true, records: n, brokenAtSeq: null };
}
