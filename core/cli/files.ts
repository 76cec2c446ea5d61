/**
 * Files named on the command line. A missing file, a folder, or one we may not read is a
 * FileNotAccessible error naming the path and the flag it came from, never a stack trace.
 * Inputs are bounded before they are read: no request of the contract is larger.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { KwError } from '../api/errors.ts';

/** Larger than any request of the contract, so oversized inputs still reach the schema's own field message. */
const MAX_INPUT_BYTES = 64 * 1024 * 1024;

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'is a folder, not a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of the path is not a folder',
};

function fileError(path: string, flag: string, reason: string): KwError {
  return new KwError('FileNotAccessible', `${flag} ${path}: ${reason}`, { path, flag, reason });
}

function explain(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  return REASONS[code] ?? (code || 'cannot be accessed');
}

export function readInputFile(path: string, flag: string): Buffer {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw fileError(path, flag, REASONS.EISDIR as string);
    size = st.size;
  } catch (e) {
    if (e instanceof KwError) throw e;
    throw fileError(path, flag, explain(e));
  }
  if (size > MAX_INPUT_BYTES) throw new KwError('InvalidParameter', `${flag} ${path}: larger than ${MAX_INPUT_BYTES} bytes`, { path, flag });
  try {
    return readFileSync(path);
  } catch (e) {
    throw fileError(path, flag, explain(e));
  }
}

export function readInputText(path: string, flag: string): string {
  return readInputFile(path, flag).toString('utf8');
}

/** Written 0600: outputs are often key material or files a target console will import. */
export function writeOutputFile(path: string, data: string | Uint8Array, flag: string): void {
  try {
    writeFileSync(path, data, { mode: 0o600 });
  } catch (e) {
    throw fileError(path, flag, explain(e));
  }
}
