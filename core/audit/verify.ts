/**
 * Checks the stored chain as the vault sees it: every record's content, link and MAC,
 * the sealed head (a cut tail shows), every stored checkpoint and optionally one
 * checkpoint file an auditor brought back (truncation behind it shows even if the head
 * was rolled back with an old copy of the catalogue).
 */
import type { ReadableDb } from '../catalogue/db.ts';
import { CHAIN_ROWS_SQL, checkAgainstHead, openHead, verifyRows, type AuditKeys, type BreakReason, type ChainRow, type ChainVerdict } from './chain.ts';
import { checkCheckpointFile, storedCheckpointValid, type Checkpointer } from './checkpoints.ts';

export interface StoredChainVerdict {
  ok: boolean;
  records: number;
  brokenAtSeq: number | null;
  reason: BreakReason | null;
  /** The sealed head's seq (null when the seal is missing or broken). */
  headSeq: number | null;
  /** Signed checkpoints that verified (stored ones plus the one given). */
  checkpointsVerified: number;
  latestCheckpointSeq: number | null;
}

interface CheckpointClaim {
  seq: number;
  hash: Buffer;
  valid: boolean;
}

/** The earlier of two breaks wins: it is the first record that is not what the vault wrote. */
function earliest(v: ChainVerdict, seq: number | null, reason: BreakReason): ChainVerdict {
  if (v.ok || v.brokenAtSeq === null || (seq !== null && seq < v.brokenAtSeq)) return { ...v, ok: false, brokenAtSeq: seq, reason };
  return v;
}

export function verifyStoredChain(db: ReadableDb, keys: AuditKeys, checkpoints: Checkpointer, extra?: unknown): StoredChainVerdict {
  const head = openHead(keys.mac, db.prepare("SELECT value FROM vault_meta WHERE name = 'audit_head'").pluck().get() as string | undefined);
  const vaultKey = checkpoints.publicKey(db);
  const claims: CheckpointClaim[] = checkpoints.list(db).map((c) => {
    return { seq: c.seq, hash: c.hash, valid: vaultKey !== null && c.publicKey.equals(vaultKey) && storedCheckpointValid(keys.vaultId, c) };
  });
  if (extra !== undefined) {
    const f = checkCheckpointFile(extra);
    claims.push({ seq: f.seq, hash: f.hash, valid: f.signatureValid && f.vaultId === keys.vaultId && vaultKey !== null && f.publicKey.equals(vaultKey) });
  }
  const wanted = new Set<number>(claims.map((c) => c.seq));
  if (head) wanted.add(head.seq);
  const hashes = new Map<number, Buffer>();
  const rows = db.prepare(`${CHAIN_ROWS_SQL} ORDER BY seq`).iterate() as IterableIterator<ChainRow>;
  let v = verifyRows(rows, keys.mac, (seq, hash) => {
    if (wanted.has(seq)) hashes.set(seq, hash);
  });
  v = checkAgainstHead(v, head, (seq) => hashes.get(seq));
  let verified = 0;
  for (const c of claims) {
    if (!c.valid) {
      v = earliest(v, null, 'checkpointInvalid');
      continue;
    }
    const reached = v.ok ? v.lastSeq : (v.brokenAtSeq ?? 1) - 1;
    if (c.seq > reached) {
      // The chain (as far as it verifies) stops before a signed checkpoint: the tail was cut.
      if (v.ok) v = { ...v, ok: false, brokenAtSeq: reached + 1, reason: 'truncated' };
      continue;
    }
    const h = hashes.get(c.seq);
    if (!h || !h.equals(c.hash)) v = earliest(v, c.seq, 'checkpointMismatch');
    else verified++;
  }
  return {
    ok: v.ok,
    records: v.records,
    brokenAtSeq: v.brokenAtSeq,
    reason: v.reason,
    headSeq: head?.seq ?? null,
    checkpointsVerified: verified,
    latestCheckpointSeq: claims.length ? Math.max(...claims.filter((c) => c.valid).map((c) => c.seq), 0) || null : null,
  };
}

