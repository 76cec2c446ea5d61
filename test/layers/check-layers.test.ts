/**
 * The layer check reads the import tables of the core READMEs. Run against small trees
 * so each rule is seen to refuse what it should (the real tree is checked by `npm test`).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const script = new URL('../../scripts/check-layers.mjs', import.meta.url).pathname;

const TABLE = `# core/

| folder | what lives there | may import |
| --- | --- | --- |
| \`low/\` | the bottom | \`zod\`, \`node:*\` |
| \`high/\` | above it | \`low/\` |
`;

function check(files: Record<string, string>): { ok: boolean; out: string } {
  const root = mkdtempSync(join(tmpdir(), 'kw-layers-'));
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    const r = spawnSync(process.execPath, [script], { env: { ...process.env, KW_LAYERS_ROOT: root }, encoding: 'utf8' });
    return { ok: r.status === 0, out: r.stdout + r.stderr };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const base = {
  'core/README.md': TABLE,
  'core/low/README.md': '# low\n',
  'core/high/README.md': '# high\n',
  'core/low/a.ts': "import { z } from 'zod';\nimport { readFileSync } from 'node:fs';\nexport const a = 1;\n",
  'core/high/b.ts': "import { a } from '../low/a.ts';\nexport const b = a;\n",
};

describe('layer check', () => {
  test('a tree that keeps its tables passes', () => {
    const r = check(base);
    assert.ok(r.ok, r.out);
  });

  test('a type-only import the table does not list fails, and so does the cycle it makes', () => {
    const r = check({ ...base, 'core/low/c.ts': "import type { b } from '../high/b.ts';\nexport type C = typeof b;\n" });
    assert.equal(r.ok, false);
    assert.match(r.out, /core\/low\/c\.ts: imports type from core\/high\/b\.ts, which core\/low\/ may not import/);
    assert.match(r.out, /folder cycle: high, low/);
  });

  test('a package the row does not list fails', () => {
    const r = check({ ...base, 'core/high/d.ts': "import { z } from 'zod';\nexport const d = z;\n" });
    assert.match(r.out, /core\/high\/d\.ts: imports 'zod', which core\/high\/ may not import/);
  });

  test('a folder without a row is an error that says what to write', () => {
    const r = check({ ...base, 'core/officers/README.md': '# officers\n', 'core/officers/x.ts': 'export const x = 1;\n' });
    assert.equal(r.ok, false);
    assert.match(r.out, /core\/officers\/ has no row in the layer table of core\/README\.md: add "\| `officers\/` \|/);
  });

  test("a folder README's file table allows an import for the files it names only", () => {
    const readme = '# high\n\n| file | may also import |\n| --- | --- |\n| `b.ts` | `zod` |\n';
    const withZod = { ...base, 'core/high/README.md': readme, 'core/high/b.ts': "import { z } from 'zod';\nexport const b = z;\n" };
    assert.ok(check(withZod).ok);
    const r = check({ ...withZod, 'core/high/e.ts': "import { z } from 'zod';\nexport const e = z;\n" });
    assert.match(r.out, /core\/high\/e\.ts: imports 'zod'/);
    assert.doesNotMatch(r.out, /core\/high\/b\.ts/);
  });

  test('modules importing each other inside one folder fail', () => {
    const r = check({ ...base, 'core/low/p.ts': "import type { Q } from './q.ts';\nexport type P = Q;\n", 'core/low/q.ts': "import type { P } from './p.ts';\nexport type Q = P | 1;\n" });
    assert.match(r.out, /module cycle: core\/low\/p\.ts ↔ core\/low\/q\.ts/);
  });

  test('the renderer reaches core only through the contract and the domain', () => {
    const r = check({ ...base, 'renderer/x.ts': "import type { b } from '../core/high/b.ts';\nexport type X = typeof b;\n" });
    assert.match(r.out, /renderer\/x\.ts: imports '\.\.\/core\/high\/b\.ts' \(the renderer reaches core only through core\/api\/ and core\/domain\/\)/);
  });
});
