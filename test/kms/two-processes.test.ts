import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keywarden } from '../../core/service/keywarden.ts';
import { tempVault, rejectsWith, b64, LOW_SCRYPT, TEST_PASSPHRASE } from '../helpers/temp-vault.ts';
import { CROSS_PROCESS_CHECK_MS } from '../../core/catalogue/change-tracker.ts';

/** Changes by another process are obeyed within CROSS_PROCESS_CHECK_MS. */
const settle = () => new Promise((r) => setTimeout(r, CROSS_PROCESS_CHECK_MS + 1));

/**
 * Two Keywarden instances on one vault (the CLI next to the desktop app): a state
 * change made by one is obeyed by the other within the documented bound, whatever
 * either has cached.
 */
describe('two openers of one vault', () => {
  test('disable, rotation and deletion by one are obeyed by the other within the bound', async () => {
    const a = await tempVault();
    const b = await Keywarden.open({ vaultDir: a.dir, clock: a.clock, scryptCost: LOW_SCRYPT, schedulerIntervalMs: 0 });
    try {
      const apiB = b.api({ actor: 'second' });
      await apiB.unlockVault({ passphrase: TEST_PASSPHRASE });
      const { keyMetadata: k } = await a.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT' });
      for (let i = 0; i < 3; i++) await apiB.encrypt({ cmkUuid: k.cmkUuid, plaintext: b64('warm the cache') });
      await a.api.disableKey({ cmkUuid: k.cmkUuid });
      await settle();
      await rejectsWith(apiB.encrypt({ cmkUuid: k.cmkUuid, plaintext: b64('x') }), 'InvalidKeyState');
      await a.api.enableKey({ cmkUuid: k.cmkUuid });
      const rotated = await a.api.rotateKey({ cmkUuid: k.cmkUuid });
      await settle();
      assert.equal((await apiB.encrypt({ cmkUuid: k.cmkUuid, plaintext: b64('x') })).keyVersionId, rotated.keyVersionId);
      await a.api.scheduleKeyDeletion({ cmkUuid: k.cmkUuid, pendingWindowInDays: 7 });
      await settle();
      await rejectsWith(apiB.encrypt({ cmkUuid: k.cmkUuid, plaintext: b64('x') }), 'InvalidKeyState');
    } finally {
      b.close();
      a.cleanup();
    }
  });
});
