// The layering rule, checked on every test run (`npm run lint:layers`).
//
// core/: every folder has a row in the layer table of core/README.md (columns: folder,
// what lives there, may import). The "may import" cell lists, in backticks, the core
// folders (`kms/`), single modules (`kms/context`) and packages (`zod`, `node:crypto`,
// `node:*`, `@noble/curves`) the folder's files may import. A folder's own README may
// add a table with the columns `file | may also import` for exceptions that hold for some
// files only (the PKCS#11 child-side files and pkcs11js, for example). Imports inside a
// folder are always allowed; type-only imports count like any other, and so do dynamic
// `import()` and `export … from`. The folder graph and the module graph must be acyclic.
//
// electron/ and renderer/ keep their runtime rules: neither imports react/electron across
// the process line; the renderer reaches core only for the contract and the pure domain.
import { builtinModules } from 'node:module';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

// KW_LAYERS_ROOT points the check at another tree (its own tests use small fixture trees).
const root = resolve(process.env.KW_LAYERS_ROOT ?? new URL('..', import.meta.url).pathname);
const coreDir = join(root, 'core');
const problems = [];
const posix = (p) => p.split(sep).join('/');

const importRe = /^\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;

function sourceFiles(dir) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const n of readdirSync(dir).sort()) {
    if (n === 'node_modules' || n === 'dist') continue;
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|tsx|mts|js|mjs)$/.test(n) && !n.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function importsOf(file) {
  const src = readFileSync(file, 'utf8');
  const out = [];
  for (const m of src.matchAll(importRe)) {
    const spec = m[2] ?? m[3];
    if (spec) out.push({ spec, typeOnly: Boolean(m[1]) });
  }
  return out;
}

/** The rows of every markdown table whose header cells satisfy `isHeader`. */
function tableRows(markdown, isHeader) {
  const rows = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const cells = splitRow(lines[i]);
    if (!cells || !isHeader(cells.map((c) => c.toLowerCase()))) continue;
    for (i += 2; i < lines.length; i++) {
      const row = splitRow(lines[i]);
      if (!row) break;
      rows.push({ cells: row, line: i + 1 });
    }
  }
  return rows;
}

function splitRow(line) {
  const t = line.trim();
  if (!t.startsWith('|')) return null;
  return t.replace(/^\||\|$/g, '').split('|').map((c) => c.trim());
}

const ticks = (cell) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1].trim());

// ---------- core: the declared tables ----------

const coreFolders = readdirSync(coreDir).filter((n) => statSync(join(coreDir, n)).isDirectory()).sort();
const builtins = new Set(builtinModules);

/** A core token is `folder/` (the folder), `folder/sub/` or `folder/module` (one module). */
function parseTokens(cell) {
  const core = [];
  const packages = [];
  for (const tok of ticks(cell)) {
    const first = tok.split('/')[0];
    if (coreFolders.includes(first) && tok.includes('/')) core.push(tok.replace(/\.(ts|tsx|mjs|js)$/, ''));
    else packages.push(tok);
  }
  return { core, packages };
}

const coreReadme = readFileSync(join(coreDir, 'README.md'), 'utf8');
const rules = new Map();
for (const { cells, line } of tableRows(coreReadme, (h) => h[0] === 'folder' && h.some((c) => c.startsWith('may import')))) {
  const name = ticks(cells[0] ?? '')[0]?.replace(/\/$/, '');
  const col = cells.length - 1;
  if (!name) {
    problems.push(`core/README.md:${line}: the layer table's first cell must be a folder in backticks, like \`kms/\``);
    continue;
  }
  if (!coreFolders.includes(name)) problems.push(`core/README.md:${line}: the layer table has a row for core/${name}/, which does not exist`);
  rules.set(name, { base: parseTokens(cells[col] ?? ''), extras: [] });
}
for (const folder of coreFolders) {
  if (!rules.has(folder)) {
    problems.push(
      `core/${folder}/ has no row in the layer table of core/README.md: add ` +
        `"| \`${folder}/\` | what lives there | \`api/errors\`, \`domain/\`, … |" listing what its files may import`,
    );
    continue;
  }
  const readme = join(coreDir, folder, 'README.md');
  if (!existsSync(readme)) {
    problems.push(`core/${folder}/ has no README.md (say what lives there; file-level import exceptions go in a "file | may also import" table)`);
    continue;
  }
  for (const { cells, line } of tableRows(readFileSync(readme, 'utf8'), (h) => h[0] === 'file' && h.some((c) => c.startsWith('may also import')))) {
    const files = ticks(cells[0] ?? '');
    for (const f of files) if (!existsSync(join(coreDir, folder, f))) problems.push(`core/${folder}/README.md:${line}: no file core/${folder}/${f}`);
    rules.get(folder).extras.push({ files, allow: parseTokens(cells[cells.length - 1] ?? '') });
  }
}

