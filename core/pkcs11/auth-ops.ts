/**
 * Worker-side token administration: info, mechanisms, login/logout, PIN change,
 * token and user-PIN initialisation. Every login reads the PIN flags first and goes
 * through pinGuard; a wrong PIN is reported with what the flags say afterwards and
 * is never retried.
 */
import pkcs11js from 'pkcs11js';
import { KwError } from '../api/errors.ts';
import { pinGuard, wrongPinError } from './pin-guard.ts';
import type { PinUser } from './pin-guard.ts';
import { isPkcs11Error, toKwError } from './runtime.ts';
import type { ModuleRuntime, TokenState } from './runtime.ts';
import type { LoginOutcome, MechanismDescription, OpParams, TokenDescription } from './protocol.ts';

const CKR_PIN_INCORRECT = 0xa0;
const CKR_USER_ALREADY_LOGGED_IN = 0x100;
const CKR_USER_NOT_LOGGED_IN = 0x101;

/** v2.40 names that were renamed; the current name is shown instead. */
const DEPRECATED_NAMES: ReadonlySet<string> = new Set(['CKM_ECDSA_KEY_PAIR_GEN']);

const MECHANISM_NAMES: ReadonlyMap<number, string> = (() => {
  const m = new Map<number, string>();
  for (const [k, v] of Object.entries(pkcs11js)) {
    if (k.startsWith('CKM_') && typeof v === 'number' && !m.has(v) && !DEPRECATED_NAMES.has(k)) m.set(v, k);
  }
  return m;
})();

export function mechanismName(type: number): string {
  return MECHANISM_NAMES.get(type) ?? `CKM_0x${(type >>> 0).toString(16)}`;
}

function flagsNow(rt: ModuleRuntime, st: TokenState): number | null {
  try {
    return rt.p11.C_GetTokenInfo(st.slot).flags;
  } catch {
    return null;
  }
}

/** Sends one PIN to the token under the guard; translates CKR_PIN_INCORRECT with tries left. */
export function guardedLogin(rt: ModuleRuntime, st: TokenState, who: PinUser | 'context', pin: string, confirmFinalTry: boolean): void {
  const counterOwner: PinUser = who === 'so' ? 'so' : 'user';
  const before = flagsNow(rt, st);
  if (before === null) throw rt.removedError(st, 'C_GetTokenInfo');
  pinGuard(before, confirmFinalTry, counterOwner);
  const userType = who === 'so' ? pkcs11js.CKU_SO : who === 'user' ? pkcs11js.CKU_USER : pkcs11js.CKU_CONTEXT_SPECIFIC;
  try {
    rt.p11.C_Login(st.session, userType, pin);
  } catch (e) {
    if (isPkcs11Error(e) && e.code === CKR_PIN_INCORRECT) throw wrongPinError(flagsNow(rt, st), counterOwner);
    throw e;
  }
}

export function tokenInfo(rt: ModuleRuntime, p: OpParams<'tokenInfo'>): TokenDescription {
  return rt.run(p.token, 'C_GetTokenInfo', (st) => rt.describe(st));
}

export function mechanisms(rt: ModuleRuntime, p: OpParams<'mechanisms'>): MechanismDescription[] {
  return rt.run(p.token, 'C_GetMechanismList', (st) =>
    [...rt.mechanismSet(st)].map((type) => {
      const mi = rt.p11.C_GetMechanismInfo(st.slot, type);
      return { type, name: mechanismName(type), minKeySize: mi.minKeySize, maxKeySize: mi.maxKeySize, flags: mi.flags };
    }),
  );
}

