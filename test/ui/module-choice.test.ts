import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOST_CHANNELS } from '../../core/api/bridge.ts';
import type { Result } from '../../core/api/errors.ts';
import { PROFILE_FILE } from '../../core/keystore/hsm-keystore.ts';
import { loadProfiles } from '../../core/pkcs11/profiles.ts';
import { Keywarden } from '../../core/service/keywarden.ts';
import { APP_ORIGIN, checkIpcCall, registerHostHandlers, registerIpcHandlers } from '../../electron/ipc.ts';
import { checkModuleChoice, ModuleChoices, profileChoices } from '../../electron/module-choice.ts';
import { SoftHsmFixture } from '../pkcs11/softhsm.ts';
import { kw as runCli } from '../helpers/cli.ts';
import { TEST_PASSPHRASE } from './helpers.ts';

const good = { frameUrl: `${APP_ORIGIN}/index.html`, isMainFrame: true };
const profiles = loadProfiles(PROFILE_FILE);

describe('the renderer chooses a PKCS#11 module only among those the main process offers', () => {
  test("the offer is the profile file's libraries for this platform that exist here", () => {
    const here = profileChoices(profiles, 'linux', existsSync);
    const softhsm = here.find((c) => c.profileId === 'softhsm2');
    assert.ok(softhsm && existsSync(softhsm.modulePath), 'SoftHSM2 is installed on the test machines');
    assert.ok(here.every((c) => existsSync(c.modulePath)));
    assert.deepEqual(profileChoices(profiles, 'linux', () => false), []);
    const windows = profileChoices(profiles, 'win32', () => true);
    assert.ok(windows.length > 0 && windows.every((c) => /\.dll$/i.test(c.modulePath)));
    assert.equal(new Set(windows.map((c) => c.modulePath)).size, windows.length, 'each path once');
  });

  test('the IPC check refuses any path not offered, and every path when no offer is given', () => {
    const offered = new ModuleChoices(() => profileChoices(profiles, 'linux', existsSync));
    const softhsm = offered.list()[0]!.modulePath;
    for (const modulePath of ['/tmp/evil.so', `${softhsm}/../../../tmp/evil.so`, `${softhsm} `, '\\\\server\\share\\evil.dll']) {
      const r = checkIpcCall('kw:configureTokenModule', good, { modulePath }, (p) => offered.offers(p));
      assert.equal(r.ok, false, modulePath);
      if (!r.ok) assert.deepEqual([r.error.code, r.error.details?.field], ['InvalidParameter', 'modulePath']);
      assert.ok(!r.ok && !r.error.message.includes(modulePath.trim()), 'the refusal does not echo the path');
    }
    assert.equal(checkIpcCall('kw:configureTokenModule', good, { modulePath: softhsm }).ok, false, 'no offer, no module');
    assert.equal(checkIpcCall('kw:configureTokenModule', good, { modulePath: softhsm }, (p) => offered.offers(p)).ok, true);
    assert.equal(checkIpcCall('kw:ConfigureTokenModule', good, { modulePath: '/tmp/evil.so' }, (p) => offered.offers(p)).ok, false, 'a spelling of the name does not dodge the rule');
    assert.equal(checkModuleChoice('listTokens', {}, () => false), null, 'other operations are not affected');
  });

  test('through the real core: a free path loads nothing; an offered or picked one loads; the CLI still takes a path', async () => {
    const hsm = new SoftHsmFixture('choice');
    const dir = mkdtempSync(join(tmpdir(), 'kw-choice-'));
    const kw = await Keywarden.open({ vaultDir: join(dir, 'vault'), scryptCost: { N: 1024, r: 8, p: 1 }, schedulerIntervalMs: 0, tokenEnv: hsm.env });
    try {
      hsm.initToken('choice');
      assert.ok((await kw.call('initVault', { passphrase: TEST_PASSPHRASE }, { actor: 'test' })).ok);
      const choices = new ModuleChoices(() => profileChoices(profiles, 'linux', existsSync));
      const handlers = new Map<string, (event: unknown, req?: unknown) => Promise<Result<unknown>>>();
      const ipcMain = { handle: (ch: string, fn: never) => void handlers.set(ch, fn), removeHandler: (ch: string) => void handlers.delete(ch) };
      registerIpcHandlers(ipcMain as never, kw, 'ui:electron', (p) => choices.offers(p));
      // The officer's pick in the native dialog, here a copy of the SoftHSM2 library under another name.
      const picked = join(dir, 'libvendor-pkcs11.so');
      copyFileSync(choices.list()[0]!.modulePath, picked);
      let dialogAnswer: string | null = null;
      registerHostHandlers(ipcMain as never, { choices, pickFile: async () => dialogAnswer });
      const frame = { url: `${APP_ORIGIN}/index.html` };
      const fromApp = { senderFrame: frame, sender: { mainFrame: frame } };
      const configure = (modulePath: string) => handlers.get('kw:configureTokenModule')!(fromApp, { modulePath });

      const free = await configure(picked);
      assert.equal(!free.ok && free.error.code, 'InvalidParameter', 'not offered yet');
      const listed = await handlers.get('kw:listTokens')!(fromApp, {});
      assert.equal(!listed.ok && listed.error.code, 'UnsupportedOperation', 'nothing was configured');

      const offered = (await handlers.get(HOST_CHANNELS.tokenModuleChoices)!(fromApp)) as Result<Array<{ modulePath: string; profileId: string }>>;
      assert.ok(offered.ok && offered.value.some((c) => c.profileId === 'softhsm2'));
      const softhsm = offered.ok ? offered.value.find((c) => c.profileId === 'softhsm2')!.modulePath : '';
      const ok = await configure(softhsm);
      assert.ok(ok.ok, JSON.stringify(ok));

      assert.deepEqual(await handlers.get(HOST_CHANNELS.pickTokenModule)!(fromApp), { ok: true, value: null }, 'a cancelled dialog offers nothing');
      dialogAnswer = picked;
      const pick = (await handlers.get(HOST_CHANNELS.pickTokenModule)!(fromApp)) as Result<{ modulePath: string; profileId: string }>;
      assert.deepEqual(pick, { ok: true, value: { modulePath: picked, profileId: 'picked', name: 'libvendor-pkcs11.so' } });
      const viaPick = await configure(picked);
      assert.ok(viaPick.ok, JSON.stringify(viaPick));
      const tokens = (await handlers.get('kw:listTokens')!(fromApp, {})) as Result<{ tokens: Array<{ label: string }> }>;
      assert.ok(tokens.ok && tokens.value.tokens.some((t) => t.label === 'choice'));

      const evil = { url: 'https://evil.example/' };
      const forged = await handlers.get(HOST_CHANNELS.pickTokenModule)!({ senderFrame: evil, sender: { mainFrame: evil } });
      assert.equal(!forged.ok && forged.error.code, 'Unauthorized');
    } finally {
      kw.close();
    }
    try {
      // The CLI is typed into by the officer: any path, here the copy that no profile lists.
      const vault = join(dir, 'cli-vault');
      assert.equal(runCli(vault, ['init']).status, 0);
      const copy = join(dir, 'libother.so');
      copyFileSync(profileChoices(profiles, 'linux', existsSync)[0]!.modulePath, copy);
      const r = runCli(vault, ['token', 'configure', '--module', copy], { SOFTHSM2_CONF: hsm.env.SOFTHSM2_CONF! });
      assert.equal(r.status, 0, r.err);
      assert.equal((r.json() as { modulePath: string }).modulePath, copy);
    } finally {
      hsm.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
