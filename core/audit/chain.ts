/**
 * The audit chain, format 2: what is hashed, what is keyed, and how a stored chain is
 * checked record by record.
 *
 * - digest(i) = SHA-256 over the record's STORED column values (the exact bytes of every
 *   text column, integers as 8 bytes), framed so no two records encode alike.
 * - hash(i)   = SHA-256(hash(i-1) || digest(i)), hash(0) = 32 zero bytes: the public chain,
 *   which checkpoints sign and which an auditor can recompute with no key.
 * - mac(i)    = HMAC-SHA-256(K, "kw-audit-record" || hash(i)), K derived from the vault root
 *   key: only an unlocked vault can extend the chain.
 * - the head (seq, hash) is kept in vault_meta with HMAC(K, "kw-audit-head" || seq || hash),
 *   so a cut tail shows even when every remaining record is intact.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { AuditBreakReason } from '../api/ops/audit.ts';

export const GENESIS: Buffer = Buffer.alloc(32);
export const CHAIN_FORMAT = 'keywarden-audit-chain/v2';

/** The secret the chain needs: present only while the vault is unlocked. */
export interface AuditKeys {
  vaultId: string;
  /** HMAC key of records and the head. */
  mac: Buffer;
  /** AES-256-GCM key sealing the checkpoint signing key. */
  seal: Buffer;
}

/** A record's columns as stored: text columns as their bytes. */
export interface StoredColumns {
  seq: number;
  at: number;
  event: Buffer;
  actor: Buffer;
  keyId: Buffer | null;
  outcome: Buffer;
  errorCode: Buffer | null;
  detail: Buffer | null;
}

export interface ChainRow extends StoredColumns {
  prevHash: Buffer | null;
  hash: Buffer | null;
  mac: Buffer | null;
}

/** The SQL that reads rows in chain order, text columns as their stored bytes. */
export const CHAIN_ROWS_SQL =
  'SELECT seq, at, CAST(event AS BLOB) AS event, CAST(actor AS BLOB) AS actor, CAST(key_id AS BLOB) AS keyId, CAST(outcome AS BLOB) AS outcome, ' +
  'CAST(error_code AS BLOB) AS errorCode, CAST(detail AS BLOB) AS detail, prev_hash AS prevHash, hash, mac FROM audit_log';

const utf8 = (s: string | null | undefined): Buffer | null => (s === null || s === undefined ? null : Buffer.from(s, 'utf8'));

export function columnsOf(seq: number, at: number, r: { event: string; actor: string; keyId: string | null; outcome: string; errorCode?: string | null; detailText: string | null }): StoredColumns {
  return { seq, at, event: utf8(r.event)!, actor: utf8(r.actor)!, keyId: utf8(r.keyId), outcome: utf8(r.outcome)!, errorCode: utf8(r.errorCode), detail: utf8(r.detailText) };
}

function int64(n: number): Buffer {
  const b = Buffer.alloc(9);
  b[0] = 1;
  b.writeBigInt64BE(BigInt(Math.trunc(n)), 1);
  return b;
}

function field(v: Buffer | null): Buffer[] {
  if (v === null) return [Buffer.from([0])];
  const head = Buffer.alloc(5);
  head[0] = 2;
  head.writeUInt32BE(v.length, 1);
  return [head, v];
}

/** The framing: "kw-audit-v2", then seq and at as tag 1 + int64, then each text column as tag 2 + u32 length + bytes, or tag 0 for null. */
export function recordDigest(c: StoredColumns): Buffer {
  const h = createHash('sha256').update('kw-audit-v2');
  if (!Number.isSafeInteger(c.seq) || !Number.isSafeInteger(c.at)) h.update(`non-integer:${c.seq}:${c.at}`);
  h.update(int64(c.seq)).update(int64(c.at));
  for (const v of [c.event, c.actor, c.keyId, c.outcome, c.errorCode, c.detail]) for (const part of field(v)) h.update(part);
  return h.digest();
}

export function link(prev: Buffer, digest: Buffer): Buffer {
  return createHash('sha256').update(prev).update(digest).digest();
}

