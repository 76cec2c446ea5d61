/**
 * UI benchmarks in Debian's Chromium over the browser shell: time to first paint, and
 * the key list with 100,000 keys (first render, search, state filter, deep scroll).
 * The vault is seeded by inserting catalogue rows directly (metadata only; listing never
 * touches key material), which only a benchmark may do. Run alone: `tsx bench/ui.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { Keywarden } from '../core/service/keywarden.ts';
import { startShell } from '../core/shell/server.ts';

export interface UiBenchResult {
  keys: number;
  firstPaintMs: number;
  readyMs: number;
  listFirstRenderMs: number;
  searchMs: number;
  stateFilterMs: number;
  deepScrollMs: number;
}

const PASS = 'bench-passphrase-1';
const SPECS = ['AES_256', 'SM4', 'RSA_2048', 'EC_P256', 'SM2'] as const;

function seedKeys(kw: Keywarden, n: number): void {
  const db = kw.services.db;
  const insertKey = db.prepare(
    'INSERT INTO keys (id, spec, usage, protection_level, origin, state, description, created_at, updated_at, primary_version_id) VALUES (?,?,?,?,?,?,?,?,?,?)',
  );
  const insertAlias = db.prepare('INSERT INTO aliases (alias, key_id, created_at, updated_at) VALUES (?,?,?,?)');
  const t0 = Date.now() - n * 1000;
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const id = randomUUID();
      const spec = SPECS[i % SPECS.length]!;
      const usage = spec === 'EC_P256' ? 'SIGN_VERIFY' : 'ENCRYPT_DECRYPT';
      const at = t0 + i * 1000;
      insertKey.run(id, spec, usage, 'SOFTWARE', 'KMS', i % 10 === 0 ? 'Disabled' : 'Enabled', `bench key ${i}`, at, at, null);
      insertAlias.run(`alias/bench-${i}`, id, at, at);
    }
  })();
}

function buildRenderer(out: string): string {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/build.mjs'), 'renderer'], { cwd: root, env: { ...process.env, KW_BUILD_OUT: out }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`renderer build failed: ${r.stderr}`);
  return join(out, 'renderer');
}

export async function benchUi(keyCount = 100_000): Promise<UiBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'kw-bench-ui-'));
  const kw = await Keywarden.open({ vaultDir: join(dir, 'vault'), scryptCost: { N: 1024, r: 8, p: 1 }, schedulerIntervalMs: 0 });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    await kw.call('initVault', { passphrase: PASS }, { actor: 'bench' });
    seedKeys(kw, keyCount);
    await kw.call('lockVault', {}, { actor: 'bench' });
    const shell = await startShell({ keywarden: kw, rendererDir: buildRenderer(join(dir, 'build')) });
    const page = await (await browser.newContext({ locale: 'en-US', viewport: { width: 1366, height: 860 } })).newPage();
    const t0 = Date.now();
    await page.goto(shell.url);
    await page.waitForSelector('html[data-ready="true"]');
    const readyMs = Date.now() - t0;
    const firstPaintMs = await page.evaluate(() => {
      const e = performance.getEntriesByName('first-contentful-paint')[0] ?? performance.getEntriesByName('first-paint')[0];
      return e ? Math.round(e.startTime) : -1;
    });
    await page.fill('[data-testid=passphrase]', PASS);
    await page.click('[data-testid=unlock-submit]');
    await page.waitForSelector('[data-testid=screen-overview]');

    const timed = async (fn: () => Promise<unknown>) => {
      const s = Date.now();
      await fn();
      return Date.now() - s;
    };
    const listFirstRenderMs = await timed(async () => {
      await page.click('[data-testid=nav-keys]');
      await page.waitForSelector(`[data-testid=key-total]:has-text("${keyCount} in total")`);
      await page.waitForSelector('[data-testid=key-row]');
    });
    const target = Math.floor(keyCount / 2);
    const searchMs = await timed(async () => {
      await page.fill('[data-testid=key-search]', `bench-${target}`);
      await page.waitForSelector(`[data-testid=key-row] >> text=alias/bench-${target}`);
    });
    await page.fill('[data-testid=key-search]', '');
    await page.waitForSelector(`[data-testid=key-total]:has-text("${keyCount} in total")`);
    const stateFilterMs = await timed(async () => {
      await page.selectOption('[data-testid=filter-state]', 'Disabled');
      await page.waitForSelector(`[data-testid=key-total]:has-text("${Math.ceil(keyCount / 10)} in total")`);
      await page.waitForSelector('[data-testid=key-row]');
    });
    await page.selectOption('[data-testid=filter-state]', '');
    await page.waitForSelector(`[data-testid=key-total]:has-text("${keyCount} in total")`);
    const deepScrollMs = await timed(async () => {
      await page.evaluate((rows) => {
        const el = document.querySelector('[data-testid=key-rows]')!;
        el.scrollTop = rows * 36;
      }, target);
      await page.waitForFunction(
        (idx) => {
          const rows = [...document.querySelectorAll('[data-testid=key-rows] [aria-rowindex]')].map((r) => Number(r.getAttribute('aria-rowindex')));
          return rows.some((r) => r >= idx) && document.querySelectorAll('[data-testid=key-row-loading]').length === 0;
        },
        target,
      );
    });
    await shell.close();
    return { keys: keyCount, firstPaintMs, readyMs, listFirstRenderMs, searchMs, stateFilterMs, deepScrollMs };
  } finally {
    await browser.close();
    kw.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function main(): Promise<void> {
  const n = Number(process.env.KW_BENCH_UI_KEYS ?? 100_000);
  console.log(`UI (Chromium over the browser shell, ${n.toLocaleString('en')} keys)`);
  const r = await benchUi(n);
  const line = (label: string, ms: number) => console.log(`  ${label.padEnd(52)} ${String(ms).padStart(8)} ms`);
  line('first contentful paint', r.firstPaintMs);
  line('navigation to ready (status loaded)', r.readyMs);
  line('key list: first render with total', r.listFirstRenderMs);
  line('key list: search by alias', r.searchMs);
  line('key list: filter by state', r.stateFilterMs);
  line('key list: scroll to the middle, rows loaded', r.deepScrollMs);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
