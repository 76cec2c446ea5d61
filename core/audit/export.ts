/**
 * Audit export for auditors: the records that match a filter, in full, and for every
 * other record up to the checkpoint only its digest, so the whole public chain can be
 * recomputed from the file and compared with the signed checkpoint — on another machine,
 * with no vault and no secret (export-verify.ts).
 *
 * JSONL: line 1 is the header {format, vaultId, exportedAt, filter, chain, checkpoint};
 * then one line per sequence number 1..checkpoint.seq, either a record
 * {seq, at, atMs, event, actor, keyId, outcome, errorCode, detail, prevHash, hash}
 * (detail is the stored text, byte for byte) or {seq, digest} for a record left out.
 *
 * CSV: the same entries as rows under the header row
 * kind,seq,at,at_ms,event,actor,key_id,outcome,error_code,detail,prev_hash,hash,digest;
 * the first row has kind `export` and the JSON header in `detail`; then kind `record`
 * or `digest`. Text values are always quoted; an unquoted empty field is null.
 */
import type { ReadableDb } from '../catalogue/db.ts';
import { CHAIN_ROWS_SQL, CHAIN_FORMAT, recordDigest, type ChainRow } from './chain.ts';
import type { CheckpointFile } from './checkpoints.ts';

export const EXPORT_FORMAT = 'keywarden-audit-export/v1';
export const CSV_COLUMNS = ['kind', 'seq', 'at', 'at_ms', 'event', 'actor', 'key_id', 'outcome', 'error_code', 'detail', 'prev_hash', 'hash', 'digest'] as const;

export interface ExportFilter {
  from?: string;
  to?: string;
  actor?: string;
  event?: string;
  resourceType?: string;
  level?: string;
}

export interface ExportHeader {
  format: typeof EXPORT_FORMAT;
  vaultId: string;
  exportedAt: string;
  filter: ExportFilter;
  chain: typeof CHAIN_FORMAT;
  checkpoint: CheckpointFile;
}

/** One exported record: every column as stored, and its place in the chain. */
export interface ExportRecord {
  seq: number;
  at: string;
  atMs: number;
  event: string;
  actor: string;
  keyId: string | null;
  outcome: string;
  errorCode: string | null;
  detail: string | null;
  prevHash: string;
  hash: string;
}

export type ExportEntry = ExportRecord | { seq: number; digest: string };

const text = (b: Buffer | null): string | null => (b === null ? null : b.toString('utf8'));

export interface BuiltExport {
  content: string;
  records: number;
}

/** Builds the file from the stored rows 1..checkpoint.seq; `matches` picks the records given in full. */
export function buildExport(db: ReadableDb, header: ExportHeader, format: 'jsonl' | 'csv', matches: (r: ExportRecord) => boolean): BuiltExport {
  const out: string[] = [];
  let records = 0;
  if (format === 'jsonl') out.push(JSON.stringify(header));
  else out.push(CSV_COLUMNS.join(','), csvRow({ kind: 'export', detail: JSON.stringify(header) }));
  const rows = db.prepare(`${CHAIN_ROWS_SQL} WHERE seq <= ? ORDER BY seq`).iterate(header.checkpoint.seq) as IterableIterator<ChainRow>;
  for (const row of rows) {
    const r: ExportRecord = {
      seq: row.seq,
      at: Number.isFinite(row.at) && Math.abs(row.at) < 8.64e15 ? new Date(row.at).toISOString() : String(row.at),
      atMs: row.at,
      event: text(row.event)!,
      actor: text(row.actor)!,
      keyId: text(row.keyId),
      outcome: text(row.outcome)!,
      errorCode: text(row.errorCode),
      detail: text(row.detail),
      prevHash: row.prevHash?.toString('hex') ?? '',
      hash: row.hash?.toString('hex') ?? '',
    };
    if (matches(r)) {
      records++;
      out.push(format === 'jsonl' ? JSON.stringify(r) : csvRow({ kind: 'record', ...r }));
    } else {
      const digest = recordDigest(row).toString('hex');
      out.push(format === 'jsonl' ? JSON.stringify({ seq: row.seq, digest }) : csvRow({ kind: 'digest', seq: row.seq, digest }));
    }
  }
  return { content: out.join('\n') + '\n', records };
}

function csvRow(v: Partial<Record<string, string | number | null>> & { kind: string }): string {
  const cell = (x: string | number | null | undefined): string => (x === null || x === undefined ? '' : typeof x === 'number' ? String(x) : `"${x.replace(/"/g, '""')}"`);
  const byColumn: Record<string, string | number | null | undefined> = {
    ...v,
    at_ms: v.atMs,
    key_id: v.keyId,
    error_code: v.errorCode,
    prev_hash: v.prevHash,
  };
  return CSV_COLUMNS.map((c) => cell(byColumn[c])).join(',');
}
