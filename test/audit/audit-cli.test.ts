/**
 * The auditor's round trip through the real `kw`: a checkpoint file that OpenSSL verifies,
 * verification against it after the tail was cut with an old copy of the vault, and an
 * export checked by a separate process that has no vault at all.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kw } from '../helpers/cli.ts';

const root = new URL('../..', import.meta.url).pathname;

function openssl(args: string[]) {
  return spawnSync('openssl', args, { encoding: 'utf8' });
}

/** `kw audit verify-export FILE` in a fresh process with no vault: no --vault, no KW_VAULT, an empty HOME. */
function verifyExportWithoutVault(file: string) {
  const home = mkdtempSync(join(tmpdir(), 'kw-auditor-'));
  try {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: home };
    const r = spawnSync(process.execPath, [join(root, 'bin/kw.js'), 'audit', 'verify-export', file], { encoding: 'utf8', env });
    assert.deepEqual(readdirSync(home), [], 'no vault folder was created');
    return { status: r.status, json: () => JSON.parse(r.stdout) as Record<string, unknown>, err: r.stderr };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

describe('kw audit', () => {
  test('checkpoint files verify with openssl; verify names a cut tail behind a checkpoint; exports verify with no vault', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-audit-cli-'));
    const vault = join(dir, 'vault');
    try {
      assert.equal(kw(vault, ['init']).status, 0);
      const key = kw(vault, ['key', 'create', '--spec', 'SM4', '--usage', 'ENCRYPT_DECRYPT', '--alias', 'alias/audit-cli']);
      assert.equal(key.status, 0, key.err);
      assert.equal(kw(vault, ['encrypt', '--key', 'alias/audit-cli', '--text', 'hello']).status, 0);

      // A checkpoint file, checked by OpenSSL from the file alone.
      const cpFile = join(dir, 'cp1.json');
      const cp = kw(vault, ['audit', 'checkpoint', '--out', cpFile]);
      assert.equal(cp.status, 0, cp.err);
      const file = JSON.parse(readFileSync(cpFile, 'utf8')) as { payload: string; seq: number; hash: string; vaultId: string; at: string; signature: { publicKey: string; value: string }; cosignatures: unknown[] };
      assert.deepEqual(file.cosignatures, []);
      assert.equal(file.payload, `keywarden-audit-checkpoint/v1\nvault: ${file.vaultId}\nseq: ${file.seq}\nhash: ${file.hash}\nat: ${file.at}\n`);
      writeFileSync(join(dir, 'payload.txt'), file.payload);
      writeFileSync(join(dir, 'sig.der'), Buffer.from(file.signature.value, 'base64'));
      writeFileSync(join(dir, 'pub.pem'), file.signature.publicKey);
      const ok = openssl(['dgst', '-sha256', '-verify', join(dir, 'pub.pem'), '-signature', join(dir, 'sig.der'), join(dir, 'payload.txt')]);
      assert.match(ok.stdout, /Verified OK/, ok.stderr);
      writeFileSync(join(dir, 'payload.txt'), file.payload.replace(`seq: ${file.seq}`, `seq: ${file.seq - 1}`));
      const forged = openssl(['dgst', '-sha256', '-verify', join(dir, 'pub.pem'), '-signature', join(dir, 'sig.der'), join(dir, 'payload.txt')]);
      assert.notEqual(forged.status, 0);

      const v1 = kw(vault, ['audit', 'verify', '--checkpoint', cpFile]);
      assert.equal(v1.status, 0, v1.out + v1.err);
      assert.equal(v1.json().ok, true);
      assert.ok(v1.json().checkpointsVerified >= 2);

      // An old copy of the vault, then more work and a second checkpoint the auditor takes away.
      const old = join(dir, 'old');
      cpSync(vault, old, { recursive: true });
      for (let i = 0; i < 5; i++) assert.equal(kw(vault, ['encrypt', '--key', 'alias/audit-cli', '--text', `more ${i}`]).status, 0);
      const cp2File = join(dir, 'cp2.json');
      assert.equal(kw(vault, ['audit', 'checkpoint', '--out', cp2File]).status, 0);
      const cp2 = JSON.parse(readFileSync(cp2File, 'utf8')) as { seq: number };
      // Someone puts the old copy back: the chain and its sealed head agree, only the checkpoint shows the cut.
      rmSync(vault, { recursive: true, force: true });
      cpSync(old, vault, { recursive: true });
      const blind = kw(vault, ['audit', 'verify']);
      assert.equal(blind.json().ok, true);
      const cut = kw(vault, ['audit', 'verify', '--checkpoint', cp2File]);
      assert.equal(cut.status, 2);
      const verdict = cut.json();
      assert.equal(verdict.ok, false);
      assert.ok(['truncated', 'checkpointMismatch'].includes(verdict.reason), verdict.reason);
      assert.ok(verdict.brokenAtSeq <= cp2.seq && verdict.brokenAtSeq > file.seq);

      // A filtered export in both formats, checked by another process that has no vault.
      for (const format of ['jsonl', 'csv'] as const) {
        const out = join(dir, `export.${format}`);
        const ex = kw(vault, ['audit', 'export', '--format', format, '--event', 'encrypt', '--out', out]);
        assert.equal(ex.status, 0, ex.err);
        assert.ok(ex.json().records >= 1);
        const good = verifyExportWithoutVault(out);
        assert.equal(good.status, 0, good.err);
        const g = good.json();
        assert.equal(g.ok, true);
        assert.equal(g.signatureValid, true);
        assert.equal(g.records, ex.json().records);
        assert.equal((g.records as number) + (g.digests as number), ex.json().checkpointSeq);

        // One exported record changed: named by its sequence number.
        const text = readFileSync(out, 'utf8');
        const lines = text.split('\n');
        const at = lines.findIndex((l) => l.includes('encrypt') && !l.includes('keywarden-audit-export'));
        const seq = format === 'jsonl' ? (JSON.parse(lines[at]!) as { seq: number }).seq : Number(lines[at]!.split(',')[1]);
        lines[at] = lines[at]!.replace('"encrypt"', '"decrypt"');
        writeFileSync(out, lines.join('\n'));
        const bad = verifyExportWithoutVault(out);
        assert.equal(bad.status, 2);
        assert.deepEqual([bad.json().ok, bad.json().brokenAtSeq, bad.json().reason], [false, seq, 'recordAltered']);
      }

      // Bad input is a typed error naming the file, and changes nothing.
      const missing = verifyExportWithoutVault(join(dir, 'nope.jsonl'));
      assert.equal(missing.status, 1);
      assert.equal(JSON.parse(missing.err).code, 'InvalidParameter');
      writeFileSync(join(dir, 'junk.json'), '{"format":"something else"}');
      const junk = kw(vault, ['audit', 'verify', '--checkpoint', join(dir, 'junk.json')]);
      assert.equal(junk.status, 1);
      assert.equal(JSON.parse(junk.err).code, 'InvalidParameter');
      assert.ok(existsSync(vault));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
