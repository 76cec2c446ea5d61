/**
 * The one place where PKCS#11 return values (CKR_*, PKCS#11 v2.40 §5.1 / pkcs11t.h)
 * become Keywarden error codes. Nothing else in the bridge inspects CKR numbers or
 * error text. Pure data: no pkcs11js import, so both sides of the bridge may use it.
 */
import { KwError } from '../api/errors.ts';
import type { ErrorCode } from '../api/errors.ts';

interface CkrEntry {
  readonly name: string;
  readonly code: ErrorCode;
  /** What an officer should understand; never contains a PIN or key bytes. */
  readonly hint: string;
}

const HW = 'the token reported an error';
const REMOVED = 'the token was removed or its session is gone; reinsert it and log in again';
const UNSUPPORTED = 'the token does not support this key type, size or mechanism';

/** PKCS#11 v2.40 return values, numbered as in pkcs11t.h. */
const CKR_TABLE: ReadonlyMap<number, CkrEntry> = new Map<number, CkrEntry>([
  [0x000, { name: 'CKR_OK', code: 'InternalError', hint: 'success reported as an error' }],
  [0x001, { name: 'CKR_CANCEL', code: 'TokenError', hint: 'the operation was cancelled on the device' }],
  [0x002, { name: 'CKR_HOST_MEMORY', code: 'TokenError', hint: 'the token module ran out of memory' }],
  [0x003, { name: 'CKR_SLOT_ID_INVALID', code: 'TokenRemoved', hint: REMOVED }],
  [0x005, { name: 'CKR_GENERAL_ERROR', code: 'TokenError', hint: HW }],
  [0x006, { name: 'CKR_FUNCTION_FAILED', code: 'TokenError', hint: HW }],
  [0x007, { name: 'CKR_ARGUMENTS_BAD', code: 'NotSupportedByToken', hint: 'the token rejected the arguments of this mechanism' }],
  [0x008, { name: 'CKR_NO_EVENT', code: 'TokenError', hint: 'no slot event' }],
  [0x009, { name: 'CKR_NEED_TO_CREATE_THREADS', code: 'TokenModuleLoadFailed', hint: 'the module cannot run without its own threads' }],
  [0x00a, { name: 'CKR_CANT_LOCK', code: 'TokenModuleLoadFailed', hint: 'the module does not support the requested locking' }],
  [0x010, { name: 'CKR_ATTRIBUTE_READ_ONLY', code: 'TokenError', hint: 'the attribute is read-only on this token' }],
  [0x011, { name: 'CKR_ATTRIBUTE_SENSITIVE', code: 'PrivateKeyNotExportable', hint: 'the key value is sensitive and cannot be read' }],
  [0x012, { name: 'CKR_ATTRIBUTE_TYPE_INVALID', code: 'NotSupportedByToken', hint: 'the token does not know this attribute' }],
  [0x013, { name: 'CKR_ATTRIBUTE_VALUE_INVALID', code: 'InvalidParameter', hint: 'an attribute value was rejected by the token' }],
  [0x01b, { name: 'CKR_ACTION_PROHIBITED', code: 'TokenError', hint: 'the token prohibits this action' }],
  [0x020, { name: 'CKR_DATA_INVALID', code: 'InvalidParameter', hint: 'the token rejected the input data' }],
  [0x021, { name: 'CKR_DATA_LEN_RANGE', code: 'InvalidParameter', hint: 'the input data has a length the token does not accept' }],
  [0x030, { name: 'CKR_DEVICE_ERROR', code: 'TokenError', hint: 'the device reported a hardware error' }],
  [0x031, { name: 'CKR_DEVICE_MEMORY', code: 'TokenError', hint: 'the token is out of memory' }],
  [0x032, { name: 'CKR_DEVICE_REMOVED', code: 'TokenRemoved', hint: REMOVED }],
  [0x040, { name: 'CKR_ENCRYPTED_DATA_INVALID', code: 'InvalidCiphertext', hint: 'the ciphertext is invalid for this key' }],
  [0x041, { name: 'CKR_ENCRYPTED_DATA_LEN_RANGE', code: 'InvalidCiphertext', hint: 'the ciphertext has the wrong length' }],
  [0x050, { name: 'CKR_FUNCTION_CANCELED', code: 'TokenError', hint: 'the operation was cancelled' }],
  [0x051, { name: 'CKR_FUNCTION_NOT_PARALLEL', code: 'TokenError', hint: 'no parallel function is running' }],
  [0x054, { name: 'CKR_FUNCTION_NOT_SUPPORTED', code: 'NotSupportedByToken', hint: 'the token module does not implement this function' }],
  [0x060, { name: 'CKR_KEY_HANDLE_INVALID', code: 'KeyNotFound', hint: 'the key object is no longer on the token' }],
  [0x062, { name: 'CKR_KEY_SIZE_RANGE', code: 'NotSupportedByToken', hint: UNSUPPORTED }],
  [0x063, { name: 'CKR_KEY_TYPE_INCONSISTENT', code: 'IncorrectKeyUsage', hint: 'this key type cannot be used with this mechanism' }],
  [0x064, { name: 'CKR_KEY_NOT_NEEDED', code: 'TokenError', hint: 'the mechanism takes no key' }],
  [0x065, { name: 'CKR_KEY_CHANGED', code: 'TokenError', hint: 'the key changed during a saved operation' }],
  [0x066, { name: 'CKR_KEY_NEEDED', code: 'TokenError', hint: 'a key is needed to restore the operation' }],
  [0x067, { name: 'CKR_KEY_INDIGESTIBLE', code: 'NotSupportedByToken', hint: 'the key cannot be digested' }],
  [0x068, { name: 'CKR_KEY_FUNCTION_NOT_PERMITTED', code: 'IncorrectKeyUsage', hint: 'the key attributes do not permit this operation' }],
  [0x069, { name: 'CKR_KEY_NOT_WRAPPABLE', code: 'PrivateKeyNotExportable', hint: 'the key cannot be wrapped' }],
  [0x06a, { name: 'CKR_KEY_UNEXTRACTABLE', code: 'PrivateKeyNotExportable', hint: 'the key is not extractable' }],
  [0x070, { name: 'CKR_MECHANISM_INVALID', code: 'NotSupportedByToken', hint: UNSUPPORTED }],
  [0x071, { name: 'CKR_MECHANISM_PARAM_INVALID', code: 'NotSupportedByToken', hint: 'the token rejected the mechanism parameters' }],
  [0x082, { name: 'CKR_OBJECT_HANDLE_INVALID', code: 'KeyNotFound', hint: 'the object is no longer on the token' }],
  [0x090, { name: 'CKR_OPERATION_ACTIVE', code: 'TokenError', hint: 'another operation is active in the session' }],
  [0x091, { name: 'CKR_OPERATION_NOT_INITIALIZED', code: 'TokenError', hint: 'no operation is active in the session' }],
  [0x0a0, { name: 'CKR_PIN_INCORRECT', code: 'TokenPinIncorrect', hint: 'the PIN is incorrect' }],
  [0x0a1, { name: 'CKR_PIN_INVALID', code: 'TokenPinInvalid', hint: 'the PIN contains characters the token does not accept' }],
  [0x0a2, { name: 'CKR_PIN_LEN_RANGE', code: 'TokenPinInvalid', hint: 'the PIN is too short or too long for this token' }],
  [0x0a3, { name: 'CKR_PIN_EXPIRED', code: 'TokenPinInvalid', hint: 'the PIN has expired and must be changed' }],
  [0x0a4, { name: 'CKR_PIN_LOCKED', code: 'TokenPinLocked', hint: 'the PIN is locked; the security officer must unblock it' }],
  [0x0b0, { name: 'CKR_SESSION_CLOSED', code: 'TokenRemoved', hint: REMOVED }],
  [0x0b1, { name: 'CKR_SESSION_COUNT', code: 'TokenError', hint: 'the token has too many open sessions' }],
  [0x0b3, { name: 'CKR_SESSION_HANDLE_INVALID', code: 'TokenRemoved', hint: REMOVED }],
  [0x0b4, { name: 'CKR_SESSION_PARALLEL_NOT_SUPPORTED', code: 'TokenError', hint: 'parallel sessions are not supported' }],
  [0x0b5, { name: 'CKR_SESSION_READ_ONLY', code: 'TokenError', hint: 'the session is read-only' }],
  [0x0b6, { name: 'CKR_SESSION_EXISTS', code: 'TokenError', hint: 'close all sessions before this operation (another program may hold the token)' }],
  [0x0b7, { name: 'CKR_SESSION_READ_ONLY_EXISTS', code: 'TokenError', hint: 'a read-only session prevents the security officer login' }],
  [0x0b8, { name: 'CKR_SESSION_READ_WRITE_SO_EXISTS', code: 'TokenError', hint: 'a security officer session prevents this' }],
  [0x0c0, { name: 'CKR_SIGNATURE_INVALID', code: 'InvalidParameter', hint: 'the signature is invalid' }],
  [0x0c1, { name: 'CKR_SIGNATURE_LEN_RANGE', code: 'InvalidParameter', hint: 'the signature has the wrong length' }],
  [0x0d0, { name: 'CKR_TEMPLATE_INCOMPLETE', code: 'TokenError', hint: 'the token needs more attributes for this object' }],
  [0x0d1, { name: 'CKR_TEMPLATE_INCONSISTENT', code: 'NotSupportedByToken', hint: 'the token rejected the object attributes' }],
  [0x0e0, { name: 'CKR_TOKEN_NOT_PRESENT', code: 'TokenRemoved', hint: REMOVED }],
  [0x0e1, { name: 'CKR_TOKEN_NOT_RECOGNIZED', code: 'TokenNotFound', hint: 'the module does not recognise the inserted token' }],
  [0x0e2, { name: 'CKR_TOKEN_WRITE_PROTECTED', code: 'TokenError', hint: 'the token is write-protected' }],
  [0x0f0, { name: 'CKR_UNWRAPPING_KEY_HANDLE_INVALID', code: 'KeyNotFound', hint: 'the unwrapping key is not on the token' }],
  [0x0f1, { name: 'CKR_UNWRAPPING_KEY_SIZE_RANGE', code: 'NotSupportedByToken', hint: UNSUPPORTED }],
  [0x0f2, { name: 'CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT', code: 'IncorrectKeyUsage', hint: 'the unwrapping key type does not fit the mechanism' }],
  [0x100, { name: 'CKR_USER_ALREADY_LOGGED_IN', code: 'TokenError', hint: 'a user is already logged in' }],
  [0x101, { name: 'CKR_USER_NOT_LOGGED_IN', code: 'TokenNotLoggedIn', hint: 'log in to the token first (another program may have reset it)' }],
  [0x102, { name: 'CKR_USER_PIN_NOT_INITIALIZED', code: 'TokenNotLoggedIn', hint: 'the user PIN has not been set; the security officer must set it' }],
  [0x103, { name: 'CKR_USER_TYPE_INVALID', code: 'InvalidParameter', hint: 'unknown user type' }],
  [0x104, { name: 'CKR_USER_ANOTHER_ALREADY_LOGGED_IN', code: 'TokenError', hint: 'another user is logged in; log out first' }],
  [0x105, { name: 'CKR_USER_TOO_MANY_TYPES', code: 'TokenError', hint: 'too many user types are logged in' }],
  [0x110, { name: 'CKR_WRAPPED_KEY_INVALID', code: 'UnwrapFailed', hint: 'the wrapped key is invalid' }],
  [0x112, { name: 'CKR_WRAPPED_KEY_LEN_RANGE', code: 'UnwrapFailed', hint: 'the wrapped key has the wrong length' }],
  [0x113, { name: 'CKR_WRAPPING_KEY_HANDLE_INVALID', code: 'KeyNotFound', hint: 'the wrapping key is not on the token' }],
  [0x114, { name: 'CKR_WRAPPING_KEY_SIZE_RANGE', code: 'NotSupportedByToken', hint: UNSUPPORTED }],
  [0x115, { name: 'CKR_WRAPPING_KEY_TYPE_INCONSISTENT', code: 'IncorrectKeyUsage', hint: 'the wrapping key type does not fit the mechanism' }],
  [0x120, { name: 'CKR_RANDOM_SEED_NOT_SUPPORTED', code: 'NotSupportedByToken', hint: 'the token cannot be seeded' }],
  [0x121, { name: 'CKR_RANDOM_NO_RNG', code: 'NotSupportedByToken', hint: 'the token has no random number generator' }],
  [0x130, { name: 'CKR_DOMAIN_PARAMS_INVALID', code: 'NotSupportedByToken', hint: UNSUPPORTED }],
  [0x140, { name: 'CKR_CURVE_NOT_SUPPORTED', code: 'NotSupportedByToken', hint: 'the token does not support this curve' }],
  [0x150, { name: 'CKR_BUFFER_TOO_SMALL', code: 'InternalError', hint: 'output buffer too small' }],
  [0x160, { name: 'CKR_SAVED_STATE_INVALID', code: 'TokenError', hint: 'the saved operation state is invalid' }],
  [0x170, { name: 'CKR_INFORMATION_SENSITIVE', code: 'PrivateKeyNotExportable', hint: 'the information is sensitive' }],
  [0x180, { name: 'CKR_STATE_UNSAVEABLE', code: 'TokenError', hint: 'the operation state cannot be saved' }],
  [0x190, { name: 'CKR_CRYPTOKI_NOT_INITIALIZED', code: 'TokenModuleLoadFailed', hint: 'the token module is not initialised' }],
  [0x191, { name: 'CKR_CRYPTOKI_ALREADY_INITIALIZED', code: 'TokenModuleLoadFailed', hint: 'the token module was already initialised' }],
  [0x1a0, { name: 'CKR_MUTEX_BAD', code: 'TokenError', hint: 'mutex error in the token module' }],
  [0x1a1, { name: 'CKR_MUTEX_NOT_LOCKED', code: 'TokenError', hint: 'mutex error in the token module' }],
  [0x1b0, { name: 'CKR_NEW_PIN_MODE', code: 'TokenPinInvalid', hint: 'the token wants a new PIN' }],
  [0x1b1, { name: 'CKR_NEXT_OTP', code: 'TokenError', hint: 'the token wants the next one-time password' }],
  [0x1b5, { name: 'CKR_EXCEEDED_MAX_ITERATIONS', code: 'TokenError', hint: 'the token exceeded its iteration limit' }],
  [0x1b6, { name: 'CKR_FIPS_SELF_TEST_FAILED', code: 'TokenError', hint: 'the token failed its self test' }],
  [0x1b7, { name: 'CKR_LIBRARY_LOAD_FAILED', code: 'TokenModuleLoadFailed', hint: 'the token module could not load a library it needs' }],
  [0x1b8, { name: 'CKR_PIN_TOO_WEAK', code: 'TokenPinInvalid', hint: 'the new PIN is too weak for this token' }],
  [0x1b9, { name: 'CKR_PUBLIC_KEY_INVALID', code: 'InvalidPublicKey', hint: 'the public key is invalid' }],
  [0x200, { name: 'CKR_FUNCTION_REJECTED', code: 'TokenError', hint: 'the operation was rejected on the device' }],
]);

