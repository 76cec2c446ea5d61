/**
 * Worker-side state for one loaded PKCS#11 module: token resolution, one R/W session
 * per token, error translation and removal detection. Runs only inside the bridge
 * child process (it imports pkcs11js); the vault process never loads a vendor module.
 */
import pkcs11js from 'pkcs11js';
import { KwError } from '../api/errors.ts';
import { CKR_MAYBE_REMOVED, ckrToKwError } from './ckr.ts';
import { pinCounters } from './pin-guard.ts';
import type { ModuleDescription, SlotDescription, TokenDescription, TokenSelector } from './protocol.ts';

const CKF_TOKEN_PRESENT = 0x1; // CK_SLOT_INFO.flags
const CKS_RO_USER_FUNCTIONS = 1;
const CKS_RW_USER_FUNCTIONS = 3;
const CKS_RW_SO_FUNCTIONS = 4;
const OBJECT_HANDLE_INVALID = 0x82;
const KEY_HANDLE_INVALID = 0x60;
const SESSION_GONE: ReadonlySet<number> = new Set([0x0b0, 0x0b3]);

export interface CachedObject {
  handle: Buffer;
  alwaysAuthenticate: boolean;
}

/** What the worker keeps per token between requests. Dropped on removal or logout. */
export interface TokenState {
  serial: string;
  slot: Buffer;
  session: Buffer;
  objects: Map<string, CachedObject>;
  mechanisms: Set<number> | null;
  /** Per OAEP hash: does the token's own CKM_RSA_PKCS_OAEP accept it? */
  oaepNative: Map<string, boolean>;
}

const TOKEN_FLAG_NAMES: ReadonlyArray<readonly [number, string]> = [
  [0x1, 'CKF_RNG'], [0x2, 'CKF_WRITE_PROTECTED'], [0x4, 'CKF_LOGIN_REQUIRED'], [0x8, 'CKF_USER_PIN_INITIALIZED'],
  [0x20, 'CKF_RESTORE_KEY_NOT_NEEDED'], [0x40, 'CKF_CLOCK_ON_TOKEN'], [0x100, 'CKF_PROTECTED_AUTHENTICATION_PATH'],
  [0x200, 'CKF_DUAL_CRYPTO_OPERATIONS'], [0x400, 'CKF_TOKEN_INITIALIZED'], [0x800, 'CKF_SECONDARY_AUTHENTICATION'],
  [0x10000, 'CKF_USER_PIN_COUNT_LOW'], [0x20000, 'CKF_USER_PIN_FINAL_TRY'], [0x40000, 'CKF_USER_PIN_LOCKED'],
  [0x80000, 'CKF_USER_PIN_TO_BE_CHANGED'], [0x100000, 'CKF_SO_PIN_COUNT_LOW'], [0x200000, 'CKF_SO_PIN_FINAL_TRY'],
  [0x400000, 'CKF_SO_PIN_LOCKED'], [0x800000, 'CKF_SO_PIN_TO_BE_CHANGED'],
];

export function isPkcs11Error(e: unknown): e is Error & { code: number } {
  return e instanceof pkcs11js.Pkcs11Error && typeof (e as { code?: unknown }).code === 'number';
}

/** Any error from pkcs11js → KwError; KwErrors pass through unchanged. */
export function toKwError(e: unknown, operation: string): KwError {
  if (e instanceof KwError) return e;
  if (isPkcs11Error(e)) return ckrToKwError(e.code, operation);
  return new KwError('TokenError', `${operation}: the token module failed outside PKCS#11 error reporting`, { operation });
}

