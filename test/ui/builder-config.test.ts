import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import yaml from 'js-yaml';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('../..', import.meta.url));

test("electron-builder.yml is valid under app-builder-lib's own schema and covers every platform", () => {
  const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;
  const config = yaml.load(readFileSync(`${root}/electron-builder.yml`, 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(schema);
  assert.equal(validate(config), true, JSON.stringify(validate.errors, null, 2));
  const targets = (k: string) => JSON.stringify(config[k]);
  assert.match(targets('win'), /nsis/);
  assert.match(targets('mac'), /dmg/);
  assert.match(targets('linux'), /AppImage/);
  assert.match(targets('linux'), /deb/);
  const unpack = JSON.stringify(config.asarUnpack);
  assert.match(unpack, /better-sqlite3/);
  assert.match(unpack, /pkcs11js/);
  assert.equal(config.npmRebuild, true);
});

test('a config with an unknown key or a wrong type is rejected by the same schema', () => {
  const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  assert.equal(validate({ appId: 'x', notAnOption: true }), false);
  assert.equal(validate({ appId: 'x', asarUnpack: 42 }), false);
});

test('the packaged binary gets its fuses from the afterPack hook: RunAsNode, NODE_OPTIONS, --inspect off; asar only and integrity-checked', async () => {
  const config = yaml.load(readFileSync(`${root}/electron-builder.yml`, 'utf8')) as Record<string, unknown>;
  assert.equal(config.afterPack, './scripts/electron-fuses.mjs');
  assert.equal(config.asar, true, 'OnlyLoadAppFromAsar needs an asar archive');
  assert.equal(config.electronFuses, undefined, 'one place sets the fuses');
  const hook = (await import(`${root}/scripts/electron-fuses.mjs`)) as { FUSES: Record<string, unknown>; default: unknown };
  const { FuseV1Options, FuseVersion } = await import('@electron/fuses');
  assert.equal(typeof hook.default, 'function');
  assert.equal(hook.FUSES.version, FuseVersion.V1);
  assert.equal(hook.FUSES[FuseV1Options.RunAsNode], false);
  assert.equal(hook.FUSES[FuseV1Options.EnableNodeOptionsEnvironmentVariable], false);
  assert.equal(hook.FUSES[FuseV1Options.EnableNodeCliInspectArguments], false);
  assert.equal(hook.FUSES[FuseV1Options.EnableEmbeddedAsarIntegrityValidation], true);
  assert.equal(hook.FUSES[FuseV1Options.OnlyLoadAppFromAsar], true);
  assert.equal(hook.FUSES[FuseV1Options.GrantFileProtocolExtraPrivileges], false);
});

test('nothing in the desktop app still relies on ELECTRON_RUN_AS_NODE or a forked Electron', () => {
  for (const file of ['electron/main.ts', 'electron/token-worker.ts']) {
    const text = readFileSync(`${root}/${file}`, 'utf8').replace(/\/\/.*|\/\*[\s\S]*?\*\//g, '');
    assert.doesNotMatch(text, /ELECTRON_RUN_AS_NODE|child_process/, file);
  }
  assert.match(readFileSync(`${root}/electron/main.ts`, 'utf8'), /utilityProcessSpawner\(utilityProcess\.fork\)/);
});