export const CKR_VENDOR_DEFINED = 0x80000000;

/** Every CKR number the table knows, for the completeness test. */
export function knownCkrNumbers(): number[] {
  return [...CKR_TABLE.keys()];
}

export function ckrName(ckr: number): string {
  const e = CKR_TABLE.get(ckr);
  if (e) return e.name;
  if (ckr >= CKR_VENDOR_DEFINED) return `CKR_VENDOR_DEFINED+0x${(ckr - CKR_VENDOR_DEFINED).toString(16)}`;
  return `CKR_0x${ckr.toString(16)}`;
}

/** The Keywarden error code for a CKR number; vendor and unknown codes are TokenError. */
export function ckrCode(ckr: number): ErrorCode {
  return CKR_TABLE.get(ckr)?.code ?? 'TokenError';
}

/** Builds the KwError for a CKR return value seen while doing `operation`. */
export function ckrToKwError(ckr: number, operation: string): KwError {
  const e = CKR_TABLE.get(ckr);
  const name = ckrName(ckr);
  const hint = e?.hint ?? (ckr >= CKR_VENDOR_DEFINED ? 'vendor-specific token error' : HW);
  return new KwError(e?.code ?? 'TokenError', `${operation}: ${hint} (${name})`, { ckr: name, ckrCode: ckr, operation });
}

/** CKR values after which the token may have gone away: the worker re-checks presence. */
export const CKR_MAYBE_REMOVED: ReadonlySet<number> = new Set([
  0x003, 0x005, 0x006, 0x030, 0x032, 0x060, 0x082, 0x0b0, 0x0b3, 0x0e0, 0x0e1,
]);
