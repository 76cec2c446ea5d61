import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { b64, rejectsWith, tempVault, TEST_PASSPHRASE, type TempVault } from '../helpers/temp-vault.ts';
import type { KeywardenApi } from '../../core/api/contract.ts';

const BOB_PASS = 'bob passphrase 1';
const CAROL_PASS = 'carol passphrase 2';

/** A custody vault: the owner plus bob (crypto-operator), each signed in with a software credential or the vault passphrase. */
async function custodyVault(): Promise<{ v: TempVault; bobId: string; as: (token: string) => KeywardenApi; owner: KeywardenApi }> {
  const v = await tempVault();
  const bob = await v.api.addOfficer({ name: 'bob', roles: ['crypto-operator'], credential: { kind: 'software', passphrase: BOB_PASS } });
  const as = (token: string) => v.kw.api({ actor: 'test', session: token });
  const ownerSignIn = await v.api.signIn({ officer: 'owner', passphrase: TEST_PASSPHRASE });
  return { v, bobId: bob.officer.officerId, as, owner: as(ownerSignIn.sessionToken) };
}

function auditRows(v: TempVault): Array<{ event: string; actor: string; outcome: string; error_code: string | null; detail: string | null }> {
  v.kw.services.audit.flush();
  return v.kw.services.db.prepare('SELECT event, actor, outcome, error_code, detail FROM audit_log ORDER BY seq').all() as never;
}

