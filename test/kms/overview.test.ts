import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { tempVault, rejectsWith, type TempVault } from '../helpers/temp-vault.ts';
import { DAY_MS } from '../../core/domain/limits.ts';
import { OVERVIEW_LIST_MAX } from '../../core/api/ops/overview.ts';

const HOUR = 3600_000;
const iso = (ms: number) => new Date(ms).toISOString();

async function aesKey(v: TempVault, extra: { rotationIntervalDays?: number; alias?: string } = {}): Promise<string> {
  return (await v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT', ...extra })).keyMetadata.cmkUuid;
}

describe('describeVaultOverview', () => {
  test('an empty vault: zero in every tally, empty lists, the saved-nothing token module', async () => {
    const v = await tempVault();
    try {
      const o = await v.api.describeVaultOverview({});
      assert.equal(o.withinDays, 30);
      assert.equal(o.at, iso(v.clock.now()));
      assert.equal(o.keys.total, 0);
      assert.deepEqual(o.keys.byState, { Enabled: 0, Disabled: 0, PendingDeletion: 0, PendingImport: 0 });
      assert.ok(Object.values(o.keys.bySpec).every((n) => n === 0) && Object.keys(o.keys.bySpec).length === 9);
      assert.deepEqual(o.keys.byProtectionLevel, { SOFTWARE: 0, HSM: 0 });
      assert.deepEqual(o.certificates, { total: 0, byStatus: { PendingIssue: 0, Enabled: 0, Disabled: 0, Revoked: 0 } });
      for (const list of [o.dueRotation, o.dueDeletion, o.materialExpiring, o.importTokensExpiring, o.byokPackagesExpiring]) assert.deepEqual(list, { items: [], totalCount: 0 });
      assert.deepEqual(o.tokenModule, { modulePath: null, defaultTokenLabel: null });
      assert.equal(o.audit.healthy, true);
    } finally {
      v.cleanup();
    }
  });

  test('counts keys by state, spec and protection level over the whole table', async () => {
    const v = await tempVault();
    try {
      const a = await aesKey(v);
      await aesKey(v);
      const sm4 = (await v.api.createKey({ keySpec: 'SM4', keyUsage: 'ENCRYPT_DECRYPT' })).keyMetadata.cmkUuid;
      await v.api.createKey({ keySpec: 'SM2', keyUsage: 'SIGN_VERIFY' });
      await v.api.createKey({ keySpec: 'HMAC_SM3', keyUsage: 'GENERATE_VERIFY_MAC' });
      await v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT', origin: 'EXTERNAL' });
      await v.api.disableKey({ cmkUuid: a });
      await v.api.scheduleKeyDeletion({ cmkUuid: sm4, pendingWindowInDays: 7 });
      const { keys } = await v.api.describeVaultOverview({});
      assert.equal(keys.total, 6);
      assert.deepEqual(keys.byState, { Enabled: 3, Disabled: 1, PendingDeletion: 1, PendingImport: 1 });
      assert.equal(keys.bySpec.AES_256, 3);
      assert.equal(keys.bySpec.SM4, 1);
      assert.equal(keys.bySpec.SM2, 1);
      assert.equal(keys.bySpec.HMAC_SM3, 1);
      assert.equal(keys.bySpec.RSA_2048, 0);
      assert.deepEqual(keys.byProtectionLevel, { SOFTWARE: 6, HSM: 0 });
    } finally {
      v.cleanup();
    }
  });

  test('rotations due within the window, soonest first, first alias by name; the window moves with the clock', async () => {
    const v = await tempVault();
    try {
      const start = v.clock.now();
      const in30 = await aesKey(v, { rotationIntervalDays: 30, alias: 'alias/zulu' });
      await v.api.createAlias({ cmkUuid: in30, alias: 'alias/alpha' });
      v.clock.advance(1 * DAY_MS);
      const in90 = await aesKey(v, { rotationIntervalDays: 90 });
      const in7 = await aesKey(v, { rotationIntervalDays: 7 });
      const disabled = await aesKey(v, { rotationIntervalDays: 7 });
      await v.api.disableKey({ cmkUuid: disabled });
      await aesKey(v); // never rotates

      let o = await v.api.describeVaultOverview({});
      assert.deepEqual(o.dueRotation, {
        items: [
          { cmkUuid: in7, alias: null, date: iso(start + 8 * DAY_MS) },
          { cmkUuid: in30, alias: 'alias/alpha', date: iso(start + 30 * DAY_MS) },
        ],
        totalCount: 2,
      });
      o = await v.api.describeVaultOverview({ withinDays: 6 });
      assert.deepEqual(o.dueRotation.items.map((k) => k.cmkUuid), []);
      o = await v.api.describeVaultOverview({ withinDays: 7 }); // the window's end is included
      assert.deepEqual(o.dueRotation.items.map((k) => k.cmkUuid), [in7]);
      o = await v.api.describeVaultOverview({ withinDays: 365 });
      assert.deepEqual(o.dueRotation.items.map((k) => k.cmkUuid), [in7, in30, in90]);
      v.clock.advance(70 * DAY_MS); // nothing ran the scheduler: the overdue ones come first
      o = await v.api.describeVaultOverview({});
      assert.deepEqual(o.dueRotation.items.map((k) => k.cmkUuid), [in7, in30, in90]);
    } finally {
      v.cleanup();
    }
  });

  test('deletions due within the window; cancelling takes a key off the list', async () => {
    const v = await tempVault();
    try {
      const start = v.clock.now();
      const k30 = await aesKey(v, { alias: 'alias/going' });
      const k7 = await aesKey(v);
      await v.api.scheduleKeyDeletion({ cmkUuid: k30, pendingWindowInDays: 30 });
      await v.api.scheduleKeyDeletion({ cmkUuid: k7, pendingWindowInDays: 7 });
      let o = await v.api.describeVaultOverview({ withinDays: 10 });
      assert.deepEqual(o.dueDeletion, { items: [{ cmkUuid: k7, alias: null, date: iso(start + 7 * DAY_MS) }], totalCount: 1 });
      o = await v.api.describeVaultOverview({});
      assert.deepEqual(o.dueDeletion.items, [
        { cmkUuid: k7, alias: null, date: iso(start + 7 * DAY_MS) },
        { cmkUuid: k30, alias: 'alias/going', date: iso(start + 30 * DAY_MS) },
      ]);
      await v.api.cancelKeyDeletion({ cmkUuid: k7 });
      o = await v.api.describeVaultOverview({});
      assert.deepEqual(o.dueDeletion.items.map((k) => k.cmkUuid), [k30]);
      assert.equal(o.dueDeletion.totalCount, 1);
    } finally {
      v.cleanup();
    }
  });

  test('lists stop at 50 but count everything due', async () => {
    const v = await tempVault();
    try {
      const ids: string[] = [];
      for (let i = 0; i < OVERVIEW_LIST_MAX + 5; i++) {
        ids.push(await aesKey(v, { rotationIntervalDays: 7 }));
        v.clock.advance(60_000);
      }
      const o = await v.api.describeVaultOverview({});
      assert.equal(o.dueRotation.items.length, OVERVIEW_LIST_MAX);
      assert.equal(o.dueRotation.totalCount, OVERVIEW_LIST_MAX + 5);
      assert.deepEqual(o.dueRotation.items.map((k) => k.cmkUuid), ids.slice(0, OVERVIEW_LIST_MAX));
    } finally {
      v.cleanup();
    }
  });

  test('import tokens of keys waiting for material, until they lapse or the key leaves PendingImport', async () => {
    const v = await tempVault();
    try {
      const { keyMetadata: ext } = await v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT', origin: 'EXTERNAL', alias: 'alias/ext' });
      const p = await v.api.getParametersForImport({ cmkUuid: ext.cmkUuid, wrappingKeySpec: 'RSA_2048', wrappingAlgorithm: 'RSAES_OAEP_SHA_256' });
      let o = await v.api.describeVaultOverview({ withinDays: 1 });
      assert.equal(o.importTokensExpiring.totalCount, 1);
      const [tok] = o.importTokensExpiring.items;
      assert.equal(tok?.cmkUuid, ext.cmkUuid);
      assert.equal(tok?.alias, 'alias/ext');
      assert.equal(tok?.expiresAt, p.tokenExpiresAt);
      v.clock.advance(24 * HOUR);
      o = await v.api.describeVaultOverview({});
      assert.deepEqual(o.importTokensExpiring, { items: [], totalCount: 0 }, 'a lapsed token is no longer "expiring"');
      await v.api.getParametersForImport({ cmkUuid: ext.cmkUuid, wrappingKeySpec: 'RSA_2048', wrappingAlgorithm: 'RSAES_OAEP_SHA_256' });
      assert.equal((await v.api.describeVaultOverview({})).importTokensExpiring.totalCount, 1);
      await v.api.scheduleKeyDeletion({ cmkUuid: ext.cmkUuid, pendingWindowInDays: 7 });
      assert.equal((await v.api.describeVaultOverview({})).importTokensExpiring.totalCount, 0);
    } finally {
      v.cleanup();
    }
  });

  test('BYOK packages whose target token lapses within the window', async () => {
    const v = await tempVault();
    try {
      const publicKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
      const pkg = await v.api.prepareByok({ target: 'tencent', wrappingAlgorithm: 'RSAES_OAEP_SHA_256', keySpec: 'AES_256', publicKey });
      assert.ok(pkg.tokenExpiresAt);
      let o = await v.api.describeVaultOverview({ withinDays: 1 });
      assert.deepEqual(o.byokPackagesExpiring, { items: [{ packageId: pkg.packageId, target: 'tencent', keySpec: 'AES_256', tokenExpiresAt: pkg.tokenExpiresAt }], totalCount: 1 });
      v.clock.advance(25 * HOUR);
      o = await v.api.describeVaultOverview({});
      assert.equal(o.byokPackagesExpiring.totalCount, 0);
    } finally {
      v.cleanup();
    }
  });

  test('certificates by status', async () => {
    const v = await tempVault();
    try {
      await v.api.createCertificate({ subject: { CN: 'one.example.cn', C: 'CN', O: 'Keywarden', OU: ['Ops'] }, keySpec: 'EC_P256' });
      const { certificateId } = await v.api.createCertificate({ subject: { CN: 'two.example.cn', C: 'CN', O: 'Keywarden', OU: ['Ops'] }, keySpec: 'EC_P256' });
      assert.deepEqual((await v.api.describeVaultOverview({})).certificates, { total: 2, byStatus: { PendingIssue: 2, Enabled: 0, Disabled: 0, Revoked: 0 } });
      await v.api.deleteCertificate({ certificateId });
      assert.deepEqual((await v.api.describeVaultOverview({})).certificates.byStatus.PendingIssue, 1);
    } finally {
      v.cleanup();
    }
  });

  test('audit health: record count, last record time and recent failures, buffered records included', async () => {
    const v = await tempVault();
    try {
      await aesKey(v);
      await rejectsWith(v.api.describeKey({ cmkUuid: 'alias/missing' }), 'AliasNotFound');
      await rejectsWith(v.api.describeKey({ cmkUuid: 'alias/missing-too' }), 'AliasNotFound');
      v.clock.advance(5000);
      const o = await v.api.describeVaultOverview({});
      const chain = await v.api.verifyAuditChain({});
      // The chain check itself is recorded after this overview was taken.
      assert.equal(o.audit.records, chain.records - 1);
      assert.equal(o.audit.recentFailures.failures, 2);
      assert.equal(o.audit.recentFailures.window, 1000);
      assert.equal(o.audit.lastRecordAt, iso(v.clock.now() - 5000));
      assert.equal(o.audit.healthy, true);
    } finally {
      v.cleanup();
    }
  });

  test('refuses a window outside 1–365 days and needs an unlocked vault', async () => {
    const v = await tempVault();
    try {
      await rejectsWith(v.api.describeVaultOverview({ withinDays: 0 }), 'InvalidParameter');
      await rejectsWith(v.api.describeVaultOverview({ withinDays: 366 }), 'InvalidParameter');
      await rejectsWith(v.api.describeVaultOverview({ withinDays: 1.5 }), 'InvalidParameter');
      await v.api.lockVault({});
      await rejectsWith(v.api.describeVaultOverview({}), 'VaultLocked');
    } finally {
      v.cleanup();
    }
  });
});
