import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempVault, rejectsWith, b64, TEST_PASSPHRASE } from '../helpers/temp-vault.ts';

describe('vault', () => {
  test('init, lock, unlock; a wrong passphrase changes nothing', async () => {
    const v = await tempVault({ init: false });
    try {
      assert.deepEqual(
        { ...(await v.api.getVaultStatus({})), selfTest: undefined, cryptoSuite: undefined },
        { initialized: false, unlocked: false, vaultId: null, unlockMethods: [], auditHealthy: true, selfTest: undefined, cryptoSuite: undefined },
      );
      await rejectsWith(v.api.listKeys({}), 'VaultNotInitialized');
      await rejectsWith(v.api.initVault({ passphrase: 'short' }), 'InvalidParameter');
      const s = await v.api.initVault({ passphrase: TEST_PASSPHRASE });
      assert.equal(s.unlocked, true);
      assert.deepEqual(s.unlockMethods, ['passphrase']);
      await rejectsWith(v.api.initVault({ passphrase: TEST_PASSPHRASE }), 'VaultAlreadyInitialized');
      const { keyMetadata: k } = await v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT' });
      const ct = await v.api.encrypt({ cmkUuid: k.cmkUuid, plaintext: b64('x') });
      await v.api.lockVault({});
      await rejectsWith(v.api.decrypt({ ciphertextBlob: ct.ciphertextBlob }), 'VaultLocked');
      await rejectsWith(v.api.listKeys({}), 'VaultLocked');
      await rejectsWith(v.api.unlockVault({ passphrase: 'wrong passphrase' }), 'WrongPassphrase');
      assert.equal((await v.api.getVaultStatus({})).unlocked, false);
      await v.api.unlockVault({ passphrase: TEST_PASSPHRASE });
      assert.equal((await v.api.decrypt({ ciphertextBlob: ct.ciphertextBlob })).plaintext, b64('x'));
    } finally {
      v.cleanup();
    }
  });

  test('changePassphrase re-wraps the root key; old passphrase stops working', async () => {
    const v = await tempVault();
    try {
      const { keyMetadata: k } = await v.api.createKey({ keySpec: 'SM4', keyUsage: 'ENCRYPT_DECRYPT' });
      const ct = await v.api.encrypt({ cmkUuid: k.cmkUuid, plaintext: b64('kept') });
      await rejectsWith(v.api.changePassphrase({ oldPassphrase: 'nope nope', newPassphrase: 'a new long passphrase' }), 'WrongPassphrase');
      await v.api.changePassphrase({ oldPassphrase: TEST_PASSPHRASE, newPassphrase: 'a new long passphrase' });
      await v.api.lockVault({});
      await rejectsWith(v.api.unlockVault({ passphrase: TEST_PASSPHRASE }), 'WrongPassphrase');
      await v.api.unlockVault({ passphrase: 'a new long passphrase' });
      assert.equal((await v.api.decrypt({ ciphertextBlob: ct.ciphertextBlob })).plaintext, b64('kept'));
    } finally {
      v.cleanup();
    }
  });

  test('the vault folder holds only the catalogue, and no key material in the clear', async () => {
    const v = await tempVault();
    try {
      const dk = await v.api.generateDataKey({ cmkUuid: (await v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT' })).keyMetadata.cmkUuid });
      v.kw.services.audit.flush();
      const files = readdirSync(v.dir).sort();
      assert.ok(files.every((f) => f.startsWith('keywarden.db')), files.join(','));
      const plain = Buffer.from(dk.plaintext, 'base64');
      for (const f of files) assert.equal(readFileSync(join(v.dir, f)).indexOf(plain), -1, `${f} contains the data key`);
      const rows = v.kw.services.db.prepare('SELECT sealed_material FROM key_versions').all() as Array<{ sealed_material: Buffer }>;
      assert.ok(rows.length > 0);
    } finally {
      v.cleanup();
    }
  });

  test('swapping sealed material between rows is detected, not obeyed', async () => {
    const v = await tempVault();
    try {
      const a = (await v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT' })).keyMetadata;
      const b = (await v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT' })).keyMetadata;
      const db = v.kw.services.db;
      const mb = (db.prepare('SELECT sealed_material FROM key_versions WHERE key_id = ?').get(b.cmkUuid) as { sealed_material: Buffer }).sealed_material;
      db.prepare('UPDATE key_versions SET sealed_material = ? WHERE key_id = ?').run(mb, a.cmkUuid);
      await rejectsWith(v.api.encrypt({ cmkUuid: a.cmkUuid, plaintext: b64('x') }), 'VaultCorrupt');
    } finally {
      v.cleanup();
    }
  });
});
