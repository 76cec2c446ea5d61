/**
 * PKCS#11 tokens (USB HSMs, UKeys): the vault's module, token listing and details,
 * officer login, PIN change, token initialisation, certificates on the token, the
 * officer's challenge signature, and the vault root key held by a token. PINs travel
 * in requests only; they never appear in responses, errors or the audit log.
 */
import { z } from 'zod';
import { op } from '../operation.ts';
import * as s from '../schemas.ts';
import { LIMITS } from '../../domain/limits.ts';
import { TOKEN_SIGN_ALGORITHMS } from '../../domain/vocabulary.ts';

export interface TokenPinStateView {
  countLow: boolean;
  finalTry: boolean;
  locked: boolean;
  toBeChanged: boolean;
  /** 0 locked, 1 final try, null when the token does not say. */
  triesLeft: number | null;
}

export interface TokenView {
  label: string;
  slotId: string;
  slotDescription: string;
  manufacturer: string;
  model: string;
  serial: string;
  flagNames: string[];
  initialized: boolean;
  userPinInitialized: boolean;
  loginRequired: boolean;
  userPin: TokenPinStateView;
  soPin: TokenPinStateView;
  minPinLength: number;
  maxPinLength: number;
  /** Whether this process holds a login on the token, and as whom. */
  loggedInAs: 'user' | 'so' | null;
}

export interface TokenModuleView {
  modulePath: string;
  manufacturer: string;
  libraryDescription: string;
  cryptokiVersion: string;
  libraryVersion: string;
  /** The profile entry (resources/pkcs11-profiles.json) matched to the module, or 'unlisted'. */
  profileId: string;
}

export interface TokenCertificateView {
  label: string;
  objectId: string;
  /** DER, base64. */
  certificate: string;
  /** null when the object is not a certificate Keywarden can parse (parseError says why). */
  summary: {
    subject: string;
    issuer: string;
    serialNumber: string;
    notBefore: string;
    notAfter: string;
    keySpec: string | null;
    keyUsage: string[];
    fingerprints: { sha256: string; sha1: string; sm3: string };
  } | null;
  parseError: string | null;
}

const tokenLabel = z.string().min(1).max(32);
const pin = z.string().min(1).max(256);
const objectId = z.string().regex(/^(?:[0-9a-f]{2}){1,64}$/, 'lowercase hex CKA_ID');
/** Exactly what initToken and removePassphrase demand, so nobody erases by accident. */
export const INIT_TOKEN_CONFIRM = 'DESTROY-ALL-OBJECTS';
export const REMOVE_PASSPHRASE_CONFIRM = 'TOKEN-IS-THE-ONLY-WAY-IN';
export const TOKEN_LOSS_WARNING =
  'Losing this token (or its PIN) without the passphrase or backup shares makes the vault unrecoverable: the root key can only be unwrapped inside the token.';

