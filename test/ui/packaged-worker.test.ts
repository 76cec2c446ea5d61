import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TokenBridge } from '../../core/pkcs11/bridge.ts';
import { SoftHsmFixture } from '../pkcs11/softhsm.ts';

/**
 * The packaged app has no tsx: its main process forks the bundled bridge worker with no
 * Node flags. That bundle must load a real module and answer the protocol on its own.
 */
test('the bundled PKCS#11 worker runs without tsx and serves a SoftHSM2 token', async () => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  // Built inside the checkout so the bundle's external packages (pkcs11js) resolve.
  const out = mkdtempSync(join(root, '.tmp-build-'));
  const hsm = new SoftHsmFixture('packaged');
  try {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/build.mjs'), 'electron'], { cwd: root, env: { ...process.env, KW_BUILD_OUT: out }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    hsm.initToken('packaged');
    const bridge = new TokenBridge({ modulePath: hsm.module, env: hsm.env, workerScript: join(out, 'electron/pkcs11-worker.mjs'), execArgv: [] });
    try {
      const tokens = await bridge.listTokens();
      assert.ok(tokens.some((t) => t.label === 'packaged'));
      assert.equal((await bridge.generateRandom({ label: 'packaged' }, 16)).length, 16);
    } finally {
      await bridge.close();
    }
  } finally {
    hsm.cleanup();
    rmSync(out, { recursive: true, force: true });
  }
});
