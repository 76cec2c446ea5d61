/** A real Keywarden in a fresh temp vault with a low scrypt cost, for UI-layer tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Keywarden } from '../../core/service/keywarden.ts';
import { startShell, type RunningShell } from '../../core/shell/server.ts';

export const TEST_PASSPHRASE = 'correct-Horse-battery-9';

export async function tempKeywarden(init = true): Promise<{ kw: Keywarden; dir: string; dispose(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'kw-ui-'));
  const kw = await Keywarden.open({ vaultDir: dir, scryptCost: { N: 1024, r: 8, p: 1 }, schedulerIntervalMs: 0 });
  if (init) {
    const r = await kw.call('initVault', { passphrase: TEST_PASSPHRASE }, { actor: 'test' });
    if (!r.ok) throw new Error(r.error.code);
  }
  return {
    kw,
    dir,
    dispose() {
      kw.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Builds the renderer into a temp folder (tests never touch dist/); returns the folder. */
export function buildRendererForTest(): { dir: string; dispose(): void } {
  const out = mkdtempSync(join(tmpdir(), 'kw-build-'));
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/build.mjs'), 'renderer'], { cwd: root, env: { ...process.env, KW_BUILD_OUT: out }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`renderer build failed: ${r.stderr}`);
  return { dir: join(out, 'renderer'), dispose: () => rmSync(out, { recursive: true, force: true }) };
}

/** A shell over a fresh unlocked vault and a built renderer; `close` tears all three down. */
export async function startTestShell(): Promise<{ shell: RunningShell; rendererDir: string; close(): Promise<void> }> {
  const built = buildRendererForTest();
  const { kw, dispose } = await tempKeywarden();
  const shell = await startShell({ keywarden: kw, rendererDir: built.dir });
  return {
    shell,
    rendererDir: built.dir,
    async close() {
      await shell.close();
      dispose();
      built.dispose();
    },
  };
}
