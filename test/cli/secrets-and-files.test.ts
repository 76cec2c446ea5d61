/**
 * The command line as an attacker on the same machine and a careless caller see it: no
 * secret on argv (checked in /proc/<pid>/cmdline while the command runs), requests on
 * stdin without argv's size cap, base64 bounded through `kw api`, and file
 * mistakes answered with a typed error naming the path.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kw } from '../helpers/cli.ts';

const root = new URL('../..', import.meta.url).pathname;
const PASS = 'cli test passphrase';
const err = (r: { err: string }) => JSON.parse(r.err) as { code: string; message: string; details?: Record<string, unknown> };

/** Starts kw and returns its pid while it waits on the FIFO or stdin we control. */
function start(vault: string, args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [join(root, 'bin/kw.js'), '--vault', vault, ...args], {
    env: { ...process.env, KW_PASSPHRASE: PASS, KW_SCRYPT_LOG2N: '14', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let errText = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (errText += c.toString()));
  const done = new Promise<{ status: number | null; out: string; err: string }>((resolve) => child.on('close', (status) => resolve({ status, out, err: errText })));
  return { child, done };
}

describe('kw: secrets never on the command line', () => {
  let dir: string;
  let vault: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kw-cli-harden-'));
    vault = join(dir, 'vault');
    assert.equal(kw(vault, ['init']).status, 0);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('operations carrying a passphrase, PIN or password are refused from argv, and nothing changes', () => {
    for (const [op, body] of [
      ['changePassphrase', { oldPassphrase: PASS, newPassphrase: 'stolen passphrase 1' }],
      ['changeTokenPin', { oldPin: '1234', newPin: '5678' }],
      ['exportCertificatePrivateKey', { certificateId: 'x', password: 'pw', format: 'PKCS8' }],
      ['unlockVault', { passphrase: PASS }],
    ] as const) {
      const r = kw(vault, ['api', op, JSON.stringify(body)]);
      assert.equal(r.status, 1);
      const e = err(r);
      assert.equal(e.code, 'InvalidParameter', op);
      assert.match(e.message, /stdin/);
      assert.ok(!r.err.includes('stolen') && !r.err.includes(PASS), 'the refusal does not echo the secret');
    }
    assert.equal(kw(vault, ['status']).status, 0);
    assert.equal(kw(vault, ['key', 'list']).status, 0, 'the old passphrase still unlocks');
  });

  test('kw api OP - reads the request from stdin; the secret is not in /proc/<pid>/cmdline', async () => {
    const next = 'stdin passphrase 2';
    const { child, done } = start(vault, ['api', 'changePassphrase', '-'], {});
    const cmdline = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8');
    assert.match(cmdline, /changePassphrase/);
    child.stdin.end(JSON.stringify({ oldPassphrase: PASS, newPassphrase: next }));
    const r = await done;
    assert.equal(r.status, 0, r.err);
    assert.ok(!cmdline.includes(next) && !cmdline.includes(PASS));
    assert.equal(kw(vault, ['key', 'list'], { KW_PASSPHRASE: next }).status, 0, 'the new passphrase unlocks');
    // and back, piped without '-'
    const back = kw(vault, ['api', 'changePassphrase'], {}, JSON.stringify({ oldPassphrase: next, newPassphrase: PASS }));
    assert.equal(back.status, 0, back.err);
  });

  test('kw vault change-passphrase reads the new passphrase from a file, never argv', async () => {
    const fifo = join(dir, 'new-passphrase');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    const next = 'fifo passphrase 3';
    const { child, done } = start(vault, ['vault', 'change-passphrase', '--new-passphrase-file', fifo], {});
    // kw blocks opening the FIFO until we write, so its command line is read while it runs.
    const cmdline = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8');
    const w = createWriteStream(fifo);
    w.end(`${next}\n`);
    const r = await done;
    assert.equal(r.status, 0, r.err);
    assert.deepEqual(JSON.parse(r.out), { changed: true });
    assert.ok(cmdline.includes('change-passphrase') && !cmdline.includes(next) && !cmdline.includes(PASS));
    assert.equal(kw(vault, ['key', 'list'], { KW_PASSPHRASE: next }).status, 0);
    const back = kw(vault, ['vault', 'change-passphrase'], { KW_PASSPHRASE: next, KW_NEW_PASSPHRASE: PASS });
    assert.equal(back.status, 0, back.err);
  });

  test('kw cert export-key and kw token change-pin exist and take no secret from argv', () => {
    const usage = kw(vault, ['--help']).out;
    assert.match(usage, /cert export-key/);
    assert.match(usage, /token change-pin/);
    assert.match(usage, /vault change-passphrase/);
    const missing = kw(vault, ['cert', 'export-key', '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b', '--format', 'PKCS8'], { KW_EXPORT_PASSWORD: 'export pw' });
    assert.equal(err(missing).code, 'CertificateNotFound');
  });
});

describe('kw: bounded requests and typed file errors', () => {
  let dir: string;
  let vault: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kw-cli-bounds-'));
    vault = join(dir, 'vault');
    assert.equal(kw(vault, ['init']).status, 0);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  // Every base64 field at every size goes through the service and the IPC check in
  // test/api/base64-bounds; here the CLI's own path (stdin, JSON, exit code) is shown.
  test('messageDigest through stdin at 0 bytes and the 4 MiB limit; over it and at 50 MiB, refused by field', () => {
    const limit = 4 * 1024 * 1024;
    for (const n of [0, limit]) {
      const r = kw(vault, ['api', 'messageDigest', '-'], {}, JSON.stringify({ algorithm: 'SM3', message: Buffer.alloc(n, 5).toString('base64') }));
      assert.equal(r.status, 0, `${n}: ${r.err}`);
    }
    for (const message of [Buffer.alloc(limit + 1, 5).toString('base64'), 'A'.repeat(50 * 1024 * 1024)]) {
      const r = kw(vault, ['api', 'messageDigest', '-'], {}, JSON.stringify({ algorithm: 'SM3', message }));
      assert.deepEqual([err(r).code, err(r).details?.field], ['InvalidParameter', 'message']);
    }
  });

  test('--in naming a missing file or a folder, and a vault path that is a file, are typed errors naming the path', () => {
    const missing = join(dir, 'nope.bin');
    const r1 = kw(vault, ['encrypt', '--key', 'alias/x', '--in', missing]);
    assert.deepEqual([err(r1).code, err(r1).details?.path], ['FileNotAccessible', missing]);
    assert.match(err(r1).message, /no such file/);
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    const r2 = kw(vault, ['decrypt', '--in', folder]);
    assert.deepEqual([err(r2).code, err(r2).details?.path], ['FileNotAccessible', folder]);
    assert.match(err(r2).message, /folder/);
    const r3 = kw(vault, ['key', 'list', '--passphrase-file', missing]);
    assert.deepEqual([err(r3).code, err(r3).details?.flag], ['FileNotAccessible', '--passphrase-file']);
    const plainFile = join(dir, 'not-a-vault');
    writeFileSync(plainFile, 'x');
    const r4 = spawnSync(process.execPath, [join(root, 'bin/kw.js'), 'status'], { encoding: 'utf8', env: { ...process.env, KW_VAULT: plainFile } });
    assert.deepEqual([JSON.parse(r4.stderr).code, JSON.parse(r4.stderr).details?.path], ['VaultFolderInvalid', plainFile]);
  });
});
