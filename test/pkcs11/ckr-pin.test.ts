// Pure parts of the bridge: the CKR_* table and the PIN guard. SoftHSM2 keeps no PIN
// retry counter (it never sets COUNT_LOW / FINAL_TRY / LOCKED), so the FINAL_TRY
// refusal is tested here on token-info flag fixtures rather than on a live token.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import pkcs11js from 'pkcs11js';
import { KwError, isErrorCode } from '../../core/api/errors.ts';
import { ckrCode, ckrName, ckrToKwError, knownCkrNumbers } from '../../core/pkcs11/ckr.ts';
import {
  CKF_SO_PIN_FINAL_TRY, CKF_USER_PIN_COUNT_LOW, CKF_USER_PIN_FINAL_TRY, CKF_USER_PIN_LOCKED, pinGuard, triesLeft, wrongPinError,
} from '../../core/pkcs11/pin-guard.ts';

/** CK_TOKEN_INFO.flags as a SoftHSM2 token reports them after init (RNG, LOGIN_REQUIRED, USER_PIN_INITIALIZED, RESTORE_KEY_NOT_NEEDED, TOKEN_INITIALIZED). */
const SOFTHSM_FLAGS = 0x42d;

describe('CKR table', () => {
  test('every CKR_* constant pkcs11js knows is in the table with the same number', () => {
    const known = new Set(knownCkrNumbers());
    const names = Object.entries(pkcs11js).filter(([k, v]) => k.startsWith('CKR_') && typeof v === 'number');
    assert.ok(names.length >= 90);
    for (const [name, value] of names) {
      assert.ok(known.has(value as number), `${name} missing`);
      assert.equal(ckrName(value as number), name);
      assert.ok(isErrorCode(ckrCode(value as number)));
    }
  });

  test('PIN, login, removal and capability codes map to their token errors', () => {
    assert.equal(ckrCode(pkcs11js.CKR_PIN_INCORRECT), 'TokenPinIncorrect');
    assert.equal(ckrCode(pkcs11js.CKR_PIN_LOCKED), 'TokenPinLocked');
    assert.equal(ckrCode(pkcs11js.CKR_PIN_LEN_RANGE), 'TokenPinInvalid');
    assert.equal(ckrCode(pkcs11js.CKR_USER_NOT_LOGGED_IN), 'TokenNotLoggedIn');
    assert.equal(ckrCode(pkcs11js.CKR_TOKEN_NOT_PRESENT), 'TokenRemoved');
    assert.equal(ckrCode(pkcs11js.CKR_DEVICE_REMOVED), 'TokenRemoved');
    assert.equal(ckrCode(pkcs11js.CKR_SESSION_HANDLE_INVALID), 'TokenRemoved');
    assert.equal(ckrCode(pkcs11js.CKR_MECHANISM_INVALID), 'NotSupportedByToken');
    assert.equal(ckrCode(pkcs11js.CKR_ATTRIBUTE_SENSITIVE), 'PrivateKeyNotExportable');
    assert.equal(ckrCode(pkcs11js.CKR_ENCRYPTED_DATA_INVALID), 'InvalidCiphertext');
  });

  test('vendor-defined and unknown codes become TokenError naming the code', () => {
    const e = ckrToKwError(0x80000123, 'C_Sign');
    assert.ok(e instanceof KwError);
    assert.equal(e.code, 'TokenError');
    assert.equal(e.details?.ckr, 'CKR_VENDOR_DEFINED+0x123');
    assert.match(e.message, /^C_Sign: /);
    assert.equal(ckrToKwError(0x7777, 'x').code, 'TokenError');
  });
});

describe('pinGuard', () => {
  test('a fresh SoftHSM2 token allows login with no warning', () => {
    assert.deepEqual(pinGuard(SOFTHSM_FLAGS, false), { allowed: true, countLow: false, finalTry: false });
    assert.equal(triesLeft(SOFTHSM_FLAGS, 'user'), null);
  });

  test('COUNT_LOW allows login but reports the warning', () => {
    assert.deepEqual(pinGuard(SOFTHSM_FLAGS | CKF_USER_PIN_COUNT_LOW, false), { allowed: true, countLow: true, finalTry: false });
  });

  test('FINAL_TRY refuses without confirmation and allows with it', () => {
    const flags = SOFTHSM_FLAGS | CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY;
    assert.throws(() => pinGuard(flags, false), (e: unknown) => e instanceof KwError && e.code === 'TokenPinFinalTry' && e.details?.triesLeft === 1);
    assert.deepEqual(pinGuard(flags, true), { allowed: true, countLow: true, finalTry: true });
  });

  test('LOCKED refuses even with confirmation', () => {
    assert.throws(() => pinGuard(SOFTHSM_FLAGS | CKF_USER_PIN_LOCKED, true), (e: unknown) => e instanceof KwError && e.code === 'TokenPinLocked');
  });

  test('SO flags are read for SO logins only', () => {
    assert.doesNotThrow(() => pinGuard(SOFTHSM_FLAGS | CKF_SO_PIN_FINAL_TRY, false, 'user'));
    assert.throws(() => pinGuard(SOFTHSM_FLAGS | CKF_SO_PIN_FINAL_TRY, false, 'so'), (e: unknown) => e instanceof KwError && e.code === 'TokenPinFinalTry');
  });

  test('the wrong-PIN error says what the flags tell about tries left', () => {
    assert.match(wrongPinError(SOFTHSM_FLAGS, 'user').message, /does not report a retry counter/);
    const last = wrongPinError(SOFTHSM_FLAGS | CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY, 'user');
    assert.equal(last.code, 'TokenPinIncorrect');
    assert.equal(last.details?.triesLeft, 1);
    assert.match(last.message, /1 try left/);
    assert.match(wrongPinError(SOFTHSM_FLAGS | CKF_USER_PIN_COUNT_LOW, 'user').message, /running low/);
    assert.equal(wrongPinError(SOFTHSM_FLAGS | CKF_USER_PIN_LOCKED, 'user').code, 'TokenPinLocked');
    assert.equal(wrongPinError(null, 'user').details?.triesLeft, null);
  });
});