export const tokenOps = {
  configureTokenModule: op<{ modulePath: string; defaultTokenLabel: string | null; module: TokenModuleView }>()({
    request: z.object({ modulePath: z.string().min(1).max(4096), defaultTokenLabel: tokenLabel.optional() }).strict(),
    kind: 'write',
    permission: 'kms:token:configure',
    gate: 'unlocked',
    event: 'configureTokenModule',
    summary: "Save the vault's PKCS#11 module (loaded once to check it) and its default token.",
  }),
  listTokens: op<{ module: TokenModuleView; tokens: TokenView[] }>()({
    request: s.empty,
    kind: 'read',
    permission: 'kms:token:list',
    gate: 'none',
    event: 'listTokens',
    summary: 'Tokens present in the slots of the configured module.',
  }),
  describeToken: op<{ token: TokenView }>()({
    request: z.object({ tokenLabel: tokenLabel.optional() }).strict(),
    kind: 'read',
    permission: 'kms:token:list',
    gate: 'none',
    event: 'describeToken',
    summary: 'One token: manufacturer, model, serial, flags and PIN counters.',
  }),
  listMechanisms: op<{ tokenLabel: string; mechanisms: Array<{ type: number; name: string; minKeySize: number; maxKeySize: number; flags: number }>; keySpecs: Array<{ keySpec: string; supported: boolean; reason: string | null }> }>()({
    request: z.object({ tokenLabel: tokenLabel.optional() }).strict(),
    kind: 'read',
    permission: 'kms:token:list',
    gate: 'none',
    event: 'listMechanisms',
    summary: 'Mechanisms the token reports, and which key specs it can hold for protectionLevel HSM.',
  }),
  tokenLogin: op<{ tokenLabel: string; userType: 'user' | 'so'; alreadyLoggedIn: boolean }>()({
    request: z
      .object({ tokenLabel: tokenLabel.optional(), pin, userType: z.enum(['user', 'so']).default('user'), confirmFinalTry: z.boolean().default(false) })
      .strict(),
    kind: 'session',
    permission: 'kms:token:login',
    gate: 'none',
    event: 'tokenLogin',
    summary: 'Log in to a token (PIN flags are read first; at FINAL_TRY only with confirmFinalTry). Never retried.',
  }),
  tokenLogout: op<{ tokenLabel: string; wasLoggedIn: boolean }>()({
    request: z.object({ tokenLabel: tokenLabel.optional() }).strict(),
    kind: 'session',
    permission: 'kms:token:login',
    gate: 'none',
    event: 'tokenLogout',
    summary: 'Log out of a token.',
  }),
  changeTokenPin: op<{ tokenLabel: string; changed: true }>()({
    request: z.object({ tokenLabel: tokenLabel.optional(), oldPin: pin, newPin: pin, confirmFinalTry: z.boolean().default(false) }).strict(),
    kind: 'session',
    permission: 'kms:token:changePin',
    gate: 'none',
    event: 'changeTokenPin',
    summary: 'Change the PIN of whoever is logged in (the user PIN when nobody is).',
  }),
  initToken: op<{ token: TokenView }>()({
    request: z
      .object({
        tokenLabel: tokenLabel.optional(),
        slotId: z.string().regex(/^[0-9a-f]{1,16}$/).optional(),
        soPin: pin,
        newLabel: tokenLabel,
        confirm: z.literal(INIT_TOKEN_CONFIRM, { error: `confirm must be '${INIT_TOKEN_CONFIRM}': initialising erases every object on the token` }),
      })
      .strict(),
    kind: 'session',
    permission: 'kms:token:init',
    gate: 'none',
    event: 'initToken',
    summary: 'Initialise (erase) a token, chosen by label or slot id, with the SO PIN and a new label.',
  }),
  listTokenCertificates: op<{ tokenLabel: string; certificates: TokenCertificateView[] }>()({
    request: z.object({ tokenLabel: tokenLabel.optional() }).strict(),
    kind: 'read',
    permission: 'kms:token:list',
    gate: 'none',
    event: 'listTokenCertificates',
    summary: 'Certificate objects on a token, each with a parsed summary (RSA, EC and SM2 X.509).',
  }),
  importTokenCertificateForUK: op<{ certificateId: string; tokenLabel: string; objectId: string }>()({
    request: z.object({ tokenLabel: tokenLabel.optional(), objectId, name: z.string().max(128).optional() }).strict(),
    kind: 'write',
    permission: 'kms:ukcert:import',
    gate: 'unlocked',
    event: 'importCertificateForUK',
    summary: 'Read a certificate object off the token and import it as a UKey certificate (importCertificateForUK).',
  }),
  signWithTokenKey: op<{ tokenLabel: string; objectId: string; algorithm: string; signature: string }>()({
    request: z
      .object({
        tokenLabel: tokenLabel.optional(),
        objectId,
        algorithm: z.enum(TOKEN_SIGN_ALGORITHMS),
        message: s.base64(LIMITS.asymmetricMessageMaxBytes),
        messageType: s.messageType.default('RAW'),
      })
      .strict(),
    kind: 'crypto',
    permission: 'kms:token:sign',
    gate: 'none',
    event: 'signWithTokenKey',
    summary: "Sign a challenge with a private key on the token (the officer's signature); verify it with certificatePublicKeyVerifyForUsbKey.",
  }),
  addTokenUnlock: op<{ tokenLabel: string; tokenSerial: string; objectId: string; unlockMethods: string[]; passphraseRemoved: boolean; warning: string }>()({
    request: z
      .object({
        tokenLabel: tokenLabel.optional(),
        removePassphrase: z.boolean().default(false),
        confirm: z.literal(REMOVE_PASSPHRASE_CONFIRM).optional(),
      })
      .strict(),
    kind: 'session',
    permission: 'kms:vault:addTokenUnlock',
    gate: 'unlocked',
    event: 'addTokenUnlock',
    summary: 'Let a token unlock the vault: a new non-extractable AES key on it wraps the root key. Needs the vault unlocked and the token logged in.',
  }),
  unlockVaultWithToken: op<{ unlocked: true; tokenLabel: string; unlockMethods: string[] }>()({
    request: z.object({ tokenLabel: tokenLabel.optional(), pin, confirmFinalTry: z.boolean().default(false) }).strict(),
    kind: 'session',
    permission: 'kms:vault:unlock',
    gate: 'none',
    event: 'unlockVault',
    summary: 'Log in to the token and unwrap the root key with its key.',
  }),
};
export type TokenOperation = keyof typeof tokenOps;
