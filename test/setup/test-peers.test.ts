/**
 * The set-up line installs everything the tests need. Every tool a test spawns by name
 * and every system file it loads (a PKCS#11 module, a browser) must come from a Debian
 * package that scripts/setup-test-peers.sh installs, directly or as its dependency —
 * asked of dpkg on this machine, so a new peer without a line in the script fails here
 * rather than on a fresh machine. The README's second set-up line is what `.ci/run` runs.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, delimiter, join, relative } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const self = relative(root, new URL(import.meta.url).pathname);
const read = (p: string) => readFileSync(join(root, p), 'utf8');

const setupPackages = (): string[] => {
  const m = /^PACKAGES="([^"]+)"$/m.exec(read('scripts/setup-test-peers.sh'));
  assert.ok(m, 'scripts/setup-test-peers.sh declares PACKAGES="…"');
  return m[1]!.split(/\s+/).filter(Boolean);
};

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out.push(...testFiles(p));
    else if (/\.(ts|tsx|mjs|js)$/.test(n)) out.push(relative(root, p));
  }
  return out;
}

/** Executables spawned by a literal name and system file paths named in test sources. */
function needs(): { commands: Map<string, string>; paths: Map<string, string[]> } {
  const commands = new Map<string, string>();
  const paths = new Map<string, string[]>();
  for (const f of testFiles(join(root, 'test'))) {
    if (f === self) continue;
    const src = read(f);
    for (const m of src.matchAll(/\b(?:spawnSync|execFileSync|execFile|spawn|execSync|exec)\(\s*['"]([^'"\s]+)['"]/g)) {
      if (!commands.has(m[1]!)) commands.set(m[1]!, f);
    }
    // Debian installs under /usr; /usr/local and /opt are the officer's own (and mere data in some tests).
    for (const m of src.matchAll(/['"`](\/usr\/(?!local\/)[^'"`\s$:]+)['"`]/g)) {
      const list = paths.get(basename(m[1]!)) ?? [];
      if (!list.includes(m[1]!)) list.push(m[1]!);
      paths.set(basename(m[1]!), list);
    }
  }
  return { commands, paths };
}

function onPath(cmd: string): string | null {
  if (cmd.includes('/')) return existsSync(cmd) ? cmd : null;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  return null;
}

/** The Debian package that owns a file (the path as named, else its real path). */
function owner(path: string): string | null {
  for (const p of [path, realpathSync(path)]) {
    try {
      const line = execFileSync('dpkg-query', ['-S', p], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').find((l) => !l.startsWith('diversion'));
      if (line) return line.split(':')[0]!.trim();
    } catch {
      // not owned under this name; try the next
    }
  }
  return null;
}

/** The listed packages, Debian's Essential set (on every installation), and what they depend on. */
function installedClosure(packages: string[]): Set<string> {
  const deps = new Map<string, string[]>();
  const out = execFileSync('dpkg-query', ['-W', '-f', '${Package}\t${Essential}\t${Depends}, ${Pre-Depends}\n'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const essential: string[] = [];
  for (const line of out.split('\n')) {
    const [pkg, isEssential, rest] = line.split('\t');
    if (!pkg) continue;
    if (isEssential === 'yes') essential.push(pkg);
    const names = (rest ?? '').split(/[,|]/).map((d) => d.trim().split(/[\s(:]/)[0]!).filter(Boolean);
    deps.set(pkg, [...(deps.get(pkg) ?? []), ...names]);
  }
  const seen = new Set<string>();
  const queue = [...packages, ...essential];
  while (queue.length) {
    const p = queue.pop()!;
    if (seen.has(p)) continue;
    seen.add(p);
    queue.push(...(deps.get(p) ?? []));
  }
  return seen;
}

describe('set-up on a fresh machine', () => {
  test("README's first block is the two set-up lines, and .ci/run runs the second", () => {
    const block = /```sh\n([\s\S]*?)```/.exec(read('README.md'));
    assert.ok(block);
    const lines = block[1]!.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter(Boolean);
    assert.deepEqual(lines, ['npm ci && npm start', 'sh scripts/setup-test-peers.sh && npm ci && npm test']);
    const ci = read('.ci/run').split('\n').map((l) => l.trim());
    assert.ok(ci.includes(lines[1]!), '.ci/run runs the second set-up line');
    assert.ok(ci.includes('export ELECTRON_SKIP_BINARY_DOWNLOAD=1'), '.ci/run keeps the Electron binary download off');
  });

  test('every tool and system file a test needs comes from a package the set-up line installs', () => {
    const packages = setupPackages();
    const closure = installedClosure(packages);
    const { commands, paths } = needs();
    assert.ok(commands.has('openssl') && commands.has('softhsm2-util') && paths.has('libsofthsm2.so'), 'the scan finds the known peers');
    const missing: string[] = [];
    for (const [cmd, file] of commands) {
      const path = onPath(cmd);
      const pkg = path && owner(path);
      if (!pkg || !closure.has(pkg)) missing.push(`${file} spawns '${cmd}' (${path ? `from package ${pkg ?? 'none'}` : 'not installed'})`);
    }
    for (const [name, candidates] of paths) {
      const present = candidates.filter((p) => existsSync(p));
      if (present.length === 0) missing.push(`tests name ${candidates.join(' or ')}, none installed`);
      for (const p of present) {
        const pkg = owner(p);
        if (!pkg || !closure.has(pkg)) missing.push(`tests need ${p} (${name}) from package ${pkg ?? 'none'}`);
      }
    }
    assert.deepEqual(missing, [], `add the package to PACKAGES in scripts/setup-test-peers.sh:\n${missing.join('\n')}`);
  });
});
