import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { kw } from '../helpers/cli.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('kw command line', () => {
  let dir: string;
  let vault: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kw-cli-'));
    vault = join(dir, 'vault');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('init creates an unlocked vault; a second init fails with a code', () => {
    const r = kw(vault, ['init']);
    assert.equal(r.status, 0, r.err);
    assert.equal(r.json().initialized, true);
    const again = kw(vault, ['init']);
    assert.notEqual(again.status, 0);
    assert.equal(JSON.parse(again.err).code, 'VaultAlreadyInitialized');
  });

  test('friendly commands: key create, list, describe, encrypt, decrypt', () => {
    const c = kw(vault, ['key', 'create', '--spec', 'SM4', '--usage', 'ENCRYPT_DECRYPT', '--alias', 'alias/cli', '--description', '命令行']);
    assert.equal(c.status, 0, c.err);
    const id = c.json().keyMetadata.cmkUuid;
    const list = kw(vault, ['key', 'list']).json();
    assert.equal(list.totalCount, 1);
    assert.equal(kw(vault, ['key', 'describe', 'alias/cli']).json().keyMetadata.cmkUuid, id);
    const enc = kw(vault, ['encrypt', '--key', 'alias/cli', '--text', '你好, officer']).json();
    const blobFile = join(dir, 'blob.txt');
    writeFileSync(blobFile, enc.ciphertextBlob);
    const outFile = join(dir, 'plain.txt');
    const dec = kw(vault, ['decrypt', '--in', blobFile, '--out', outFile]);
    assert.equal(dec.status, 0, dec.err);
    assert.equal(readFileSync(outFile, 'utf8'), '你好, officer');
    assert.ok(!dec.out.includes('你好'), 'plaintext written to the file, not printed');
  });

  test('api door serves the whole contract and prints errors as {code,message}', () => {
    const r = kw(vault, ['api', 'createKey', JSON.stringify({ keySpec: 'RSA_2048', keyUsage: 'SIGN_VERIFY' })]);
    assert.equal(r.status, 0, r.err);
    const id = r.json().keyMetadata.cmkUuid;
    const versions = kw(vault, ['api', 'listKeyVersions', JSON.stringify({ cmkUuid: id })]).json();
    const pub = kw(vault, ['api', 'getPublicKey', JSON.stringify({ cmkUuid: id, keyVersionId: versions.keyVersions[0].keyVersionId })]).json();
    assert.match(pub.publicKey, /^-----BEGIN PUBLIC KEY-----/);
    const bad = kw(vault, ['api', 'scheduleKeyDeletion', JSON.stringify({ cmkUuid: id, pendingWindowInDays: 99 })]);
    assert.equal(bad.status, 1);
    const err = JSON.parse(bad.err);
    assert.equal(err.code, 'InvalidParameter');
    assert.match(err.message, /pendingWindowInDays/);
    assert.equal(JSON.parse(kw(vault, ['api', 'noSuchOperation', '{}']).err).code, 'UnknownOperation');
    assert.equal(JSON.parse(kw(vault, ['api', 'describeKey', '{not json']).err).code, 'InvalidParameter');
  });

  test('a wrong passphrase is a clear error', () => {
    const r = kw(vault, ['key', 'list'], { KW_PASSPHRASE: 'not the passphrase' });
    assert.equal(r.status, 1);
    assert.equal(JSON.parse(r.err).code, 'WrongPassphrase');
    assert.ok(!r.err.includes('not the passphrase'));
  });

  test('the passphrase can come from a file', () => {
    const f = join(dir, 'pass.txt');
    writeFileSync(f, 'cli test passphrase\n', { mode: 0o600 });
    const r = kw(vault, ['--passphrase-file', f, 'status'], { KW_PASSPHRASE: '' });
    assert.equal(r.status, 0, r.err);
    const list = kw(vault, ['--passphrase-file', f, 'key', 'list'], { KW_PASSPHRASE: '' });
    assert.equal(list.status, 0, list.err);
  });

  test('ops lists every operation', () => {
    const ops = kw(vault, ['ops']).json() as Array<{ operation: string }>;
    for (const name of ['createKey', 'encrypt', 'decrypt', 'asymmetricSign', 'getRandom']) assert.ok(ops.some((o) => o.operation === name), name);
  });
});
