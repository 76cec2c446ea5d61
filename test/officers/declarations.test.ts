import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { contract, OPERATION_NAMES } from '../../core/api/contract.ts';
import { tempVault } from '../helpers/temp-vault.ts';
import { COMMON_ITEMS, ROLE_ITEMS } from '../../core/officers/roles.ts';

/** The authorisation items of the reference KMS's permission table (002, KMS支持的授权项), by operation. */
const SEED_ITEMS: Record<string, string> = {
  createKey: 'kms:cmk:create',
  enableKey: 'kms:cmk:enable',
  disableKey: 'kms:cmk:disable',
  scheduleKeyDeletion: 'kms:cmk:delete',
  cancelKeyDeletion: 'kms:cmk:undelete',
  updateKeyDescription: 'kms:cmk:update',
  listKeys: 'kms:cmk:list',
  describeKey: 'kms:cmk:describe',
  deleteProtect: 'kms:cmk:deleteProtect',
  cancelDeleteProtect: 'kms:cmk:cancelDeleteProtect',
  getParametersForImport: 'kms:cmk:getParameters',
  importKeyMaterial: 'kms:cmk:importMaterial',
  deleteKeyMaterial: 'kms:cmk:deleteMaterial',
  updateRotationPolicy: 'kms:cmk:updateRotation',
  createKeyVersion: 'kms:cmk:createVersion',
  listKeyVersions: 'kms:cmk:listVersions',
  describeKeyVersion: 'kms:cmk:describeVersion',
  createAlias: 'kms:cmk:createAlias',
  deleteAlias: 'kms:cmk:deleteAlias',
  updateAlias: 'kms:cmk:updateAlias',
  listAliasByUuid: 'kms:cmk:listAliasByUuid',
  listAlias: 'kms:cmk:listAlias',
  encrypt: 'kms:cmk:encrypt',
  generateDataKey: 'kms:cmk:generateDataKey',
  generateDataKeyWithoutPlaintext: 'kms:cmk:generateDataKeyWithoutPlaintext',
  exportDataKey: 'kms:cmk:exportDataKey',
  generateAndExportDataKey: 'kms:cmk:generateAndExportDataKey',
  decrypt: 'kms:cmk:decrypt',
  reEncrypt: 'kms:cmk:reEncrypt',
  asymmetricSign: 'kms:cmk:asymmetricSign',
  asymmetricVerify: 'kms:cmk:asymmetricVerify',
  asymmetricEncrypt: 'kms:cmk:asymmetricEncrypt',
  asymmetricDecrypt: 'kms:cmk:asymmetricDecrypt',
  getPublicKey: 'kms:cmk:getPublicKey',
  createCertificate: 'kms:cert:create',
  importCertificate: 'kms:cert:import',
  listCertificate: 'kms:cert:list',
  describeCertificate: 'kms:cert:describe',
  updateCertificateStatus: 'kms:cert:update',
  getCertificate: 'kms:cert:get',
  // The reference's spelling, kept so policies written for it carry over.
  exportCertificatePrivateKey: 'kms:cert:exportPrivatkey',
  deleteCertificate: 'kms:cert:delete',
  certificatePrivateKeySign: 'kms:cert:privateKeySign',
  certificatePublicKeyVerify: 'kms:cert:publicKeyVerity',
  certificatePublicKeyEncrypt: 'kms:cert:publicKeyEncrypt',
  certificatePrivateKeyDecrypt: 'kms:cert:privateKeyDecrypt',
  getRandom: 'kms:cert:getRandom',
};

describe('operation declarations', () => {
  test('every operation declares a permission item and a gate', () => {
    for (const name of OPERATION_NAMES) {
      const def = contract[name] as { permission?: unknown; gate?: unknown };
      assert.match(String(def.permission), /^kms:[a-z]+:[A-Za-z]+$/, `${name} permission`);
      assert.ok(def.gate === 'unlocked' || def.gate === 'none', `${name} gate`);
    }
  });

  test("operations in the reference's permission table use its item", () => {
    for (const [name, item] of Object.entries(SEED_ITEMS)) {
      assert.equal(contract[name as keyof typeof contract].permission, item, name);
    }
  });

  test('only the steps before and around unlocking run on a locked vault', () => {
    const open = OPERATION_NAMES.filter((n) => contract[n].gate === 'none').sort();
    assert.deepEqual(open, [
      'beginSignIn', 'changePassphrase', 'changeTokenPin', 'describeToken', 'getCustodySettings', 'getVaultStatus', 'initToken', 'initVault',
      'listMechanisms', 'listOfficers', 'listQuorumPolicies', 'listRoles', 'listTokenCertificates', 'listTokens', 'lockVault', 'signApproval', 'signIn', 'signOut', 'signWithTokenKey',
      'tokenLogin', 'tokenLogout', 'unlockVault', 'unlockVaultWithToken', 'whoAmI',
    ]);
  });

  test('every permission item of the contract is held by a built-in role or by every officer', () => {
    const held = new Set<string>([...COMMON_ITEMS, ...Object.values(ROLE_ITEMS).flat()]);
    for (const name of OPERATION_NAMES) assert.ok(held.has(contract[name].permission), `${name}: ${contract[name].permission}`);
  });

  test('the declared gate is enforced at dispatch for every door, before the handler runs', async () => {
    const v = await tempVault();
    try {
      const api = v.kw.api({ actor: 't' });
      await api.lockVault({});
      for (const name of ['configureTokenModule', 'addTokenUnlock', 'runScheduledWork', 'describeVaultOverview'] as const) {
        const r = await v.kw.call(name, name === 'configureTokenModule' ? { modulePath: '/usr/lib/softhsm/libsofthsm2.so' } : name === 'addTokenUnlock' ? { tokenLabel: 'x' } : {}, { actor: 't' });
        assert.equal(!r.ok && r.error.code, 'VaultLocked', name);
      }
    } finally {
      v.cleanup();
    }
  });
});
