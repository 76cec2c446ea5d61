// Run with tsx (`npm run build`): the contract's operation table is read from the
// TypeScript source and injected into the renderer as data.
// Builds the renderer (browser bundle) and the Electron main/preload bundles with
// esbuild. Output: dist/renderer (served by both doors), dist/electron.
import { build } from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { contract, OPERATION_NAMES } from '../core/api/contract.ts';

const root = new URL('..', import.meta.url).pathname;
// KW_BUILD_OUT lets tests build into their own temp folder.
const dist = process.env.KW_BUILD_OUT ?? join(root, 'dist');
const only = process.argv[2]; // 'renderer' | 'electron' | undefined (both)

/** Names, kinds and summaries only: no schemas reach the renderer bundle. */
function operationTable() {
  return Object.fromEntries(Object.entries(contract).map(([name, def]) => [name, { kind: def.kind, summary: def.summary, event: def.event }]));
}

async function buildRenderer() {
  const out = join(dist, 'renderer');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: [join(root, 'renderer/main.tsx')],
    outfile: join(out, 'app.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome120'],
    jsx: 'automatic',
    minify: process.env.KW_BUILD_MINIFY !== '0',
    sourcemap: false,
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"', __KW_OPERATIONS__: JSON.stringify(operationTable()) },
    logLevel: 'warning',
  });
  cpSync(join(root, 'renderer/index.html'), join(out, 'index.html'));
  cpSync(join(root, 'renderer/styles.css'), join(out, 'app.css'));
}

/** An ESM bundle for Electron's Node side; npm packages (native modules included) stay external. */
function nodeBundle(entry, outfile) {
  return build({
    entryPoints: [join(root, entry)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: ['node22'],
    packages: 'external',
    logLevel: 'warning',
  });
}

async function buildElectron() {
  const out = join(dist, 'electron');
  rmSync(out, { recursive: true, force: true });
  // Main: ESM like the rest of the project.
  await nodeBundle('electron/main.ts', join(out, 'main.js'));
  // The PKCS#11 bridge child, forked by the main process from its own bundle.
  await nodeBundle('core/pkcs11/worker.ts', join(out, 'pkcs11-worker.mjs'));
  // Preload: a sandboxed preload must be one CommonJS file that requires only 'electron'.
  await build({
    entryPoints: [join(root, 'electron/preload.ts')],
    outfile: join(out, 'preload.cjs'),
    bundle: true,
    format: 'cjs',
    platform: 'browser',
    target: ['chrome120'],
    external: ['electron'],
    define: { __KW_OPERATION_NAMES__: JSON.stringify(OPERATION_NAMES) },
    logLevel: 'warning',
  });
}

if (!only || only === 'renderer') await buildRenderer();
if (!only || only === 'electron') await buildElectron();
console.log(`built ${only ?? "renderer and electron"} into ${dist}`);
