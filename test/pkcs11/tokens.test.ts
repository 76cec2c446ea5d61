// Token administration through the bridge against a real SoftHSM2 token: listing,
// mechanisms, login/logout, wrong PIN, PIN change, token and user-PIN initialisation.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { KwError } from '../../core/api/errors.ts';
import type { ErrorCode } from '../../core/api/errors.ts';
import { INIT_TOKEN_CONFIRMATION, TokenBridge } from '../../core/pkcs11/bridge.ts';
import { SO_PIN, SoftHsmFixture, USER_PIN } from './softhsm.ts';

function rejectsWith(code: ErrorCode, re?: RegExp) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof KwError, `not a KwError: ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (re) assert.match(e.message, re);
    return true;
  };
}

describe('token administration on SoftHSM2', () => {
  const fx = new SoftHsmFixture('tokens');
  let bridge: TokenBridge;
  let serial: string;

  before(() => {
    serial = fx.initToken('Admin');
    bridge = new TokenBridge({ modulePath: fx.module, env: fx.env });
  });
  after(async () => {
    await bridge.close();
    fx.cleanup();
  });

  test('lists the token with label, manufacturer, model, serial, flags and PIN counters', async () => {
    const tokens = await bridge.listTokens();
    const t = tokens.find((x) => x.serial === serial);
    assert.ok(t);
    assert.equal(t.label, 'Admin');
    assert.equal(t.manufacturer, 'SoftHSM project');
    assert.equal(t.model, 'SoftHSM v2');
    assert.ok(t.initialized && t.userPinInitialized && t.loginRequired);
    assert.ok(t.flagNames.includes('CKF_TOKEN_INITIALIZED'));
    assert.deepEqual(t.userPin, { countLow: false, finalTry: false, locked: false, toBeChanged: false });
    assert.equal(t.minPinLength, 4);
    // SoftHSM2 always offers one more, uninitialised token in a free slot.
    assert.ok(tokens.some((x) => !x.initialized));
    const slots = await bridge.listSlots();
    assert.ok(slots.some((s) => s.token?.serial === serial && s.tokenPresent));
    const info = await bridge.moduleInfo();
    assert.equal(info.cryptokiVersion, '2.40');
  });

  test('selects tokens by serial or label and reports unknown ones', async () => {
    assert.equal((await bridge.tokenInfo({ label: 'Admin' })).serial, serial);
    await assert.rejects(bridge.tokenInfo({ label: 'Nope' }), rejectsWith('TokenNotFound'));
  });

  test('mechanism list carries the ones the HSM protection level needs', async () => {
    const mechs = await bridge.mechanisms({ serial });
    const names = new Set(mechs.map((m) => m.name));
    for (const n of ['CKM_AES_GCM', 'CKM_AES_KEY_GEN', 'CKM_RSA_PKCS_KEY_PAIR_GEN', 'CKM_RSA_PKCS_PSS', 'CKM_RSA_PKCS_OAEP', 'CKM_ECDSA', 'CKM_EC_KEY_PAIR_GEN']) {
      assert.ok(names.has(n), n);
    }
    const rsa = mechs.find((m) => m.name === 'CKM_RSA_PKCS_KEY_PAIR_GEN');
    assert.ok(rsa && rsa.maxKeySize >= 4096);
  });

  test('wrong PIN is a clear error that is not retried; the right PIN then logs in', async () => {
    // SoftHSM2 sets CKF_USER_PIN_COUNT_LOW after a wrong PIN but never FINAL_TRY or LOCKED.
    await assert.rejects(bridge.login({ serial }, '0000'), rejectsWith('TokenPinIncorrect', /wrong user PIN; the token reports that tries are running low/));
    assert.equal((await bridge.tokenInfo({ serial })).userPin.countLow, true);
    const ok = await bridge.login({ serial }, USER_PIN);
    assert.deepEqual(ok, { userType: 'user', alreadyLoggedIn: false, countLowBefore: true });
    assert.equal((await bridge.login({ serial }, USER_PIN)).alreadyLoggedIn, true);
    assert.equal((await bridge.logout({ serial })).wasLoggedIn, true);
    assert.equal((await bridge.logout({ serial })).wasLoggedIn, false);
  });

  test('key operations without login say TokenNotLoggedIn; random needs no login', async () => {
    await assert.rejects(bridge.generateKey({ serial }, 'AES_256', 'nope'), rejectsWith('TokenNotLoggedIn'));
    assert.equal((await bridge.generateRandom({ serial }, 32)).length, 32);
  });

  test('changes the user PIN; the old one then fails', async () => {
    await bridge.login({ serial }, USER_PIN);
    await assert.rejects(bridge.changePin({ serial }, USER_PIN, '12'), rejectsWith('TokenPinInvalid'));
    await assert.rejects(bridge.changePin({ serial }, '9999', '4321'), rejectsWith('TokenPinIncorrect'));
    assert.deepEqual(await bridge.changePin({ serial }, USER_PIN, '4321'), { changed: true });
    await bridge.logout({ serial });
    await assert.rejects(bridge.login({ serial }, USER_PIN), rejectsWith('TokenPinIncorrect'));
    await bridge.login({ serial }, '4321');
    await bridge.changePin({ serial }, '4321', USER_PIN);
    await bridge.logout({ serial });
  });

  test('init token needs the explicit confirmation; without it nothing is erased', async () => {
    await bridge.login({ serial }, USER_PIN);
    const key = await bridge.generateKey({ serial }, 'AES_256', 'survivor');
    await assert.rejects(bridge.initToken({ serial }, { soPin: SO_PIN, label: 'Fresh' }), rejectsWith('ConfirmationRequired', /DESTROY-ALL-OBJECTS/));
    await assert.rejects(bridge.initToken({ serial }, { soPin: SO_PIN, label: 'Fresh', confirm: 'yes' }), rejectsWith('ConfirmationRequired'));
    assert.equal((await bridge.findKey({ serial }, key.idHex)).length, 1);
    await assert.rejects(
      bridge.initToken({ serial }, { soPin: '0000', label: 'Fresh', confirm: INIT_TOKEN_CONFIRMATION }),
      rejectsWith('TokenPinIncorrect', /security officer/),
    );
  });

  test('init token with confirmation erases it; SO sets the user PIN again', async () => {
    const fresh = await bridge.initToken({ serial }, { soPin: SO_PIN, label: 'Fresh', confirm: INIT_TOKEN_CONFIRMATION });
    assert.equal(fresh.label, 'Fresh');
    assert.equal(fresh.userPinInitialized, false);
    const sel = { serial: fresh.serial };
    await assert.rejects(bridge.login(sel, USER_PIN), rejectsWith('TokenNotLoggedIn', /user PIN has not been set/));
    await assert.rejects(bridge.initUserPin(sel, '2468'), rejectsWith('TokenNotLoggedIn', /security officer/));
    await bridge.login(sel, SO_PIN, { userType: 'so' });
    assert.deepEqual(await bridge.initUserPin(sel, '2468'), { initialized: true });
    await bridge.logout(sel);
    await bridge.login(sel, '2468');
    const tokens = await bridge.listTokens();
    assert.ok(!tokens.some((t) => t.label === 'Admin'));
    const k = await bridge.generateKey(sel, 'AES_256', 'after-init');
    assert.equal((await bridge.findKey(sel, k.idHex))[0]?.label, 'after-init');
  });

  test('initialises the free slot by slot id', async () => {
    const free = (await bridge.listTokens()).find((t) => !t.initialized);
    assert.ok(free);
    const t = await bridge.initToken({ slotId: free.slotId }, { soPin: SO_PIN, label: 'Second', confirm: INIT_TOKEN_CONFIRMATION });
    assert.equal(t.label, 'Second');
    assert.ok(t.initialized);
    assert.notEqual(t.serial, '');
  });
});
