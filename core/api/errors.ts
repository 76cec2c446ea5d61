/**
 * The one closed set of error codes that crosses every boundary (IPC, HTTP, CLI).
 * A code is a promise to callers: never rename one, only add. Messages are English
 * for logs and tests; the renderer shows its own zh-CN/en sentence for each code.
 * No message may contain key material, passphrases or PINs.
 */
export const ERROR_CODES = [
  // request shape
  'InvalidParameter',
  'MissingParameter',
  'UnknownOperation',
  'UnsupportedOperation',
  // who is asking: a refused IPC sender, a shell request without the launch token or from another origin/host
  'Unauthorized',
  'FileNotAccessible',
  // catalogue objects
  'KeyNotFound',
  'KeyVersionNotFound',
  'AliasNotFound',
  'AliasAlreadyExists',
  'InvalidKeyState',
  'IncorrectKeyUsage',
  'DeletionProtected',
  'LimitExceeded',
  'InvalidCiphertext',
  'InvalidEncryptionContext',
  // vault
  'VaultNotInitialized',
  'VaultAlreadyInitialized',
  'VaultLocked',
  'WrongPassphrase',
  'VaultCorrupt',
  'VaultFolderInvalid',
  'AuditUnavailable',
  'SelfTestFailed',
  // BYOK
  'ImportTokenExpired',
  'ImportTokenInvalid',
  'InvalidKeyMaterial',
  'KeyMaterialMismatch',
  'UnwrapFailed',
  'InvalidPublicKey',
  // certificates
  'CertificateNotFound',
  'CertificateInvalid',
  'CertificateKeyMismatch',
  'InvalidCertificateState',
  'CertificateChainInvalid',
  'CertificateChainUnverified',
  'Pkcs12PasswordIncorrect',
  'PrivateKeyNotExportable',
  // PKCS#11 tokens
  'TokenNotFound',
  'TokenRemoved',
  'TokenModuleCrashed',
  'TokenModuleLoadFailed',
  'TokenNotLoggedIn',
  'TokenPinIncorrect',
  'TokenPinLocked',
  'TokenPinFinalTry',
  'TokenPinInvalid',
  'TokenError',
  'NotSupportedByToken',
  'ConfirmationRequired',
  // officers
  'AccessDenied',
  'NotSignedIn',
  'SessionExpired',
  'OfficerNotFound',
  'OfficerAlreadyExists',
  'OfficerSuspended',
  'CredentialInvalid',
  'RoleNotFound',
  'SeparationOfDuties',
  // quorum
  'QuorumRequired',
  'QuorumNotMet',
  'RequestNotFound',
  'RequestExpired',
  'RequestNotPending',
  'ApprovalInvalid',
  'ApprovalMismatch',
  'ApprovalReplayed',
  'ApprovalDuplicate',
  'ApprovalNotEligible',
  // anything else: a bug, reported without internals
  'InternalError',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const codeSet: ReadonlySet<string> = new Set(ERROR_CODES);
export function isErrorCode(x: unknown): x is ErrorCode {
  return typeof x === 'string' && codeSet.has(x);
}

/** What crosses a process boundary. `details` holds only non-secret, JSON-safe facts. */
export interface ErrorData {
  code: ErrorCode;
  message: string;
  details?: Record<string, string | number | boolean | null>;
}

export class KwError extends Error {
  override readonly name = 'KwError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, string | number | boolean | null>,
  ) {
    super(message);
  }
  toData(): ErrorData {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}

/** Turns anything thrown into boundary-safe data; unknown errors never leak their text. */
export function toErrorData(e: unknown): ErrorData {
  if (e instanceof KwError) return e.toData();
  return { code: 'InternalError', message: 'internal error' };
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorData };

/** For exhaustive switches over unions: the compiler proves this is unreachable. */
export function missingCase(x: never): never {
  throw new KwError('InternalError', `unhandled case: ${String(x)}`);
}