export function login(rt: ModuleRuntime, p: OpParams<'login'>): LoginOutcome {
  return rt.run(p.token, 'C_Login', (st) => {
    const already = p.userType === 'so' ? rt.isSo(st) : rt.isUser(st);
    if (already) return { userType: p.userType, alreadyLoggedIn: true, countLowBefore: false };
    const flags = flagsNow(rt, st) ?? 0;
    const countLowBefore = (flags & (p.userType === 'so' ? pkcs11js.CKF_SO_PIN_COUNT_LOW : pkcs11js.CKF_USER_PIN_COUNT_LOW)) !== 0;
    try {
      guardedLogin(rt, st, p.userType, p.pin, p.confirmFinalTry);
    } catch (e) {
      if (isPkcs11Error(e) && e.code === CKR_USER_ALREADY_LOGGED_IN) return { userType: p.userType, alreadyLoggedIn: true, countLowBefore };
      throw e;
    }
    st.objects.clear(); // private objects just became visible
    return { userType: p.userType, alreadyLoggedIn: false, countLowBefore };
  });
}

export function logout(rt: ModuleRuntime, p: OpParams<'logout'>): { wasLoggedIn: boolean } {
  return rt.run(p.token, 'C_Logout', (st) => {
    st.objects.clear();
    // SoftHSM2 answers CKR_OK to a logout without login: ask the session instead.
    if (!rt.isUser(st) && !rt.isSo(st)) return { wasLoggedIn: false };
    try {
      rt.p11.C_Logout(st.session);
      return { wasLoggedIn: true };
    } catch (e) {
      if (isPkcs11Error(e) && e.code === CKR_USER_NOT_LOGGED_IN) return { wasLoggedIn: false };
      throw e;
    }
  });
}

/** C_SetPIN changes the PIN of whoever is logged in (user when nobody is). */
export function changePin(rt: ModuleRuntime, p: OpParams<'changePin'>): { changed: true } {
  return rt.run(p.token, 'C_SetPIN', (st) => {
    const who: PinUser = rt.isSo(st) ? 'so' : 'user';
    const before = flagsNow(rt, st);
    if (before === null) throw rt.removedError(st, 'C_SetPIN');
    pinGuard(before, p.confirmFinalTry, who);
    try {
      rt.p11.C_SetPIN(st.session, p.oldPin, p.newPin);
    } catch (e) {
      if (isPkcs11Error(e) && e.code === CKR_PIN_INCORRECT) throw wrongPinError(flagsNow(rt, st), who);
      throw e;
    }
    return { changed: true };
  });
}

/**
 * C_InitToken destroys every object on the token. The parent demands the explicit
 * confirmation; here all of this process's sessions on the token are closed first,
 * as the spec requires.
 */
export function initToken(rt: ModuleRuntime, p: OpParams<'initToken'>): TokenDescription {
  const { slot, token } = rt.resolve(p.token);
  rt.drop(token.serial);
  try {
    rt.p11.C_InitToken(slot, p.soPin, p.label.padEnd(32, ' '));
  } catch (e) {
    if (isPkcs11Error(e) && e.code === CKR_PIN_INCORRECT) {
      throw new KwError('TokenPinIncorrect', 'wrong security officer PIN; the token was not initialised', { pinUser: 'so' });
    }
    throw toKwError(e, 'C_InitToken');
  }
  // Some modules (SoftHSM2) move a freshly initialised token to a new slot: find it by label.
  const fresh = rt.listSlots().filter((s) => s.token?.label === p.label && s.token.initialized);
  const sameSlot = fresh.find((s) => s.slotId === slot.toString('hex')) ?? fresh[fresh.length - 1];
  if (!sameSlot?.token) throw new KwError('TokenError', 'the token was initialised but cannot be found again');
  return sameSlot.token;
}

export function initUserPin(rt: ModuleRuntime, p: OpParams<'initUserPin'>): { initialized: true } {
  return rt.run(p.token, 'C_InitPIN', (st) => {
    if (!rt.isSo(st)) throw new KwError('TokenNotLoggedIn', 'log in as security officer to set the user PIN', { token: st.serial });
    rt.p11.C_InitPIN(st.session, p.pin);
    return { initialized: true };
  });
}
