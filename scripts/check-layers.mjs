// The layering rule, checked on every test run: each runtime folder may import only
// what runs where it runs. core/ is a plain Node library; renderer/ reaches core only
// for contract types (import type) and the pure i18n/domain tables it shares.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const rules = [
  { dir: 'core', forbid: [/^electron(\/|$)/, /^react(-dom)?(\/|$)/, /^zustand(\/|$)/, /^\.\.?\/.*(renderer|electron)\//] },
  { dir: 'electron', forbid: [/^react(-dom)?(\/|$)/, /^zustand(\/|$)/, /renderer\//] },
  {
    dir: 'renderer',
    forbid: [/^node:/, /^electron(\/|$)/, /^better-sqlite3$/, /^pkcs11js$/, /^(fs|path|child_process|crypto|os)$/],
    // Value imports from core are allowed only from modules that are pure data/logic.
    coreValueAllowed: [/core\/api\/(errors|i18n|catalog|bridge)/, /core\/domain\//, /core\/i18n\//],
  },
];

const importRe = /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

function files(dir) {
  const out = [];
  let names;
  try { names = readdirSync(dir); } catch { return out; }
  for (const n of names) {
    if (n === 'node_modules' || n === 'dist') continue;
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (/\.(ts|tsx|mts|js|mjs)$/.test(n)) out.push(p);
  }
  return out;
}

const problems = [];
for (const rule of rules) {
  for (const f of files(join(root, rule.dir))) {
    const src = readFileSync(f, 'utf8');
    for (const m of src.matchAll(importRe)) {
      const typeOnly = Boolean(m[2]);
      const spec = m[3] ?? m[4] ?? m[5];
      if (!spec) continue;
      const rel = relative(root, f);
      if (rule.forbid.some((re) => re.test(spec))) problems.push(`${rel}: imports '${spec}'`);
      if (rule.dir === 'renderer' && /(^|\/)core\//.test(spec) && !typeOnly && !rule.coreValueAllowed.some((re) => re.test(spec))) {
        problems.push(`${rel}: value import '${spec}' from core (only 'import type' of the contract is allowed)`);
      }
    }
  }
}
if (problems.length) {
  console.error('layering check failed:\n' + problems.map((p) => '  ' + p).join('\n'));
  process.exit(1);
}
console.log('layering check: ok');
