/**
 * The shape every `npm run bench` figure takes: a comparison of our code against a
 * baseline that is never our own code — node:crypto used well (a reused KeyObject, one
 * call per operation) — and, where `openssl` is installed, `openssl speed` run in the
 * same process. The baseline and every contender are measured in interleaved rounds and
 * each ratio is the median of the per-round ratios, so load from other work on a shared
 * machine hits both sides alike. Nothing here asserts a time: targets are printed as
 * met or missed.
 *
 * Adding a row: build a `Comparison` (see bench/asymmetric.ts) and return it from a
 * section listed in bench/run.ts.
 */
import type { BenchOptions, BenchResult } from './crypto-raw.ts';

export type Op = () => unknown;

export interface Target {
  /** Lowest acceptable contender/baseline ratio (median of rounds). */
  minRatio?: number;
  /** Which baseline the ratio is taken against (default: raw). */
  of?: 'raw' | 'openssl';
  /** Lowest acceptable rate, in the comparison's unit. */
  minRate?: number;
}

export interface Contender {
  label: string;
  op: Op;
  target?: Target;
}

export interface Comparison {
  title: string;
  /** Per-operation payload for MiB/s figures; absent for ops/s. */
  bytesPerOp?: number;
  raw: { label: string; op: Op };
  /** `openssl speed` in this run (operations or bytes per second); null when openssl is absent. */
  openssl?: { label: string; perSec: number } | null;
  contenders: Contender[];
}

export interface ContenderResult {
  label: string;
  rate: number;
  ratio: number;
  opensslRatio: number | null;
  target?: Target;
  met: boolean | null;
}

export interface ComparisonResult {
  title: string;
  unit: 'ops/s' | 'MiB/s';
  raw: { label: string; rate: number };
  openssl: { label: string; rate: number } | null;
  contenders: ContenderResult[];
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Runs op (sync, or async when it returns a promise) for about durationMs after a warm-up. */
export async function measureOp(name: string, op: Op, durationMs: number): Promise<BenchResult> {
  const first = op();
  const isAsync = first instanceof Promise;
  if (isAsync) await first;
  const batch = 10;
  if (isAsync) for (let i = 0; i < batch; i++) await op();
  else for (let i = 0; i < batch; i++) op();
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < durationMs) {
    if (isAsync) for (let i = 0; i < batch; i++) await op();
    else for (let i = 0; i < batch; i++) op();
    ops += batch;
    now = performance.now();
  }
  const ms = now - start;
  return { name, ops, ms, opsPerSec: (ops * 1000) / ms };
}

export const rounds = (): number => Math.max(1, Number(process.env.KW_BENCH_ROUNDS ?? 3));

function checkTarget(t: Target | undefined, rate: number, ratio: number, opensslRatio: number | null): boolean | null {
  if (!t) return null;
  const r = t.of === 'openssl' ? opensslRatio : ratio;
  if (t.minRatio !== undefined && (r === null || r < t.minRatio)) return false;
  if (t.minRate !== undefined && rate < t.minRate) return false;
  return true;
}

/** Measures the baseline and every contender in `rounds()` interleaved rounds. */
export async function runComparison(c: Comparison, opts: BenchOptions = {}): Promise<ComparisonResult> {
  const n = rounds();
  const slice = (opts.durationMs ?? 1000) / n;
  const toRate = (opsPerSec: number): number => (c.bytesPerOp ? (opsPerSec * c.bytesPerOp) / 2 ** 20 : opsPerSec);
  const rawRates: number[] = [];
  const rates = c.contenders.map(() => [] as number[]);
  const ratios = c.contenders.map(() => [] as number[]);
  for (let r = 0; r < n; r++) {
    const raw = toRate((await measureOp(c.raw.label, c.raw.op, slice)).opsPerSec);
    rawRates.push(raw);
    for (const [i, k] of c.contenders.entries()) {
      const rate = toRate((await measureOp(k.label, k.op, slice)).opsPerSec);
      rates[i]!.push(rate);
      ratios[i]!.push(rate / raw);
    }
  }
  const openssl = c.openssl ? { label: c.openssl.label, rate: c.bytesPerOp ? c.openssl.perSec / 2 ** 20 : c.openssl.perSec } : null;
  return {
    title: c.title,
    unit: c.bytesPerOp ? 'MiB/s' : 'ops/s',
    raw: { label: c.raw.label, rate: median(rawRates) },
    openssl,
    contenders: c.contenders.map((k, i) => {
      const rate = median(rates[i]!);
      const ratio = median(ratios[i]!);
      const opensslRatio = openssl ? rate / openssl.rate : null;
      return { label: k.label, rate, ratio, opensslRatio, ...(k.target ? { target: k.target } : {}), met: checkTarget(k.target, rate, ratio, opensslRatio) };
    }),
  };
}

const fmtRate = (x: number, unit: string): string => (unit === 'MiB/s' ? x.toFixed(1) : Math.round(x).toLocaleString('en')).padStart(9);

function targetText(t: Target, unit: string): string {
  const parts: string[] = [];
  if (t.minRatio !== undefined) parts.push(`≥ ${t.minRatio}× ${t.of ?? 'raw'}`);
  if (t.minRate !== undefined) parts.push(`≥ ${t.minRate.toLocaleString('en')} ${unit}`);
  return parts.join(' and ');
}

export function formatComparison(r: ComparisonResult): string {
  const w = 46;
  const lines = [`  ${r.title} (${r.unit})`, `    ${r.raw.label.padEnd(w)} ${fmtRate(r.raw.rate, r.unit)}  baseline`];
  if (r.openssl) lines.push(`    ${r.openssl.label.padEnd(w)} ${fmtRate(r.openssl.rate, r.unit)}  ${(r.openssl.rate / r.raw.rate).toFixed(2)}× raw`);
  for (const k of r.contenders) {
    const vsOpenssl = k.opensslRatio === null ? '' : `, ${k.opensslRatio.toFixed(2)}× openssl`;
    const target = k.target ? `  [target ${targetText(k.target, r.unit)}: ${k.met ? 'met' : 'MISSED'}]` : '';
    lines.push(`    ${k.label.padEnd(w)} ${fmtRate(k.rate, r.unit)}  ${k.ratio.toFixed(2)}× raw${vsOpenssl}${target}`);
  }
  return lines.join('\n');
}

/** One line per target, for the end of the run. */
export function formatTargets(results: ComparisonResult[]): string[] {
  return results.flatMap((r) =>
    r.contenders
      .filter((k) => k.target)
      .map((k) => `  ${k.met ? 'met   ' : 'MISSED'} ${r.title} — ${k.label}: ${k.ratio.toFixed(2)}× raw, ${fmtRate(k.rate, r.unit).trim()} ${r.unit} (target ${targetText(k.target!, r.unit)})`),
  );
}
