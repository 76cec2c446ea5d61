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
