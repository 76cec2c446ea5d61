/** `kw audit …`: list, verify (with a checkpoint file), checkpoint, export, and verify-export with no vault. */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { KwError } from '../api/errors.ts';
import { verifyAuditExport } from '../audit/export-verify.ts';
import type { ParsedArgs } from './args.ts';

export const AUDIT_USAGE = `  kw [--vault DIR] audit list [--event E] [--actor A] [--key KEY] [--resource-type key|certificate|token|vault|audit] [--level normal|warning|incident] [--page N] [--page-size N]
  kw [--vault DIR] audit verify [--checkpoint FILE]   check every record, the sealed head and checkpoints; names the first broken record (exit 2 when broken)
  kw [--vault DIR] audit checkpoint --out FILE        sign a checkpoint of the audit chain now and write it (a small JSON file)
  kw [--vault DIR] audit export --out FILE [--format jsonl|csv] [--from ISO] [--to ISO] [--actor A] [--event E] [--resource-type T] [--level L]
  kw audit verify-export FILE                         check an export with no vault (exit 2 when broken)
`;

type Call = (op: string, req: unknown) => Promise<unknown>;

const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

/** Reads a file the officer named; a missing, unreadable or oversized one is a typed error naming it. */
function readNamedFile(path: string | undefined, what: string, maxBytes: number): string {
  if (!path) throw new KwError('MissingParameter', `give ${what}`);
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Error('not a regular file');
    size = st.size;
  } catch (e) {
    throw new KwError('InvalidParameter', `${what} ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot be read as a file'}`, { field: what });
  }
  if (size > maxBytes) throw new KwError('InvalidParameter', `${what} ${path}: larger than ${maxBytes} bytes`, { field: what });
  return readFileSync(path, 'utf8');
}

function writeNamedFile(path: string | undefined, content: string): string {
  if (!path) throw new KwError('MissingParameter', 'give --out FILE');
  try {
    writeFileSync(path, content, { mode: 0o600 });
  } catch {
    throw new KwError('InvalidParameter', `--out ${path}: cannot be written`, { field: 'out' });
  }
  return path;
}

function filters(a: ParsedArgs): Record<string, string> {
  const f: Record<string, string | undefined> = {
    event: str(a.values.event),
    actor: str(a.values.actor),
    resourceType: str(a.values['resource-type']),
    level: str(a.values.level),
  };
  return Object.fromEntries(Object.entries(f).filter((e): e is [string, string] => e[1] !== undefined));
}

/** `kw audit verify-export FILE`: no vault is opened. */
export function auditVerifyExport(file: string | undefined): unknown {
  const verdict = verifyAuditExport(readNamedFile(file, 'the export file', 512 * 1024 * 1024));
  if (!verdict.ok) process.exitCode = 2;
  return verdict;
}

export async function auditCommand(sub: string | undefined, a: ParsedArgs, call: Call): Promise<unknown> {
  switch (sub) {
    case 'list':
      return call('listAuditEvents', {
        ...filters(a),
        ...(str(a.values.key) ? { keyId: str(a.values.key) } : {}),
        ...(str(a.values.page) ? { pageNumber: Number(a.values.page) } : {}),
        ...(str(a.values['page-size']) ? { pageSize: Number(a.values['page-size']) } : {}),
      });
    case 'verify': {
      const file = str(a.values.checkpoint);
      let checkpoint: unknown;
      if (file !== undefined) {
        try {
          checkpoint = JSON.parse(readNamedFile(file, '--checkpoint', 64 * 1024));
        } catch (e) {
          if (e instanceof KwError) throw e;
          throw new KwError('InvalidParameter', `--checkpoint ${file}: not JSON`, { field: 'checkpoint' });
        }
      }
      const verdict = (await call('verifyAuditChain', checkpoint === undefined ? {} : { checkpoint })) as { ok: boolean };
      if (!verdict.ok) process.exitCode = 2;
      return verdict;
    }
    case 'checkpoint': {
      const out = str(a.values.out);
      if (!out) throw new KwError('MissingParameter', 'give --out FILE');
      const { checkpoint } = (await call('createAuditCheckpoint', {})) as { checkpoint: { seq: number; hash: string } };
      return { written: writeNamedFile(out, JSON.stringify(checkpoint, null, 2) + '\n'), seq: checkpoint.seq, hash: checkpoint.hash };
    }
    case 'export': {
      const out = str(a.values.out);
      if (!out) throw new KwError('MissingParameter', 'give --out FILE');
      const r = (await call('exportAuditLog', {
        format: str(a.values.format) ?? 'jsonl',
        ...(str(a.values.from) ? { from: str(a.values.from) } : {}),
        ...(str(a.values.to) ? { to: str(a.values.to) } : {}),
        ...filters(a),
      })) as { content: string; format: string; records: number; checkpointSeq: number };
      return { written: writeNamedFile(out, r.content), format: r.format, records: r.records, checkpointSeq: r.checkpointSeq };
    }
    default:
      throw new KwError('InvalidParameter', `unknown command: audit ${sub ?? ''} (kw --help)`);
  }
}
