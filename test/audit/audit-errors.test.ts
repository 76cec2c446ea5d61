/** Bad input to the audit operations: a typed error and nothing changed, or a verdict naming what is wrong. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { tempVault, rejectsWith } from '../helpers/temp-vault.ts';

describe('audit operations refuse bad input with typed errors', () => {
  test('checkpoint files: malformed is InvalidParameter; forged or foreign is reported by the verdict', async () => {
    const v = await tempVault();
    const other = await tempVault();
    try {
      const { checkpoint } = await v.api.createAuditCheckpoint({});
      const records = () => v.kw.services.db.prepare('SELECT count(*) FROM audit_checkpoints').pluck().get();
      const before = records();
      for (const bad of [
        { ...checkpoint, format: 'v0' },
        { ...checkpoint, hash: 'zz' },
        { ...checkpoint, seq: 0 },
        { ...checkpoint, signature: { ...checkpoint.signature, publicKey: 'not a key' } },
        { ...checkpoint, payload: checkpoint.payload.replace('seq:', 'seq: ') },
        { ...checkpoint, signature: { ...checkpoint.signature, value: 'A'.repeat(5000) } },
        { ...checkpoint, extra: true },
      ]) {
        await rejectsWith(v.api.verifyAuditChain({ checkpoint: bad as never }), 'InvalidParameter');
      }
      assert.equal(records(), before);

      // Signed by a key that is not this vault's audit key: refused by the verdict, not trusted.
      const mallory = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const forged = {
        ...checkpoint,
        signature: {
          ...checkpoint.signature,
          publicKey: mallory.publicKey.export({ type: 'spki', format: 'pem' }) as string,
          value: sign('sha256', Buffer.from(checkpoint.payload), mallory.privateKey).toString('base64'),
        },
      };
      const r1 = await v.api.verifyAuditChain({ checkpoint: forged });
      assert.deepEqual([r1.ok, r1.reason, r1.brokenAtSeq], [false, 'checkpointInvalid', null]);
      // A genuine checkpoint of another vault.
      const foreign = (await other.api.createAuditCheckpoint({})).checkpoint;
      const r2 = await v.api.verifyAuditChain({ checkpoint: foreign });
      assert.deepEqual([r2.ok, r2.reason], [false, 'checkpointInvalid']);
      // The genuine one verifies.
      assert.equal((await v.api.verifyAuditChain({ checkpoint })).ok, true);

      await rejectsWith(v.api.exportAuditLog({ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }), 'InvalidParameter');
      await rejectsWith(v.api.exportAuditLog({ format: 'xml' } as never), 'InvalidParameter');
      await v.api.lockVault({});
      await rejectsWith(v.api.createAuditCheckpoint({}), 'VaultLocked');
      await rejectsWith(v.api.verifyAuditChain({}), 'VaultLocked');
    } finally {
      v.cleanup();
      other.cleanup();
    }
  });
});