describe('officers', () => {
  test('initVault registers one owner officer; the single-person flow runs as the owner with the door as actor', async () => {
    const v = await tempVault();
    try {
      const me = await v.api.whoAmI({});
      assert.equal(me.mode, 'owner');
      assert.equal(me.officer?.name, 'owner');
      assert.deepEqual(me.officer?.roles, ['administrator', 'key-manager', 'crypto-operator', 'auditor']);
      assert.equal(me.officer?.credentials[0]?.kind, 'vault-passphrase');
      assert.ok(me.items.includes('kms:cmk:encrypt') && me.items.includes('kms:officer:manage'));
      await v.api.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT', alias: 'alias/a' });
      assert.ok(auditRows(v).filter((r) => r.event === 'createKey').every((r) => r.actor === 'test'));
      assert.equal((await v.api.getCustodySettings({})).allowAdministratorKeyManager, true);
    } finally {
      v.cleanup();
    }
  });

  test('a second officer makes a custody vault: calls need a session, run as that officer, and are limited to their roles', async () => {
    const { v, bobId, as, owner } = await custodyVault();
    try {
      assert.equal((await v.api.whoAmI({})).mode, 'custody');
      await rejectsWith(v.api.listKeys({}), 'NotSignedIn');
      assert.equal((await v.api.getVaultStatus({})).unlocked, true);
      const made = await owner.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT', alias: 'alias/pay/one' });
      assert.equal(made.keyMetadata.creator, (await owner.whoAmI({})).officer?.officerId, 'the signed-in officer is the key creator');

      const s = await v.api.signIn({ officer: 'bob', passphrase: BOB_PASS });
      assert.equal(s.session.assurance, 'low');
      assert.equal(s.session.officer?.officerId, bobId);
      const bob = as(s.sessionToken);
      const ct = await bob.encrypt({ cmkUuid: 'alias/pay/one', plaintext: b64('hello') });
      assert.equal(Buffer.from((await bob.decrypt({ ciphertextBlob: ct.ciphertextBlob })).plaintext, 'base64').toString(), 'hello');
      await rejectsWith(bob.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT' }), 'AccessDenied');
      await rejectsWith(bob.addOfficer({ name: 'eve', roles: ['administrator'], credential: { kind: 'software', passphrase: 'eve passphrase' } }), 'AccessDenied');
      await rejectsWith(bob.listAuditEvents({}), 'AccessDenied');

      const rows = auditRows(v);
      const denied = rows.filter((r) => r.error_code === 'AccessDenied');
      assert.deepEqual(denied.map((r) => [r.event, r.actor, JSON.parse(r.detail!).permission]), [
        ['createKey', bobId, 'kms:cmk:create'],
        ['addOfficer', bobId, 'kms:officer:manage'],
        ['listAuditEvents', bobId, 'kms:audit:read'],
      ]);
      assert.ok(rows.some((r) => r.event === 'encrypt' && r.actor === bobId && r.outcome === 'success'));
      assert.ok(rows.some((r) => r.event === 'listAliasKeys' && r.error_code === 'NotSignedIn'));

      assert.deepEqual(await bob.signOut({}), { signedOut: true });
      await rejectsWith(bob.encrypt({ cmkUuid: 'alias/pay/one', plaintext: b64('x') }), 'SessionExpired');
    } finally {
      v.cleanup();
    }
  });

  test('sign-in refusals: wrong passphrase, unknown officer, suspended officer; suspension ends live sessions', async () => {
    const { v, as, owner } = await custodyVault();
    try {
      await rejectsWith(v.api.signIn({ officer: 'bob', passphrase: 'not bob' }), 'CredentialInvalid');
      await rejectsWith(v.api.signIn({ officer: 'owner', passphrase: 'not the vault passphrase' }), 'CredentialInvalid');
      await rejectsWith(v.api.signIn({ officer: 'mallory', passphrase: BOB_PASS }), 'OfficerNotFound');
      const bob = as((await v.api.signIn({ officer: 'bob', passphrase: BOB_PASS })).sessionToken);
      await owner.updateOfficer({ officerId: 'bob', status: 'suspended' });
      await rejectsWith(bob.listKeys({}), 'SessionExpired');
      await rejectsWith(v.api.signIn({ officer: 'bob', passphrase: BOB_PASS }), 'OfficerSuspended');
      await owner.updateOfficer({ officerId: 'bob', status: 'active' });
      await as((await v.api.signIn({ officer: 'bob', passphrase: BOB_PASS })).sessionToken).listKeys({});
    } finally {
      v.cleanup();
    }
  });

  test('sessions end after the idle timeout and at their absolute lifetime, both configurable', async () => {
    const { v, as, owner } = await custodyVault();
    try {
      await owner.updateCustodySettings({ sessionIdleMinutes: 10, sessionLifetimeMinutes: 30 });
      const idle = as((await v.api.signIn({ officer: 'bob', passphrase: BOB_PASS })).sessionToken);
      v.clock.advance(9 * 60_000);
      await idle.listKeys({});
      v.clock.advance(9 * 60_000);
      await idle.listKeys({});
      v.clock.advance(10 * 60_000);
      await rejectsWith(idle.listKeys({}), 'SessionExpired');

      const busy = as((await v.api.signIn({ officer: 'bob', passphrase: BOB_PASS })).sessionToken);
      for (let i = 0; i < 5; i++) {
        v.clock.advance(5 * 60_000);
        await busy.listKeys({});
      }
      v.clock.advance(5 * 60_000);
      await rejectsWith(busy.listKeys({}), 'SessionExpired');
    } finally {
      v.cleanup();
    }
  });

  test('custom roles limited by alias prefix or tag', async () => {
    const { v, as, owner } = await custodyVault();
    try {
      await owner.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT', alias: 'alias/pay/one' });
      await owner.createKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT', alias: 'alias/hr/one', tags: [{ tagKey: 'team', tagValue: 'hr' }] });
      await owner.createRole({ name: 'payments', items: ['kms:cmk:encrypt'], aliasPrefix: 'alias/pay/' });
      await owner.createRole({ name: 'hr', items: ['kms:cmk:encrypt'], tagKey: 'team', tagValue: 'hr' });
      await owner.addOfficer({ name: 'carol', roles: ['payments'], credential: { kind: 'software', passphrase: CAROL_PASS } });
      const carol = as((await v.api.signIn({ officer: 'carol', passphrase: CAROL_PASS })).sessionToken);
      await carol.encrypt({ cmkUuid: 'alias/pay/one', plaintext: b64('p') });
      await rejectsWith(carol.encrypt({ cmkUuid: 'alias/hr/one', plaintext: b64('p') }), 'AccessDenied');
      await owner.updateOfficer({ officerId: 'carol', roles: ['hr'] });
      const carol2 = as((await v.api.signIn({ officer: 'carol', passphrase: CAROL_PASS })).sessionToken);
      await carol2.encrypt({ cmkUuid: 'alias/hr/one', plaintext: b64('p') });
      await rejectsWith(carol2.encrypt({ cmkUuid: 'alias/pay/one', plaintext: b64('p') }), 'AccessDenied');
      await rejectsWith(owner.deleteRole({ name: 'hr' }), 'InvalidParameter');
      await owner.deleteRole({ name: 'payments' });
      await rejectsWith(owner.addOfficer({ name: 'dave', roles: ['payments'], credential: { kind: 'software', passphrase: 'dave passphrase' } }), 'RoleNotFound');
    } finally {
      v.cleanup();
    }
  });

  test('separation of duties: one officer may not hold administrator and key-manager unless the lab setting allows it', async () => {
    const { v, owner } = await custodyVault();
    try {
      await rejectsWith(owner.updateCustodySettings({ allowAdministratorKeyManager: false }), 'SeparationOfDuties');
      await owner.addOfficer({ name: 'kim', roles: ['key-manager'], credential: { kind: 'software', passphrase: 'kim passphrase' } });
      await owner.updateOfficer({ officerId: 'owner', roles: ['administrator'] });
      await owner.updateCustodySettings({ allowAdministratorKeyManager: false });
      await rejectsWith(owner.updateOfficer({ officerId: 'kim', roles: ['key-manager', 'administrator'] }), 'SeparationOfDuties');
      await rejectsWith(owner.addOfficer({ name: 'x', roles: ['administrator', 'key-manager'], credential: { kind: 'software', passphrase: 'x passphrase' } }), 'SeparationOfDuties');
      assert.deepEqual((await owner.listOfficers({})).officers.map((o) => [o.name, o.roles]), [['bob', ['crypto-operator']], ['kim', ['key-manager']], ['owner', ['administrator']]]);
    } finally {
      v.cleanup();
    }
  });

  test('bootstrapOfficer registers the owner of a vault made before officers existed, once', async () => {
    const v = await tempVault();
    try {
      v.kw.services.db.exec('DELETE FROM officer_credentials; DELETE FROM officers; DELETE FROM custody_settings');
      const r = await v.api.bootstrapOfficer({ name: 'li' });
      assert.equal(r.officer.name, 'li');
      assert.equal((await v.api.whoAmI({})).officer?.name, 'li');
      await rejectsWith(v.api.bootstrapOfficer({}), 'OfficerAlreadyExists');
    } finally {
      v.cleanup();
    }
  });
});
