/**
 * `npm run bench`: every figure is printed next to a baseline measured in the same
 * process on the same machine, as a ratio, and next to the reference KMS's published
 * per-instance QPS (2,000 symmetric / 300 asymmetric). Nothing here asserts a time.
 */
import { benchNodeAesGcm, benchSmCryptoSm2Sign, benchSuiteRsaSign, benchSuiteSm2Sign, type BenchResult } from './crypto-raw.ts';
import { runCoreBenchmarks } from './core.ts';
import { opensslSuite } from '../core/crypto/openssl-suite.ts';
import { pureSuite } from '../core/crypto/pure-suite.ts';

const SEED_QPS = { symmetric: 2000, asymmetric: 300 } as const;
const durationMs = Number(process.env.KW_BENCH_MS ?? 1000);

function row(r: BenchResult, baseline: BenchResult | null, seed: number | null, target?: string): string {
  const ratio = baseline ? ` ${(r.opsPerSec / baseline.opsPerSec).toFixed(2)}× of "${baseline.name}"` : '';
  const vsSeed = seed ? `, ${(r.opsPerSec / seed).toFixed(1)}× the reference KMS's ${seed} QPS` : '';
  return `  ${r.name.padEnd(52)} ${String(r.opsPerSec).padStart(8)} ops/s${ratio}${vsSeed}${target ? `  [target ${target}]` : ''}`;
}

async function main(): Promise<void> {
  const opts = { durationMs };
  console.log(`Keywarden benchmarks (${durationMs} ms per figure, Node ${process.version})\n`);

  console.log('Baselines (raw libraries)');
  const rawAes = benchNodeAesGcm(64, opts);
  const rawSm2 = benchSmCryptoSm2Sign(opts);
  const rawRsa = benchSuiteRsaSign(opensslSuite, undefined, opts);
  for (const r of [rawAes, rawSm2, rawRsa]) console.log(row(r, null, null));

  console.log('\nSuites');
  const pureSm2 = benchSuiteSm2Sign(pureSuite, opts);
  console.log(row(pureSm2, rawSm2, null, '≥ 2,000/s on the pure path'));
  console.log(row(benchSuiteSm2Sign(opensslSuite, opts), rawSm2, null));

  console.log('\nThrough the core (schema, state checks, unseal, crypto, audit)');
  const core = await runCoreBenchmarks(opts);
  console.log(row(core.encrypt!, rawAes, SEED_QPS.symmetric, '≥ 0.5× raw and ≥ 20,000/s'));
  console.log(row(core.encryptSm4!, rawAes, SEED_QPS.symmetric));
  console.log(row(core.decrypt!, rawAes, SEED_QPS.symmetric));
  console.log(row(core.generateDataKey!, rawAes, SEED_QPS.symmetric));
  console.log(row(core.sm2Sign!, rawSm2, SEED_QPS.asymmetric));
  console.log(row(core.rsaSign!, rawRsa, SEED_QPS.asymmetric));

  for (const extra of ['./hsm.ts', './ui.ts']) {
    try {
      const mod = (await import(extra)) as { main?: () => Promise<void> };
      if (mod.main) {
        console.log('');
        await mod.main();
      }
    } catch (e) {
      if ((e as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw e;
    }
  }
}

await main();