function packageAllowed(spec, tokens) {
  const name = builtins.has(spec) || builtins.has(spec.split('/')[0]) ? `node:${spec}` : spec;
  return tokens.some((t) => t === name || name.startsWith(t + '/') || (t.endsWith('*') && name.startsWith(t.slice(0, -1))));
}
function moduleAllowed(target, tokens) {
  const noExt = target.replace(/\.(ts|tsx|mjs|js)$/, '');
  return tokens.some((t) => (t.endsWith('/') ? noExt.startsWith(t) : noExt === t || noExt === t + '/index'));
}

// ---------- core: the actual imports ----------

const folderEdges = new Map(); // "a b" -> example file
const moduleGraph = new Map(); // core-relative file -> [core-relative file]
for (const file of sourceFiles(coreDir)) {
  const rel = posix(relative(coreDir, file));
  const folder = rel.split('/')[0];
  const rule = rules.get(folder);
  const edges = [];
  moduleGraph.set(rel, edges);
  for (const { spec, typeOnly } of importsOf(file)) {
    const how = typeOnly ? 'imports type from' : 'imports';
    if (/^(electron|react|react-dom|zustand)(\/|$)/.test(spec)) {
      problems.push(`core/${rel}: ${how} '${spec}' (core is a plain Node library)`);
      continue;
    }
    if (!spec.startsWith('.')) {
      if (!rule) continue;
      const allow = [...rule.base.packages, ...rule.extras.filter((e) => e.files.includes(rel.slice(folder.length + 1))).flatMap((e) => e.allow.packages)];
      if (!packageAllowed(spec, allow)) problems.push(`core/${rel}: ${how} '${spec}', which core/${folder}/ may not import (core/README.md layer table, core/${folder}/README.md)`);
      continue;
    }
    const target = posix(relative(coreDir, resolve(dirname(file), spec)));
    if (target.startsWith('..')) {
      problems.push(`core/${rel}: ${how} '${spec}', outside core/`);
      continue;
    }
    edges.push(target);
    const targetFolder = target.split('/')[0];
    if (targetFolder === folder) continue;
    if (!folderEdges.has(`${folder} ${targetFolder}`)) folderEdges.set(`${folder} ${targetFolder}`, rel);
    if (!rule) continue;
    const allow = [...rule.base.core, ...rule.extras.filter((e) => e.files.includes(rel.slice(folder.length + 1))).flatMap((e) => e.allow.core)];
    if (!moduleAllowed(target, allow)) problems.push(`core/${rel}: ${how} core/${target}, which core/${folder}/ may not import (core/README.md layer table, core/${folder}/README.md)`);
  }
}

/** Strongly connected components with more than one member (Tarjan). */
function cycles(graph) {
  let index = 0;
  const stack = [];
  const onStack = new Set();
  const idx = new Map();
  const low = new Map();
  const out = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const scc = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

const folderGraph = new Map(coreFolders.map((f) => [f, []]));
for (const key of folderEdges.keys()) {
  const [a, b] = key.split(' ');
  folderGraph.get(a)?.push(b);
}
for (const scc of cycles(folderGraph)) {
  const edges = [...folderEdges].filter(([k]) => k.split(' ').every((f) => scc.includes(f))).map(([k, f]) => `${k.replace(' ', ' → ')} (core/${f})`);
  problems.push(`folder cycle: ${scc.join(', ')}; edges: ${edges.join('; ')}`);
}
for (const scc of cycles(moduleGraph)) problems.push(`module cycle: ${scc.map((m) => 'core/' + m).join(' ↔ ')}`);

// ---------- electron/ and renderer/ ----------

const processRules = [
  { dir: 'electron', forbid: [/^react(-dom)?(\/|$)/, /^zustand(\/|$)/, /renderer\//] },
  { dir: 'renderer', forbid: [/^node:/, /^electron(\/|$)/, /^better-sqlite3$/, /^pkcs11js$/, /^(fs|path|child_process|crypto|os)$/] },
];
// The renderer runs in a browser: it reaches core for the contract's types and for the
// few contract and domain modules that are pure data.
const rendererCoreTypes = /(^|\/)core\/(api|domain)\//;
const rendererCoreValues = /(^|\/)core\/(api\/(errors|bridge|client)\.ts|domain\/)/;
for (const rule of processRules) {
  for (const file of sourceFiles(join(root, rule.dir))) {
    const rel = posix(relative(root, file));
    for (const { spec, typeOnly } of importsOf(file)) {
      if (rule.forbid.some((re) => re.test(spec))) problems.push(`${rel}: imports '${spec}'`);
      if (rule.dir !== 'renderer' || !/(^|\/)core\//.test(spec)) continue;
      if (!rendererCoreTypes.test(spec)) problems.push(`${rel}: imports '${spec}' (the renderer reaches core only through core/api/ and core/domain/)`);
      else if (!typeOnly && !rendererCoreValues.test(spec)) problems.push(`${rel}: value import '${spec}' from core (only 'import type' of the contract is allowed)`);
    }
  }
}

if (problems.length) {
  console.error('layering check failed:\n' + problems.map((p) => '  ' + p).join('\n'));
  process.exit(1);
}
console.log(`layering check: ok (${coreFolders.length} core folders, ${moduleGraph.size} modules, no cycles)`);
