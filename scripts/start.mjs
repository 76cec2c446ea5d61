// `npm start`: Electron when its binary is installed, otherwise the browser shell.
// Builds what is missing or stale first, so it works on a fresh clone after `npm ci`.
import { createRequire } from 'node:module';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    const p = require('electron'); // the package exports the binary's path, or throws when it was not downloaded
    return typeof p === 'string' && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

function newest(dir) {
  let t = 0;
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

function stale(output, sources) {
  if (!existsSync(output)) return true;
  const built = statSync(output).mtimeMs;
  return sources.some((d) => newest(join(root, d)) > built);
}

function build(target) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/build.mjs'), target], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const sources = ['renderer', 'core/api', 'core/domain'];
if (stale(join(root, 'dist/renderer/index.html'), sources)) build('renderer');

const electron = electronBinary();
let child;
if (electron && process.env.KW_SHELL !== '1') {
  if (stale(join(root, 'dist/electron/main.js'), ['electron', 'core'])) build('electron');
  child = spawn(electron, [join(root, 'dist/electron/main.js')], { cwd: root, stdio: 'inherit' });
} else {
  console.log('Electron binary not installed: starting the browser shell instead.');
  child = spawn(process.execPath, ['--import', 'tsx', join(root, 'core/shell/main.ts')], { cwd: root, stdio: 'inherit' });
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
