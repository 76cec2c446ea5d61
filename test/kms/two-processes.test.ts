import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keywarden } from '../../core/service/keywarden.ts';
import { tempVault, rejectsWith, b64, LOW_SCRYPT, TEST_PASSPHRASE } from '../helpers/temp-vault.ts';

/**
 * Two Keywarden instances on one vault (the CLI next to the desktop app): a state
 * change made by one is obeyed by the very next call of the other, whatever either
 * has cached.
 */
describe('two openers of one vault', () => {
  test('disable, rotation and deletion by one are seen at once by the other', async () => {
    const a = await tempVault();
    const b = await Keywarden.open({ vaultDir: a.dir, clock: a.clock, scryptCost: LOW_SCRYPT, schedulerIntervalMs: 0 });
    try {
      const apiB = b.api({ actor: 'second' });
      await apiB.unlockVault({ passphrase: TEST_PASSPHRASE });
      const { keyMetadata: k } = await a.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT' });
      for (let i = 0; i < 3; i++) await apiB.encrypt({ cmkUuid: k.cmkUuid, plaintext: b64('warm the cache') });
      await a.api.disableKey({ cmkUuid: k.cmkUuid });
      await rejectsWith(apiB.encrypt({ cmkUuid: k.cmkUuid, plaintext: b64('x') }), 'InvalidKeyState');
      await a.api.enableKey({ cmkUuid: k.cmkUuid });
      const rotated = await a.api.rotateKey({ cmkUuid: k.cmkUuid });
      assert.equal((await apiB.encrypt({ cmkUuid: k.cmkUuid, plaintext: b64('x') })).keyVersionId, rotated.keyVersionId);
      await a.api.scheduleKeyDeletion({ cmkUuid: k.cmkUuid, pendingWindowInDays: 7 });
      await rejectsWith(apiB.encrypt({ cmkUuid: k.cmkUuid, plaintext: b64('x') }), 'InvalidKeyState');
    } finally {
      b.close();
      a.cleanup();
    }
  });
});
