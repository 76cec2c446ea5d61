import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { OPERATION_NAMES } from '../../core/api/contract.ts';

test('the built preload exposes exactly one function per contract operation and no ipcRenderer', async () => {
  const out = mkdtempSync(join(tmpdir(), 'kw-preload-'));
  try {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/build.mjs'), 'electron'], { cwd: root, env: { ...process.env, KW_BUILD_OUT: out }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const code = readFileSync(join(out, 'electron/preload.cjs'), 'utf8');
    const exposed: Record<string, unknown> = {};
    const invoked: Array<[string, unknown]> = [];
    const requires: string[] = [];
    const electron = {
      contextBridge: { exposeInMainWorld: (name: string, api: unknown) => void (exposed[name] = api) },
      ipcRenderer: { invoke: async (ch: string, req: unknown) => (invoked.push([ch, req]), { ok: true, value: null }) },
    };
    // The sandboxed preload may require only 'electron'.
    vm.runInNewContext(code, { require: (m: string) => (requires.push(m), m === 'electron' ? electron : undefined), module: { exports: {} }, exports: {} });
    assert.deepEqual([...new Set(requires)], ['electron']);
    assert.deepEqual(Object.keys(exposed), ['keywarden', 'keywardenHost']);
    const api = exposed.keywarden as Record<string, (req: unknown) => Promise<unknown>>;
    assert.deepEqual(Object.keys(api).sort(), [...OPERATION_NAMES].sort());
    assert.ok(Object.isFrozen(api));
    assert.ok(!('ipcRenderer' in api) && !('invoke' in api));
    await api.getRandom!({ numberOfBytes: 4 });
    assert.deepEqual(invoked, [['kw:getRandom', { numberOfBytes: 4 }]]);
    // The host functions take no argument from the renderer: no path crosses.
    const host = exposed.keywardenHost as Record<string, (...a: unknown[]) => Promise<unknown>>;
    assert.deepEqual(Object.keys(host).sort(), ['pickTokenModule', 'tokenModuleChoices']);
    assert.ok(Object.isFrozen(host));
    await host.pickTokenModule!('/tmp/evil.so');
    await host.tokenModuleChoices!('/tmp/evil.so');
    assert.deepEqual(invoked.slice(1), [['kw-host:pickTokenModule', undefined], ['kw-host:tokenModuleChoices', undefined]]);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
