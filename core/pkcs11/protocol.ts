/**
 * The typed contract between TokenBridge (parent, holds the vault) and the PKCS#11
 * worker (child, holds pkcs11js and the vendor module). Declared once; the worker's
 * handler table and the parent's `call` are both derived from `BridgeOps`, so the
 * two sides cannot drift. Bytes travel as Uint8Array (fork uses 'advanced'
 * serialization, a structured clone); errors travel as ErrorData.
 */
import type { ErrorData } from '../api/errors.ts';
import { BRIDGE_KEY_SPECS, type BridgeKeySpec, type TokenEncryptionAlgorithm, type TokenSignAlgorithm } from '../domain/vocabulary.ts';
import type { TokenSelector } from './token-selector.ts';
import type { WrapOps } from './wrap-protocol.ts';

export type { TokenSelector };

/** What the generic bridge generates and computes: the vocabulary's token rows (domain/vocabulary.ts). */
export type KeySpec = BridgeKeySpec;
export const KEY_SPECS: readonly KeySpec[] = BRIDGE_KEY_SPECS;
export type SignAlgorithm = TokenSignAlgorithm;
export type OaepAlgorithm = TokenEncryptionAlgorithm;
export type PinUser = 'user' | 'so';

/** Which path an RSA-OAEP operation took; never hidden from the caller. */
export type OaepPath =
  | 'token-oaep'
  /** Token lacks OAEP with this hash: raw RSA on the token, OAEP (un)padding in the worker. */
  | 'token-raw-rsa-host-oaep'
  /** Encryption only: a public-key operation done with node:crypto on the token's public key. */
  | 'host-public-key';

export interface ModuleDescription {
  modulePath: string;
  manufacturer: string;
  libraryDescription: string;
  cryptokiVersion: string;
  libraryVersion: string;
}

export interface PinState {
  countLow: boolean;
  finalTry: boolean;
  locked: boolean;
  toBeChanged: boolean;
}

export interface TokenDescription {
  slotId: string;
  slotDescription: string;
  label: string;
  manufacturer: string;
  model: string;
  serial: string;
  flags: number;
  /** Named CKF_* token flags that are set. */
  flagNames: string[];
  initialized: boolean;
  userPinInitialized: boolean;
  loginRequired: boolean;
  userPin: PinState;
  soPin: PinState;
  minPinLength: number;
  maxPinLength: number;
}

export interface SlotDescription {
  slotId: string;
  slotDescription: string;
  tokenPresent: boolean;
  token: TokenDescription | null;
}

export interface MechanismDescription {
  /** CKM_* number. */
  type: number;
  /** CKM_* name when pkcs11js knows it, else hex. */
  name: string;
  minKeySize: number;
  maxKeySize: number;
  flags: number;
}

export interface LoginOutcome {
  userType: PinUser;
  /** True when the session was already logged in: no PIN was sent. */
  alreadyLoggedIn: boolean;
  /** Flags read before the attempt said a wrong PIN had been entered earlier. */
  countLowBefore: boolean;
}

export interface GeneratedKey {
  idHex: string;
  label: string;
  keySpec: KeySpec;
}

export type KeyObjectClass = 'secret' | 'private' | 'public';

export interface KeyObjectInfo {
  objectClass: KeyObjectClass;
  keyType: string;
  label: string;
  idHex: string;
  token: boolean;
  private: boolean;
  sensitive: boolean | null;
  extractable: boolean | null;
  alwaysSensitive: boolean | null;
  neverExtractable: boolean | null;
  alwaysAuthenticate: boolean | null;
}

export interface ExtractabilityProbe {
  idHex: string;
  objectClass: KeyObjectClass;
  sensitive: boolean;
  extractable: boolean;
  /** Whether C_GetAttributeValue(CKA_VALUE or CKA_PRIVATE_EXPONENT) returned bytes. The bytes are never returned. */
  valueReadable: boolean;
  /** The CKR name the token answered with when reading the value. */
  valueReadError: string | null;
}

