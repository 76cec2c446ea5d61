/**
 * A temp vault for the bench: operations run through the whole core (schema check, state
 * checks, key material, crypto, audit with group commit), one call after another, as a
 * caller of `Keywarden.api` sees them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keywarden } from '../core/service/keywarden.ts';
import type { KeywardenApi } from '../core/api/contract.ts';
import type { KeySpec, KeyUsage } from '../core/domain/key-specs.ts';
import type { BenchOptions, BenchResult } from './crypto-raw.ts';
import { measureOp } from './table.ts';

export interface BenchVault {
  kw: Keywarden;
  api: KeywardenApi;
  /** Creates a software key and returns its id and first version id. */
  createKey(keySpec: KeySpec, keyUsage: KeyUsage): Promise<{ cmkUuid: string; keyVersionId: string }>;
  close(): void;
}

export async function openBenchVault(): Promise<BenchVault> {
  const dir = mkdtempSync(join(tmpdir(), 'kw-bench-'));
  const kw = await Keywarden.open({ vaultDir: dir, scryptCost: { N: 2 ** 14, r: 8, p: 1 }, schedulerIntervalMs: 0 });
  const api = kw.api({ actor: 'bench' });
  await api.initVault({ passphrase: 'benchmark passphrase' });
  return {
    kw,
    api,
    async createKey(keySpec, keyUsage) {
      const cmkUuid = (await api.createKey({ keySpec, keyUsage })).keyMetadata.cmkUuid;
      const keyVersionId = (await api.listKeyVersions({ cmkUuid })).keyVersions[0]!.keyVersionId;
      return { cmkUuid, keyVersionId };
    },
    close() {
      kw.services.audit.flush();
      kw.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Kept for callers that time one async operation on its own. */
export async function measureAsync(name: string, op: () => Promise<unknown>, opts: BenchOptions = {}): Promise<BenchResult> {
  return measureOp(name, op, opts.durationMs ?? 1000);
}
