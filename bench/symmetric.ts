/**
 * Symmetric rows through the core (audited): encrypt, decrypt and data keys on 64-byte
 * messages, beside raw node:crypto AES-256-GCM (a fresh IV per seal) and
 * `openssl speed -evp aes-256-gcm` on 64-byte blocks, measured in the same run.
 */
import { opensslEvp, rawNode } from './baselines.ts';
import type { BenchVault } from './core.ts';
import type { Comparison } from './table.ts';

export async function symmetricComparisons(vault: BenchVault): Promise<Comparison[]> {
  const aes = await vault.createKey('AES_256', 'ENCRYPT_DECRYPT');
  const sm4 = await vault.createKey('SM4', 'ENCRYPT_DECRYPT');
  const plaintext = Buffer.alloc(64, 7).toString('base64');
  const { ciphertextBlob } = await vault.api.encrypt({ cmkUuid: aes.cmkUuid, plaintext });
  const evp = opensslEvp('aes-256-gcm', 64);
  const openssl = evp ? { label: 'openssl speed -evp aes-256-gcm -bytes 64', perSec: evp / 64 } : null;
  return [
    {
      title: 'AES-256-GCM seal 64 B',
      raw: { label: 'node:crypto, fresh IV per call', op: rawNode.aesGcmSeal(64) },
      openssl,
      contenders: [
        { label: 'core encrypt AES_256 (audited)', op: () => vault.api.encrypt({ cmkUuid: aes.cmkUuid, plaintext }), target: { minRatio: 0.5, minRate: 20_000 } },
        { label: 'core generateDataKey 32 B (audited)', op: () => vault.api.generateDataKey({ cmkUuid: aes.cmkUuid }) },
        { label: 'core encrypt SM4 (SM4-GCM; audited)', op: () => vault.api.encrypt({ cmkUuid: sm4.cmkUuid, plaintext }) },
      ],
    },
    {
      title: 'AES-256-GCM open 64 B',
      raw: { label: 'node:crypto', op: rawNode.aesGcmOpen(64) },
      openssl,
      contenders: [{ label: 'core decrypt AES_256 (audited)', op: () => vault.api.decrypt({ ciphertextBlob }) }],
    },
  ];
}
