/**
 * PIN safety decisions, pure so they can be tested with token-info fixtures.
 * PKCS#11 v2.40 §3.2 CK_TOKEN_INFO flags are the only retry information a token
 * gives: COUNT_LOW (a wrong PIN was entered since the last good one), FINAL_TRY
 * (one more wrong PIN locks it) and LOCKED. There is no numeric counter.
 */
import { KwError } from '../api/errors.ts';

export const CKF_USER_PIN_INITIALIZED = 0x00000008;
export const CKF_USER_PIN_COUNT_LOW = 0x00010000;
export const CKF_USER_PIN_FINAL_TRY = 0x00020000;
export const CKF_USER_PIN_LOCKED = 0x00040000;
export const CKF_USER_PIN_TO_BE_CHANGED = 0x00080000;
export const CKF_SO_PIN_COUNT_LOW = 0x00100000;
export const CKF_SO_PIN_FINAL_TRY = 0x00200000;
export const CKF_SO_PIN_LOCKED = 0x00400000;
export const CKF_SO_PIN_TO_BE_CHANGED = 0x00800000;

export type PinUser = 'user' | 'so';

export interface PinCounters {
  countLow: boolean;
  finalTry: boolean;
  locked: boolean;
  toBeChanged: boolean;
}

export function pinCounters(tokenFlags: number, who: PinUser): PinCounters {
  const f = tokenFlags >>> 0;
  if (who === 'so') {
    return {
      countLow: (f & CKF_SO_PIN_COUNT_LOW) !== 0,
      finalTry: (f & CKF_SO_PIN_FINAL_TRY) !== 0,
      locked: (f & CKF_SO_PIN_LOCKED) !== 0,
      toBeChanged: (f & CKF_SO_PIN_TO_BE_CHANGED) !== 0,
    };
  }
  return {
    countLow: (f & CKF_USER_PIN_COUNT_LOW) !== 0,
    finalTry: (f & CKF_USER_PIN_FINAL_TRY) !== 0,
    locked: (f & CKF_USER_PIN_LOCKED) !== 0,
    toBeChanged: (f & CKF_USER_PIN_TO_BE_CHANGED) !== 0,
  };
}

export interface PinGuardDecision {
  /** The caller may send the PIN to the token now. */
  allowed: true;
  /** A wrong PIN was entered before; the UI should warn. */
  countLow: boolean;
  /** This login is the last try before lock-out (only reached with confirmation). */
  finalTry: boolean;
}

/**
 * Decides whether a login may be attempted, from the flags read just before it.
 * Throws TokenPinLocked when locked, TokenPinFinalTry at the final try unless the
 * caller confirmed; never decides to retry anything itself.
 */
export function pinGuard(tokenFlags: number, confirmFinalTry: boolean, who: PinUser = 'user'): PinGuardDecision {
  const c = pinCounters(tokenFlags, who);
  const whose = who === 'so' ? 'security officer PIN' : 'user PIN';
  if (c.locked) {
    throw new KwError('TokenPinLocked', `the ${whose} is locked on this token`, { pinUser: who, triesLeft: 0 });
  }
  if (c.finalTry && !confirmFinalTry) {
    throw new KwError(
      'TokenPinFinalTry',
      `the token reports one try left for the ${whose}: a wrong PIN now locks it; confirm explicitly to try`,
      { pinUser: who, triesLeft: 1 },
    );
  }
  return { allowed: true, countLow: c.countLow, finalTry: c.finalTry };
}

/** Tries left as far as the flags tell: 0 locked, 1 final try, null unknown. */
export function triesLeft(tokenFlags: number, who: PinUser): number | null {
  const c = pinCounters(tokenFlags, who);
  if (c.locked) return 0;
  if (c.finalTry) return 1;
  return null;
}

/** The error after CKR_PIN_INCORRECT, worded from the flags read right after it. */
export function wrongPinError(flagsAfter: number | null, who: PinUser): KwError {
  const whose = who === 'so' ? 'security officer PIN' : 'user PIN';
  if (flagsAfter === null) {
    return new KwError('TokenPinIncorrect', `wrong ${whose}; the token did not report how many tries are left`, { pinUser: who, triesLeft: null });
  }
  const c = pinCounters(flagsAfter, who);
  const left = triesLeft(flagsAfter, who);
  if (c.locked) return new KwError('TokenPinLocked', `wrong ${whose}; the PIN is now locked`, { pinUser: who, triesLeft: 0 });
  const tail =
    left === 1
      ? 'the token reports 1 try left before it locks'
      : c.countLow
        ? 'the token reports that tries are running low (it does not say how many)'
        : 'the token does not report a retry counter';
  return new KwError('TokenPinIncorrect', `wrong ${whose}; ${tail}`, { pinUser: who, triesLeft: left, countLow: c.countLow });
}