export interface GcmSealed {
  iv: Uint8Array;
  ciphertext: Uint8Array;
  tag: Uint8Array;
}

export interface CertificateObject {
  label: string;
  idHex: string;
  der: Uint8Array;
}

export interface KeyRef {
  token: TokenSelector;
  idHex: string;
}

/** One entry per operation: params and result. Names are the request `op`. BYOK wrapping ops: wrap-protocol.ts. */
export interface BridgeOps extends WrapOps {
  moduleInfo: { params: Record<string, never>; result: ModuleDescription };
  listSlots: { params: Record<string, never>; result: SlotDescription[] };
  tokenInfo: { params: { token: TokenSelector }; result: TokenDescription };
  mechanisms: { params: { token: TokenSelector }; result: MechanismDescription[] };
  login: { params: { token: TokenSelector; userType: PinUser; pin: string; confirmFinalTry: boolean }; result: LoginOutcome };
  logout: { params: { token: TokenSelector }; result: { wasLoggedIn: boolean } };
  changePin: { params: { token: TokenSelector; oldPin: string; newPin: string; confirmFinalTry: boolean }; result: { changed: true } };
  initToken: { params: { token: TokenSelector; soPin: string; label: string }; result: TokenDescription };
  initUserPin: { params: { token: TokenSelector; pin: string }; result: { initialized: true } };
  generateKey: {
    params: { token: TokenSelector; keySpec: KeySpec; label: string; alwaysAuthenticate: boolean };
    result: GeneratedKey;
  };
  findKey: { params: KeyRef; result: KeyObjectInfo[] };
  probeExtractability: { params: KeyRef; result: ExtractabilityProbe[] };
  publicKeySpki: { params: KeyRef; result: Uint8Array };
  aesGcmEncrypt: { params: KeyRef & { plaintext: Uint8Array; aad: Uint8Array | null; iv: Uint8Array | null }; result: GcmSealed };
  aesGcmDecrypt: { params: KeyRef & GcmSealed & { aad: Uint8Array | null }; result: Uint8Array };
  sign: {
    params: KeyRef & { algorithm: SignAlgorithm; message: Uint8Array | null; digest: Uint8Array | null; contextPin: string | null };
    result: Uint8Array;
  };
  verify: {
    params: KeyRef & { algorithm: SignAlgorithm; message: Uint8Array | null; digest: Uint8Array | null; signature: Uint8Array };
    result: boolean;
  };
  rsaEncrypt: { params: KeyRef & { algorithm: OaepAlgorithm; plaintext: Uint8Array }; result: { ciphertext: Uint8Array; path: OaepPath } };
  rsaDecrypt: {
    params: KeyRef & { algorithm: OaepAlgorithm; ciphertext: Uint8Array; contextPin: string | null };
    result: { plaintext: Uint8Array; path: OaepPath };
  };
  generateRandom: { params: { token: TokenSelector; length: number }; result: Uint8Array };
  destroyKey: { params: KeyRef; result: { destroyed: number } };
  listCertificates: { params: { token: TokenSelector }; result: CertificateObject[] };
}

export type OpName = keyof BridgeOps;
export type OpParams<K extends OpName> = BridgeOps[K]['params'];
export type OpResult<K extends OpName> = BridgeOps[K]['result'];

export interface Request<K extends OpName = OpName> {
  id: number;
  op: K;
  params: OpParams<K>;
}

export type Response = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: ErrorData };

/** Parent → child. Requests issued in the same tick travel as one batch. */
export type ParentMessage = { kind: 'batch'; requests: Request[] } | { kind: 'shutdown' };

/** Child → parent. `ready` follows a successful C_Initialize; `loadFailed` ends the child. */
export type ChildMessage =
  | { kind: 'ready'; module: ModuleDescription }
  | { kind: 'loadFailed'; error: ErrorData }
  | { kind: 'batch'; responses: Response[] };

/** The worker's handler table: one handler per op, checked complete by the compiler. */
export type Handlers = { [K in OpName]: (params: OpParams<K>) => OpResult<K> };