function describeToken(slot: Buffer, slotDescription: string, t: pkcs11js.TokenInfo): TokenDescription {
  const flags = t.flags >>> 0;
  return {
    slotId: slot.toString('hex'),
    slotDescription,
    label: t.label.trim(),
    manufacturer: t.manufacturerID.trim(),
    model: t.model.trim(),
    serial: t.serialNumber.trim(),
    flags,
    flagNames: TOKEN_FLAG_NAMES.filter(([bit]) => (flags & bit) !== 0).map(([, n]) => n),
    initialized: (flags & 0x400) !== 0,
    userPinInitialized: (flags & 0x8) !== 0,
    loginRequired: (flags & 0x4) !== 0,
    userPin: pinCounters(flags, 'user'),
    soPin: pinCounters(flags, 'so'),
    minPinLength: t.minPinLen,
    maxPinLength: t.maxPinLen,
  };
}

function matches(sel: TokenSelector, d: TokenDescription): boolean {
  if (sel.serial !== undefined && sel.serial !== d.serial) return false;
  if (sel.label !== undefined && sel.label !== d.label) return false;
  if (sel.slotId !== undefined && sel.slotId !== d.slotId) return false;
  return true;
}

function selectorText(sel: TokenSelector): string {
  return Object.entries(sel).map(([k, v]) => `${k}=${String(v)}`).join(', ') || '(any)';
}

export class ModuleRuntime {
  readonly p11 = new pkcs11js.PKCS11();
  private readonly tokens = new Map<string, TokenState>();
  readonly module: ModuleDescription;

  constructor(modulePath: string) {
    try {
      this.p11.load(modulePath);
    } catch {
      throw new KwError('TokenModuleLoadFailed', 'the PKCS#11 module could not be loaded (not found or not a PKCS#11 library)', { modulePath });
    }
    try {
      // Without CKF_OS_LOCKING_OK pkcs11js segfaults on concurrent sessions (measured).
      this.p11.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
      const info = this.p11.C_GetInfo();
      const v = (x: pkcs11js.Version): string => `${x.major}.${x.minor}`;
      this.module = {
        modulePath,
        manufacturer: info.manufacturerID.trim(),
        libraryDescription: info.libraryDescription.trim(),
        cryptokiVersion: v(info.cryptokiVersion),
        libraryVersion: v(info.libraryVersion),
      };
    } catch (e) {
      const k = toKwError(e, 'C_Initialize');
      throw new KwError('TokenModuleLoadFailed', `the PKCS#11 module failed to initialise: ${k.message}`, { modulePath });
    }
  }

  finalize(): void {
    for (const serial of [...this.tokens.keys()]) this.drop(serial);
    try {
      this.p11.C_Finalize();
    } catch {
      // the process is ending anyway; a module that fails here has nothing more to say
    }
  }

  listSlots(): SlotDescription[] {
    const out: SlotDescription[] = [];
    for (const slot of this.p11.C_GetSlotList(false)) {
      const si = this.p11.C_GetSlotInfo(slot);
      const present = (si.flags & CKF_TOKEN_PRESENT) !== 0;
      let token: TokenDescription | null = null;
      if (present) {
        try {
          token = describeToken(slot, si.slotDescription.trim(), this.p11.C_GetTokenInfo(slot));
        } catch {
          token = null; // a token that cannot answer is listed as absent
        }
      }
      out.push({ slotId: slot.toString('hex'), slotDescription: si.slotDescription.trim(), tokenPresent: token !== null, token });
    }
    return out;
  }

  /** Finds exactly one present token matching the selector. */
  resolve(sel: TokenSelector): { slot: Buffer; token: TokenDescription } {
    const found: { slot: Buffer; token: TokenDescription }[] = [];
    for (const s of this.listSlots()) {
      if (s.token && matches(sel, s.token)) found.push({ slot: Buffer.from(s.slotId, 'hex'), token: s.token });
    }
    const only = found[0];
    if (found.length === 1 && only) return only;
    if (found.length === 0) throw new KwError('TokenNotFound', `no token matches ${selectorText(sel)}`, { selector: selectorText(sel) });
    throw new KwError('InvalidParameter', `${found.length} tokens match ${selectorText(sel)}; name the token by serial`, { selector: selectorText(sel) });
  }

