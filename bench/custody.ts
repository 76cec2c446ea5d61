/**
 * What checking a signed-in officer costs: encrypt (AES-256, 64 B) in a custody vault as
 * a crypto operator with a session token (session resolved, role items checked) beside
 * the same encrypt in a one-officer vault (no session), both beside raw node:crypto
 * AES-256-GCM in the same interleaved rounds. Target: the check costs at most 5% of
 * encrypt throughput (signed-in rate ≥ 0.95 × owner rate).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keywarden } from '../core/service/keywarden.ts';
import { rawNode } from './baselines.ts';
import { formatComparison, runComparison } from './table.ts';

export async function main(): Promise<void> {
  const durationMs = Number(process.env.KW_BENCH_MS ?? 1000);
  const dir = mkdtempSync(join(tmpdir(), 'kw-bench-custody-'));
  const kw = await Keywarden.open({ vaultDir: dir, scryptCost: { N: 2 ** 14, r: 8, p: 1 }, schedulerIntervalMs: 0 });
  try {
    const owner = kw.api({ actor: 'bench' });
    await owner.initVault({ passphrase: 'benchmark passphrase' });
    const { cmkUuid } = (await owner.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT' })).keyMetadata;
    const plaintext = Buffer.alloc(64, 7).toString('base64');
    // The owner's rate is measured first, while the vault has one officer.
    const ownerOnly = await runComparison(
      { title: 'encrypt AES_256 64 B, one-officer vault', raw: { label: 'node:crypto, fresh IV per call', op: rawNode.aesGcmSeal(64) }, contenders: [{ label: 'core encrypt as the owner (no session)', op: () => owner.encrypt({ cmkUuid, plaintext }) }] },
      { durationMs },
    );
    await owner.addOfficer({ name: 'operator', roles: ['crypto-operator'], credential: { kind: 'software', passphrase: 'operator passphrase' } });
    const { sessionToken } = await owner.signIn({ officer: 'operator', passphrase: 'operator passphrase' });
    const operator = kw.api({ actor: 'bench', session: sessionToken });
    const signedIn = await runComparison(
      { title: 'encrypt AES_256 64 B, custody vault', raw: { label: 'node:crypto, fresh IV per call', op: rawNode.aesGcmSeal(64) }, contenders: [{ label: 'core encrypt as a signed-in crypto operator', op: () => operator.encrypt({ cmkUuid, plaintext }) }] },
      { durationMs },
    );
    console.log('Officer permission checking');
    console.log(formatComparison(ownerOnly));
    console.log(formatComparison(signedIn));
    // Each rate is taken as a ratio to raw node:crypto in its own run, so machine load between the two runs cancels out.
    const cost = 1 - signedIn.contenders[0]!.ratio / ownerOnly.contenders[0]!.ratio;
    console.log(`  signed-in permission check costs ${(cost * 100).toFixed(1)}% of encrypt throughput (target ≤ 5%: ${cost <= 0.05 ? 'met' : 'missed'})\n`);
  } finally {
    kw.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
