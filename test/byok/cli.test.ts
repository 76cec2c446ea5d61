/** `kw byok prepare` end to end: files from a "console", a real CLI process, openssl unwraps the output. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keywarden } from '../../core/service/keywarden.ts';
import { openssl, PASSPHRASE } from './harness.ts';

const root = new URL('../..', import.meta.url).pathname;

function kw(vault: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'core/cli/main.ts'), '--vault', vault, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, KW_PASSPHRASE: PASSPHRASE, KW_SCRYPT_LOG2N: '14' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('kw byok prepare', () => {
  test('writes EncryptedKeyMaterial.bin, its base64 and the token for Tianyi; openssl recovers the escrowed material', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-byok-cli-'));
    try {
      const vault = join(dir, 'vault');
      assert.equal(kw(vault, ['init']).status, 0);
      openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'tianyi.pem'], dir);
      openssl(['pkey', '-in', 'tianyi.pem', '-pubout', '-outform', 'der', '-out', 'tianyi.der'], dir);
      // The console's downloads: base64 text of the DER public key, and a token file.
      writeFileSync(join(dir, 'PublicKey_base64.txt'), readFileSync(join(dir, 'tianyi.der')).toString('base64'));
      writeFileSync(join(dir, 'ImportToken.txt'), 'dGlhbnlpLWltcG9ydC10b2tlbg==');
      const out = join(dir, 'out');
      const r = kw(vault, ['byok', 'prepare', '--target', 'tianyi', '--public-key', join(dir, 'PublicKey_base64.txt'), '--import-token', join(dir, 'ImportToken.txt'), '--algorithm', 'RSAES_OAEP_SHA_256', '--key-spec', 'AES_256', '--out', out]);
      assert.equal(r.status, 0, r.stderr);
      const res = JSON.parse(r.stdout) as { escrowId: string; tokenExpiresAt: string; files: string[] };
      assert.deepEqual(readdirSync(out).sort(), ['EncryptedKeyMaterial.bin', 'EncryptedKeyMaterial_base64.txt', 'ImportToken.txt', 'byok-manifest.json']);
      assert.deepEqual(readFileSync(join(out, 'ImportToken.txt')), readFileSync(join(dir, 'ImportToken.txt')));
      assert.equal(readFileSync(join(out, 'EncryptedKeyMaterial_base64.txt'), 'utf8'), readFileSync(join(out, 'EncryptedKeyMaterial.bin')).toString('base64'));
      execFileSync('openssl', ['pkeyutl', '-decrypt', '-inkey', 'tianyi.pem', '-in', join(out, 'EncryptedKeyMaterial.bin'), '-out', 'material.bin', '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha256'], { cwd: dir });

      const k = await Keywarden.open({ vaultDir: vault, schedulerIntervalMs: 0 });
      try {
        await k.api({ actor: 'test' }).unlockVault({ passphrase: PASSPHRASE });
        const row = k.services.db.prepare('SELECT sealed_material FROM byok_escrow WHERE id = ?').get(res.escrowId) as { sealed_material: Buffer };
        assert.deepEqual(k.services.vault.sealer().open(`byok:escrow:${res.escrowId}`, 'AES_256', row.sealed_material), readFileSync(join(dir, 'material.bin')));
      } finally {
        k.close();
      }

      const list = kw(vault, ['byok', 'list', '--target', 'tianyi']);
      assert.equal((JSON.parse(list.stdout) as { totalCount: number }).totalCount, 1);
      const bad = kw(vault, ['byok', 'prepare', '--target', 'aws', '--public-key', join(dir, 'tianyi.der'), '--algorithm', 'RSAES_PKCS1_V1_5', '--key-spec', 'AES_256', '--out', join(dir, 'no')]);
      assert.notEqual(bad.status, 0);
      assert.equal((JSON.parse(bad.stderr) as { code: string }).code, 'InvalidParameter');
      const missing = kw(vault, ['byok', 'prepare', '--target', 'aws', '--algorithm', 'RSAES_OAEP_SHA_256', '--key-spec', 'AES_256', '--out', join(dir, 'no')]);
      assert.equal((JSON.parse(missing.stderr) as { code: string }).code, 'MissingParameter');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