  /** The token's state, opening a fresh R/W session if none is open. */
  state(sel: TokenSelector): TokenState {
    if (sel.serial !== undefined) {
      const known = this.tokens.get(sel.serial);
      if (known && sel.label === undefined && sel.slotId === undefined) return known; // hot path: no slot scan
    }
    const { slot, token } = this.resolve(sel);
    const known = this.tokens.get(token.serial);
    if (known && known.slot.equals(slot)) return known;
    if (known) this.drop(token.serial);
    let session: Buffer;
    try {
      session = this.p11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    } catch (e) {
      throw toKwError(e, 'C_OpenSession');
    }
    const st: TokenState = { serial: token.serial, slot, session, objects: new Map(), mechanisms: null, oaepNative: new Map() };
    this.tokens.set(token.serial, st);
    return st;
  }

  /** Forgets a token's session; PKCS#11 ends the login with its last session. */
  drop(serial: string): void {
    const st = this.tokens.get(serial);
    if (!st) return;
    this.tokens.delete(serial);
    try {
      this.p11.C_CloseSession(st.session);
    } catch {
      // a removed token has no session left to close
    }
  }

  /** True while the token in the slot is the same one (same serial) and answers. */
  present(st: TokenState): boolean {
    try {
      return this.p11.C_GetTokenInfo(st.slot).serialNumber.trim() === st.serial;
    } catch {
      return false;
    }
  }

  sessionState(st: TokenState): number {
    return this.p11.C_GetSessionInfo(st.session).state;
  }

  isUser(st: TokenState): boolean {
    const s = this.sessionState(st);
    return s === CKS_RO_USER_FUNCTIONS || s === CKS_RW_USER_FUNCTIONS;
  }

  isSo(st: TokenState): boolean {
    return this.sessionState(st) === CKS_RW_SO_FUNCTIONS;
  }

  /** Private objects are invisible without login, so say so instead of "not found". */
  requireUser(st: TokenState): void {
    if (!this.isUser(st)) throw new KwError('TokenNotLoggedIn', 'log in to the token as user first', { token: st.serial });
  }

  removedError(st: TokenState, operation: string): KwError {
    this.drop(st.serial);
    return new KwError('TokenRemoved', `${operation}: the token was removed or reset; reinsert it and log in again`, { token: st.serial, operation });
  }

  /**
   * Runs `fn` against a token and translates failures. After an error that may mean
   * removal, presence is re-checked: gone → TokenRemoved (state dropped, nothing
   * retried). A stale object handle on a present token is looked up once more.
   */
  run<T>(sel: TokenSelector, operation: string, fn: (st: TokenState) => T): T {
    const st = this.state(sel);
    try {
      return fn(st);
    } catch (e) {
      const code = isPkcs11Error(e) ? e.code : null;
      if (code !== null && CKR_MAYBE_REMOVED.has(code)) {
        if (!this.present(st) || SESSION_GONE.has(code)) throw this.removedError(st, operation);
        if (code === OBJECT_HANDLE_INVALID || code === KEY_HANDLE_INVALID) {
          st.objects.clear();
          try {
            return fn(st);
          } catch (e2) {
            throw toKwError(e2, operation);
          }
        }
      }
      if (e instanceof KwError && e.code === 'KeyNotFound' && !this.present(st)) throw this.removedError(st, operation);
      throw toKwError(e, operation);
    }
  }

  mechanismSet(st: TokenState): Set<number> {
    if (!st.mechanisms) st.mechanisms = new Set(this.p11.C_GetMechanismList(st.slot));
    return st.mechanisms;
  }

  describe(st: TokenState): TokenDescription {
    return describeToken(st.slot, this.p11.C_GetSlotInfo(st.slot).slotDescription.trim(), this.p11.C_GetTokenInfo(st.slot));
  }
}
