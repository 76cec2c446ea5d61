/**
 * End-to-end fixture: the real renderer, served by the real browser shell over a real
 * core with a fresh vault, driven in Debian's Chromium. Each test gets its own vault
 * folder and browser context, torn down after; pages are used only after the app sets
 * its explicit ready flag (html[data-ready]).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startShell, type RunningShell } from '../../core/shell/server.ts';
import { buildRendererForTest, tempKeywarden, TEST_PASSPHRASE } from '../ui/helpers.ts';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const SCREENSHOTS = fileURLToPath(new URL('../../test-artifacts/screenshots/', import.meta.url));

export interface Suite {
  browser: Browser;
  rendererDir: string;
  close(): Promise<void>;
}

export async function openSuite(): Promise<Suite> {
  const built = buildRendererForTest();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: [...CHROMIUM_ARGS, '--lang=zh-CN'] });
  return {
    browser,
    rendererDir: built.dir,
    async close() {
      await browser.close();
      built.dispose();
    },
  };
}

export interface Console {
  page: Page;
  context: BrowserContext;
  shell: RunningShell;
  close(): Promise<void>;
}

/** A fresh vault, a shell on a random port, and a page that has signalled ready. */
export async function openConsole(suite: Suite, locale = 'zh-CN'): Promise<Console> {
  const { kw, dispose } = await tempKeywarden(false);
  const shell = await startShell({ keywarden: kw, rendererDir: suite.rendererDir });
  const context = await suite.browser.newContext({ locale, viewport: { width: 1366, height: 860 }, acceptDownloads: true });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(shell.url);
  await page.waitForSelector('html[data-ready="true"]');
  return {
    page,
    context,
    shell,
    async close() {
      await context.close();
      await shell.close();
      dispose();
    },
  };
}

/** First run: create the vault through the UI and land on the overview. */
export async function createVault(page: Page): Promise<void> {
  await page.fill('[data-testid=passphrase]', TEST_PASSPHRASE);
  await page.fill('[data-testid=passphrase-confirm]', TEST_PASSPHRASE);
  await page.click('[data-testid=unlock-submit]');
  await page.waitForSelector('[data-testid=screen-overview]');
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Creates a key through the dialog; returns its id from the success notice. */
export async function createKeyViaDialog(page: Page, o: { spec: string; alias?: string; usage?: string }): Promise<string> {
  await page.click('[data-testid=create-key]');
  await page.waitForSelector('[data-testid=create-key-dialog]');
  await page.selectOption('[data-testid=ck-spec]', o.spec);
  if (o.usage) await page.check(`[data-testid=ck-usage-${o.usage}]`);
  if (o.alias) await page.fill('[data-testid=ck-alias]', o.alias);
  await page.click('[data-testid=create-key-submit]');
  await page.waitForSelector('[data-testid=create-key-dialog]', { state: 'detached' });
  const notice = await page.locator('.notice').last().innerText();
  const id = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(notice)?.[0];
  if (!id) throw new Error(`no key id in notice: ${notice}`);
  return id;
}
