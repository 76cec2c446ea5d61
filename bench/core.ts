/**
 * Throughput of operations through the whole core (schema check, state checks, key
 * unsealing, crypto, audit with group commit) on a temp vault, one call after another.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keywarden } from '../core/service/keywarden.ts';
import type { BenchOptions, BenchResult } from './crypto-raw.ts';

export async function measureAsync(name: string, op: () => Promise<unknown>, opts: BenchOptions = {}): Promise<BenchResult> {
  const duration = opts.durationMs ?? 1000;
  for (let i = 0; i < 20; i++) await op();
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < duration) {
    for (let i = 0; i < 20; i++) await op();
    ops += 20;
    now = performance.now();
  }
  const ms = now - start;
  return { name, ops, ms, opsPerSec: Math.round((ops * 1000) / ms) };
}

export async function runCoreBenchmarks(opts: BenchOptions = {}): Promise<Record<string, BenchResult>> {
  const dir = mkdtempSync(join(tmpdir(), 'kw-bench-'));
  const kw = await Keywarden.open({ vaultDir: dir, scryptCost: { N: 2 ** 14, r: 8, p: 1 }, schedulerIntervalMs: 0 });
  try {
    const api = kw.api({ actor: 'bench' });
    await api.initVault({ passphrase: 'benchmark passphrase' });
    const aes = (await api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT' })).keyMetadata.cmkUuid;
    const sm4 = (await api.createKey({ keySpec: 'SM4', keyUsage: 'ENCRYPT_DECRYPT' })).keyMetadata.cmkUuid;
    const sm2 = (await api.createKey({ keySpec: 'SM2', keyUsage: 'SIGN_VERIFY' })).keyMetadata.cmkUuid;
    const rsa = (await api.createKey({ keySpec: 'RSA_2048', keyUsage: 'SIGN_VERIFY' })).keyMetadata.cmkUuid;
    const sm2v = (await api.listKeyVersions({ cmkUuid: sm2 })).keyVersions[0]!.keyVersionId;
    const rsav = (await api.listKeyVersions({ cmkUuid: rsa })).keyVersions[0]!.keyVersionId;
    const plaintext = Buffer.alloc(64, 7).toString('base64');
    const blob = (await api.encrypt({ cmkUuid: aes, plaintext })).ciphertextBlob;
    const message = Buffer.from('benchmark message').toString('base64');
    const out: Record<string, BenchResult> = {};
    out.encrypt = await measureAsync('core encrypt AES-256 64 B (audited)', () => api.encrypt({ cmkUuid: aes, plaintext }), opts);
    out.encryptSm4 = await measureAsync('core encrypt SM4 64 B (audited)', () => api.encrypt({ cmkUuid: sm4, plaintext }), opts);
    out.decrypt = await measureAsync('core decrypt AES-256 64 B (audited)', () => api.decrypt({ ciphertextBlob: blob }), opts);
    out.generateDataKey = await measureAsync('core generateDataKey 32 B (audited)', () => api.generateDataKey({ cmkUuid: aes }), opts);
    out.sm2Sign = await measureAsync('core asymmetricSign SM2DSA (audited)', () => api.asymmetricSign({ cmkUuid: sm2, keyVersionId: sm2v, algorithm: 'SM2DSA', message }), opts);
    out.rsaSign = await measureAsync('core asymmetricSign RSA_PKCS1_SHA_256 (audited)', () => api.asymmetricSign({ cmkUuid: rsa, keyVersionId: rsav, algorithm: 'RSA_PKCS1_SHA_256', message }), opts);
    kw.services.audit.flush();
    return out;
  } finally {
    kw.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
