/**
 * Finds and reads the external test vectors (never edited, see their README):
 * `../shared/vectors` next to the repo root, or KW_VECTORS_DIR. Also a tally that counts
 * outcomes per file and per suite and records Wycheproof "acceptable" results.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export function vectorsDir(): string {
  const dir = process.env.KW_VECTORS_DIR ?? resolve(repoRoot, '..', 'shared', 'vectors');
  if (!existsSync(join(dir, 'README.md'))) throw new Error(`test vectors not found at ${dir}; set KW_VECTORS_DIR`);
  return dir;
}

export const hex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export interface WycheproofTest {
  tcId: number;
  comment: string;
  flags: string[];
  result: 'valid' | 'invalid' | 'acceptable';
  [field: string]: unknown;
}
export interface WycheproofGroup {
  tests: WycheproofTest[];
  [field: string]: unknown;
}
export interface WycheproofFile {
  algorithm: string;
  numberOfTests: number;
  testGroups: WycheproofGroup[];
}

export function loadWycheproof(name: string): WycheproofFile {
  return JSON.parse(readFileSync(join(vectorsDir(), 'wycheproof', 'testvectors_v1', name), 'utf8')) as WycheproofFile;
}

/** OpenSSL evp test recipes: blank-line separated `Key = Value` blocks; '#' starts a comment. */
export function loadOpensslRecipes(relPath: string): Record<string, string>[] {
  const text = readFileSync(join(vectorsDir(), relPath), 'utf8');
  const blocks: Record<string, string>[] = [];
  let cur: Record<string, string> = {};
  let pem: string[] | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    // PEM bodies (PrivateKey = ... blocks) are gathered whole into the `PEM` field.
    if (line.startsWith('-----BEGIN')) pem = [];
    if (pem) {
      pem.push(line);
      if (line.startsWith('-----END')) {
        cur['PEM'] = pem.join('\n');
        pem = undefined;
      }
      continue;
    }
    if (line.startsWith('#')) continue;
    if (line === '') {
      if (Object.keys(cur).length > 0) blocks.push(cur);
      cur = {};
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    cur[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  if (Object.keys(cur).length > 0) blocks.push(cur);
  return blocks;
}

export function loadJson<T>(relPath: string): T {
  return JSON.parse(readFileSync(join(vectorsDir(), relPath), 'utf8')) as T;
}

/** Counts outcomes; `wrongAccepts` and `validRejected` must end empty. */
export class Tally {
  validAccepted = 0;
  invalidRejected = 0;
  notApplicable = 0;
  readonly acceptable: string[] = [];
  readonly wrongAccepts: number[] = [];
  readonly validRejected: number[] = [];
  constructor(readonly label: string) {}

  record(t: WycheproofTest, accepted: boolean): void {
    if (t.result === 'acceptable') this.acceptable.push(`tc${t.tcId}:${accepted ? 'accepted' : 'rejected'}`);
    else if (t.result === 'valid') {
      if (accepted) this.validAccepted++;
      else this.validRejected.push(t.tcId);
    } else if (accepted) this.wrongAccepts.push(t.tcId);
    else this.invalidRejected++;
  }

  skip(): void {
    this.notApplicable++;
  }

  report(): string {
    const acc = this.acceptable.length > 0 ? ` acceptable[${this.acceptable.join(' ')}]` : '';
    return (
      `${this.label}: valid ok ${this.validAccepted}, invalid rejected ${this.invalidRejected}, ` +
      `wrong accepts ${this.wrongAccepts.length}, valid rejected ${this.validRejected.length}, n/a ${this.notApplicable}${acc}`
    );
  }
}

/** Runs f and reports whether it returned true without throwing. */
export function accepts(f: () => boolean): boolean {
  try {
    return f();
  } catch {
    return false;
  }
}
