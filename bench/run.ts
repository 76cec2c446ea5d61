/**
 * `npm run bench`: every figure is printed beside a baseline that is not our code —
 * node:crypto used well and `openssl speed` — measured in the same run, as a ratio
 * (medians of interleaved rounds; see bench/table.ts). Nothing here asserts a time.
 *
 * KW_BENCH_MS      wall-clock budget per figure (default 1000), split over the rounds
 * KW_BENCH_ROUNDS  interleaved rounds per comparison (default 3)
 * KW_BENCH_OPENSSL_SECONDS  seconds per `openssl speed` direction (default 2)
 * KW_BENCH_ONLY    comma-separated section keys to run (default: all)
 *
 * A new section is one entry in SECTIONS: a function from the bench vault to comparisons.
 */
import { asymmetricComparisons } from './asymmetric.ts';
import { openBenchVault, type BenchVault } from './core.ts';
import { sm4Comparisons } from './sm4.ts';
import { symmetricComparisons } from './symmetric.ts';
import { formatComparison, formatTargets, runComparison, rounds, type Comparison, type ComparisonResult } from './table.ts';

interface Section {
  key: string;
  title: string;
  comparisons(vault: BenchVault): Promise<Comparison[]>;
}

const SECTIONS: Section[] = [
  { key: 'symmetric', title: 'Symmetric, through the core', comparisons: symmetricComparisons },
  { key: 'asymmetric', title: 'Asymmetric: both suites and the core', comparisons: asymmetricComparisons },
  { key: 'sm4', title: 'SM4-GCM, both suites', comparisons: sm4Comparisons },
];

/** Sections that print their own tables (`main()`), run after the comparisons. */
const STANDALONE = [
  { key: 'hsm', module: './hsm.ts' },
  { key: 'ui', module: './ui.ts' },
  { key: 'custody', module: './custody.ts' },
];

const durationMs = Number(process.env.KW_BENCH_MS ?? 1000);
const only = process.env.KW_BENCH_ONLY ? new Set(process.env.KW_BENCH_ONLY.split(',').map((s) => s.trim())) : null;
const wanted = (key: string): boolean => !only || only.has(key);

async function main(): Promise<void> {
  console.log(`Keywarden benchmarks (${durationMs} ms per figure in ${rounds()} interleaved rounds, Node ${process.version})`);
  console.log('Ratios are medians of per-round ratios to the baseline measured beside them; openssl speed runs with -elapsed.\n');
  const results: ComparisonResult[] = [];
  const vault = await openBenchVault();
  try {
    for (const s of SECTIONS.filter((x) => wanted(x.key))) {
      console.log(s.title);
      for (const c of await s.comparisons(vault)) {
        const r = await runComparison(c, { durationMs });
        results.push(r);
        console.log(formatComparison(r));
      }
      console.log('');
    }
  } finally {
    vault.close();
  }
  for (const extra of STANDALONE.filter((x) => wanted(x.key))) {
    const mod = (await import(extra.module)) as { main?: () => Promise<void> };
    if (mod.main) {
      await mod.main();
      console.log('');
    }
  }
  const targets = formatTargets(results);
  if (targets.length) console.log(['Targets (ratios in this run)', ...targets].join('\n'));
}

await main();