export function recordMac(key: Buffer, hash: Buffer): Buffer {
  return createHmac('sha256', key).update('kw-audit-record').update(hash).digest();
}

export interface Head {
  seq: number;
  hash: Buffer;
}

function headMac(key: Buffer, head: Head): Buffer {
  return createHmac('sha256', key).update('kw-audit-head').update(int64(head.seq)).update(head.hash).digest();
}

export function sealHead(key: Buffer, head: Head): string {
  return JSON.stringify({ seq: head.seq, hash: head.hash.toString('hex'), mac: headMac(key, head).toString('hex') });
}

/** The head if its seal is intact, otherwise null. */
export function openHead(key: Buffer, sealed: string | undefined): Head | null {
  if (sealed === undefined) return null;
  try {
    const v = JSON.parse(sealed) as { seq?: unknown; hash?: unknown; mac?: unknown };
    if (!Number.isSafeInteger(v.seq) || typeof v.hash !== 'string' || typeof v.mac !== 'string') return null;
    const head = { seq: v.seq as number, hash: Buffer.from(v.hash, 'hex') };
    const mac = Buffer.from(v.mac, 'hex');
    return mac.length === 32 && timingSafeEqual(mac, headMac(key, head)) ? head : null;
  } catch {
    return null;
  }
}

/** Why a chain check failed; declared once in the contract, which reports it. */
export type BreakReason = AuditBreakReason;

export interface ChainVerdict {
  ok: boolean;
  /** Records that verified before the first break. */
  records: number;
  brokenAtSeq: number | null;
  reason: BreakReason | null;
  /** The hash of each seq is needed to check checkpoints against the chain. */
  lastSeq: number;
  lastHash: Buffer;
}

/**
 * Walks rows in seq order and stops at the first break, naming it by the sequence
 * number of the first record that is not what the vault wrote. `key` null checks the
 * public chain only (no MACs). `hashAt` is called with every verified (seq, hash).
 */
export function verifyRows(rows: Iterable<ChainRow>, key: Buffer | null, hashAt?: (seq: number, hash: Buffer) => void): ChainVerdict {
  let prev = GENESIS;
  let expected = 1;
  const broken = (seq: number, reason: BreakReason): ChainVerdict => ({ ok: false, records: expected - 1, brokenAtSeq: seq, reason, lastSeq: expected - 1, lastHash: prev });
  for (const row of rows) {
    if (row.seq !== expected) return broken(expected, 'recordMissing');
    if (!row.prevHash || !row.prevHash.equals(prev)) return broken(row.seq, 'linkBroken');
    const hash = link(prev, recordDigest(row));
    if (!row.hash || !row.hash.equals(hash)) return broken(row.seq, 'recordAltered');
    if (key && (!row.mac || row.mac.length !== 32 || !timingSafeEqual(row.mac, recordMac(key, hash)))) return broken(row.seq, 'macInvalid');
    hashAt?.(row.seq, hash);
    prev = hash;
    expected++;
  }
  return { ok: true, records: expected - 1, brokenAtSeq: null, reason: null, lastSeq: expected - 1, lastHash: prev };
}

/** Compares a chain that verified record by record with the sealed head. */
export function checkAgainstHead(v: ChainVerdict, head: Head | null, hashOf: (seq: number) => Buffer | undefined): ChainVerdict {
  if (!v.ok) {
    // A break inside the chain is reported where it is, unless the head proves the tail was cut earlier.
    return v;
  }
  if (!head) return { ...v, ok: false, brokenAtSeq: null, reason: 'headInvalid' };
  if (v.lastSeq < head.seq) return { ...v, ok: false, brokenAtSeq: v.lastSeq + 1, reason: 'truncated' };
  if (v.lastSeq > head.seq) return { ...v, ok: false, records: head.seq, brokenAtSeq: head.seq + 1, reason: 'beyondHead' };
  const h = hashOf(head.seq) ?? (head.seq === 0 ? GENESIS : undefined);
  if (!h || !h.equals(head.hash)) return { ...v, ok: false, brokenAtSeq: head.seq, reason: 'headMismatch' };
  return v;
}
