/** The BYOK wizard's upload: base64 text files (the reference's EncryptedKeyMaterial_base64.txt) as text, binary files as bytes. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uploadBase64 } from '../../renderer/screens/byok-files.ts';

describe('BYOK upload file detection', () => {
  test('the files the reference steps make with openssl: .bin as bytes, _base64.txt as its text', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-byok-files-'));
    try {
      for (const n of [256, 40 + 256, 512]) {
        const raw = randomBytes(n);
        writeFileSync(join(dir, 'EncryptedKeyMaterial.bin'), raw);
        execFileSync('openssl', ['enc', '-e', '-base64', '-A', '-in', 'EncryptedKeyMaterial.bin', '-out', 'EncryptedKeyMaterial_base64.txt'], { cwd: dir });
        const fromBin = uploadBase64(readFileSync(join(dir, 'EncryptedKeyMaterial.bin')));
        const fromTxt = uploadBase64(readFileSync(join(dir, 'EncryptedKeyMaterial_base64.txt')));
        assert.equal(fromBin.detected, 'binary');
        assert.equal(fromTxt.detected, 'text');
        assert.equal(fromBin.base64, raw.toString('base64'));
        assert.equal(fromTxt.base64, raw.toString('base64'), 'the text file is not encoded a second time');
        // openssl without -A wraps lines at 64 characters; a trailing newline is common too.
        execFileSync('openssl', ['enc', '-e', '-base64', '-in', 'EncryptedKeyMaterial.bin', '-out', 'wrapped.txt'], { cwd: dir });
        assert.deepEqual(uploadBase64(readFileSync(join(dir, 'wrapped.txt'))), { base64: raw.toString('base64'), detected: 'text' });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('text that is not base64, and empty files, are sent as bytes', () => {
    assert.equal(uploadBase64(Buffer.from('not base64!')).detected, 'binary');
    assert.equal(uploadBase64(Buffer.from('abc')).detected, 'binary', 'not a whole number of base64 quanta');
    assert.deepEqual(uploadBase64(new Uint8Array(0)), { base64: '', detected: 'binary' });
  });
});
