/**
 * Checks an audit export (export.ts) with no vault: the checkpoint's signature, then the
 * public chain recomputed from every entry up to the checkpoint. Names the first entry
 * by sequence number that does not hash to what the chain says.
 */
import { KwError } from '../api/errors.ts';
import { GENESIS, columnsOf, link, recordDigest, type BreakReason } from './chain.ts';
import { checkCheckpointFile, keyFingerprint } from './checkpoints.ts';
import { CSV_COLUMNS, EXPORT_FORMAT, type ExportEntry, type ExportHeader, type ExportRecord } from './export.ts';

export interface ExportVerdict {
  ok: boolean;
  format: 'jsonl' | 'csv';
  vaultId: string;
  /** Records given in full, and records left out (digest only). */
  records: number;
  digests: number;
  checkpointSeq: number;
  /** The checkpoint's signature verifies under the key it names. */
  signatureValid: boolean;
  /** SHA-256 of the audit key (DER SubjectPublicKeyInfo): compare it with the vault's. */
  auditKeyFingerprint: string;
  brokenAtSeq: number | null;
  reason: BreakReason | 'signatureInvalid' | null;
}

const bad = (line: number, what: string): never => {
  throw new KwError('InvalidParameter', `audit export line ${line}: ${what}`, { line });
};

const HEX64 = /^[0-9a-f]{64}$/;

function asEntry(x: unknown, line: number): ExportEntry {
  if (typeof x !== 'object' || x === null) bad(line, 'not an object');
  const e = x as Record<string, unknown>;
  if (!Number.isSafeInteger(e.seq)) bad(line, 'seq is not an integer');
  if ('digest' in e) {
    if (typeof e.digest !== 'string' || !HEX64.test(e.digest)) bad(line, 'digest is not 64 hex digits');
    return { seq: e.seq as number, digest: e.digest as string };
  }
  const str = (k: string, nullable: boolean) => {
    const v = e[k];
    if (typeof v === 'string' || (nullable && v === null)) return;
    bad(line, `${k} is not ${nullable ? 'text or null' : 'text'}`);
  };
  for (const k of ['event', 'actor', 'outcome', 'prevHash', 'hash']) str(k, false);
  for (const k of ['keyId', 'errorCode', 'detail']) str(k, true);
  if (!Number.isSafeInteger(e.atMs)) bad(line, 'atMs is not an integer');
  return e as unknown as ExportRecord;
}

/** RFC 4180 fields, remembering which were quoted (an unquoted empty field is null). */
function parseCsv(text: string): Array<Array<string | null>> {
  const rows: Array<Array<string | null>> = [];
  let row: Array<string | null> = [];
  let i = 0;
  while (i < text.length) {
    let value: string | null;
    if (text[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) bad(rows.length + 1, 'unterminated quoted field');
        v += text.slice(i, q);
        if (text[q + 1] === '"') {
          v += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      value = v;
    } else {
      let j = i;
      while (j < text.length && text[j] !== ',' && text[j] !== '\n' && text[j] !== '\r') j++;
      value = j === i ? null : text.slice(i, j);
      i = j;
    }
    row.push(value);
    if (text[i] === ',') i++;
    else {
      if (text[i] === '\r') i++;
      if (text[i] === '\n') i++;
      rows.push(row);
      row = [];
    }
  }
  if (row.length) rows.push(row);
  return rows;
}

function fromCsv(text: string): { header: unknown; entries: ExportEntry[] } {
  const rows = parseCsv(text);
  if (rows[0]?.join(',') !== CSV_COLUMNS.join(',')) bad(1, 'not the audit export column row');
  const col = (r: Array<string | null>, c: (typeof CSV_COLUMNS)[number]) => r[CSV_COLUMNS.indexOf(c)] ?? null;
  const first = rows[1];
  if (!first || col(first, 'kind') !== 'export') bad(2, 'the export row is missing');
  let header: unknown;
  try {
    header = JSON.parse(col(first!, 'detail') ?? '');
  } catch {
    bad(2, 'the export row does not hold a JSON header');
  }
  const entries = rows.slice(2).map((r, n) => {
    const line = n + 3;
    const kind = col(r, 'kind');
    const seq = Number(col(r, 'seq'));
    if (kind === 'digest') return asEntry({ seq, digest: col(r, 'digest') }, line);
    if (kind !== 'record') bad(line, `unknown kind ${String(kind).slice(0, 16)}`);
    return asEntry(
      {
        seq,
        at: col(r, 'at'),
        atMs: Number(col(r, 'at_ms')),
        event: col(r, 'event'),
        actor: col(r, 'actor'),
        keyId: col(r, 'key_id'),
        outcome: col(r, 'outcome'),
        errorCode: col(r, 'error_code'),
        detail: col(r, 'detail'),
        prevHash: col(r, 'prev_hash'),
        hash: col(r, 'hash'),
      },
      line,
    );
  });
  return { header, entries };
}

function fromJsonl(text: string): { header: unknown; entries: ExportEntry[] } {
  const lines = text.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1);
  const parsed = lines.map((l, n) => {
    try {
      return JSON.parse(l) as unknown;
    } catch {
      return bad(n + 1, 'not JSON');
    }
  });
  return { header: parsed[0], entries: parsed.slice(1).map((e, n) => asEntry(e, n + 2)) };
}

export function verifyAuditExport(text: string): ExportVerdict {
  const format = text.trimStart().startsWith('{') ? 'jsonl' : 'csv';
  const { header, entries } = format === 'jsonl' ? fromJsonl(text) : fromCsv(text);
  const h = header as Partial<ExportHeader> | undefined;
  if (!h || h.format !== EXPORT_FORMAT) bad(1, `not a ${EXPORT_FORMAT} header`);
  const cp = checkCheckpointFile(h!.checkpoint);
  const verdict = (brokenAtSeq: number | null, reason: ExportVerdict['reason']): ExportVerdict => ({
    ok: reason === null,
    format,
    vaultId: cp.vaultId,
    records: entries.filter((e) => !('digest' in e)).length,
    digests: entries.filter((e) => 'digest' in e).length,
    checkpointSeq: cp.seq,
    signatureValid: cp.signatureValid,
    auditKeyFingerprint: keyFingerprint(cp.publicKey),
    brokenAtSeq,
    reason,
  });
  if (!cp.signatureValid || cp.vaultId !== h!.vaultId) return verdict(null, 'signatureInvalid');
  let prev = GENESIS;
  let expected = 1;
  for (const e of entries) {
    if (e.seq !== expected) return verdict(expected, e.seq > expected ? 'recordMissing' : 'linkBroken');
    if ('digest' in e) prev = link(prev, Buffer.from(e.digest, 'hex'));
    else {
      if (e.prevHash !== prev.toString('hex')) return verdict(e.seq, 'linkBroken');
      const hash = link(prev, recordDigest(columnsOf(e.seq, e.atMs, { ...e, detailText: e.detail })));
      if (e.hash !== hash.toString('hex')) return verdict(e.seq, 'recordAltered');
      prev = hash;
    }
    expected++;
  }
  if (expected - 1 < cp.seq) return verdict(expected, 'truncated');
  if (expected - 1 > cp.seq) return verdict(cp.seq + 1, 'beyondHead');
  if (!prev.equals(cp.hash)) return verdict(cp.seq, 'checkpointMismatch');
  return verdict(null, null);
}
