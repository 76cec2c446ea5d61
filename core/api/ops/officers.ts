/**
 * Officers: the registry, their identity credentials, signing in and out, roles and the
 * custody settings. A vault made by `initVault` has one owner officer whose credential
 * is the vault passphrase; while it is the only officer, every call runs as the owner.
 */
import { z } from 'zod';
import { op } from '../operation.ts';
import { empty } from '../schemas.ts';

export type CredentialKind = 'vault-passphrase' | 'software' | 'ukey';

export interface CredentialView {
  credentialId: string;
  kind: CredentialKind;
  /** ukey: high (the key never leaves the token); software and vault-passphrase: low. */
  assurance: 'high' | 'low';
  keySpec: string | null;
  /** SPKI of the credential's key pair, base64 (null for vault-passphrase). */
  publicKey: string | null;
  certificateSubject: string | null;
  tokenLabel: string | null;
  tokenObjectId: string | null;
  createdAt: string;
}

export interface OfficerView {
  officerId: string;
  name: string;
  status: 'active' | 'suspended' | 'removed';
  roles: string[];
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  credentials: CredentialView[];
}

export interface RoleView {
  name: string;
  builtin: boolean;
  items: string[];
  /** Custom roles may be limited to keys whose alias starts with this (e.g. alias/payments/). */
  aliasPrefix: string | null;
  tagKey: string | null;
  tagValue: string | null;
}

export interface CustodySettings {
  sessionIdleMinutes: number;
  sessionLifetimeMinutes: number;
  /** A one-person lab may let one officer hold both administrator and key-manager. */
  allowAdministratorKeyManager: boolean;
}

export interface SessionView {
  officer: OfficerView | null;
  /** owner: one officer, every call runs as the owner; custody: calls run as a signed-in officer. */
  mode: 'owner' | 'custody';
  assurance: 'high' | 'low' | null;
  expiresAt: string | null;
  items: string[];
}

const name = z.string().min(1).max(64).regex(/^[\p{L}\p{N}_.@-][\p{L}\p{N}_.@ -]*$/u, 'letters, digits, space, _ . @ -');
const roleName = z.string().min(1).max(64).regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and -');
const officerRef = z.string().min(1).max(64);
const item = z.string().regex(/^kms:[a-z]+:[A-Za-z]+$/, 'a permission item such as kms:cmk:encrypt');
export const credentialInput = z
  .object({
    kind: z.enum(['software', 'ukey']),
    /** software: the officer's own passphrase (at least 8 characters); it seals the credential's private key. */
    passphrase: z.string().min(8, 'passphrase shorter than 8 characters').max(1024).optional(),
    keySpec: z.enum(['EC_P256', 'SM2']).optional(),
    /** ukey: the certificate of the key pair on the officer's token (PEM or base64 DER). */
    certificate: z.string().min(1).max(32 * 1024).optional(),
    tokenLabel: z.string().min(1).max(32).optional(),
    tokenObjectId: z.string().regex(/^[0-9a-fA-F]{1,128}$/).optional(),
  })
  .strict();

export const officerOps = {
  bootstrapOfficer: op<{ officer: OfficerView }>()({
    request: z.object({ name: name.default('owner') }).strict(),
    kind: 'write',
    permission: 'kms:vault:init',
    gate: 'unlocked',
    event: 'bootstrapOfficer',
    summary: 'For a vault made before officers existed: register its owner (credential: the vault passphrase). Only while the registry is empty.',
  }),
  addOfficer: op<{ officer: OfficerView }>()({
    request: z.object({ name, roles: z.array(roleName).max(16).default([]), credential: credentialInput }).strict(),
    kind: 'write',
    permission: 'kms:officer:manage',
    gate: 'unlocked',
    event: 'addOfficer',
    summary: 'Register an officer with roles and a first credential (UKey certificate, or a software key pair sealed under their passphrase).',
  }),
  addOfficerCredential: op<{ officer: OfficerView }>()({
    request: z.object({ officerId: officerRef, credential: credentialInput }).strict(),
    kind: 'write',
    permission: 'kms:officer:manage',
    gate: 'unlocked',
    event: 'addOfficerCredential',
    summary: 'Give an officer another credential.',
  }),
  updateOfficer: op<{ officer: OfficerView }>()({
    request: z.object({ officerId: officerRef, roles: z.array(roleName).max(16).optional(), status: z.enum(['active', 'suspended', 'removed']).optional() }).strict(),
    kind: 'write',
    permission: 'kms:officer:manage',
    gate: 'unlocked',
    event: 'updateOfficer',
    summary: "Change an officer's roles or status (suspend, reactivate, remove); separation of duties is checked.",
  }),
  listOfficers: op<{ officers: OfficerView[] }>()({
    request: empty,
    kind: 'read',
    permission: 'kms:officer:list',
    gate: 'none',
    event: 'listOfficers',
    summary: 'The officer registry with roles, status and credentials (public parts only).',
  }),
  beginSignIn: op<{ challengeId: string; challenge: string; officerId: string; credential: CredentialView; expiresAt: string }>()({
    request: z.object({ officer: officerRef, credentialId: z.string().min(1).max(64).optional() }).strict(),
    kind: 'session',
    permission: 'kms:officer:signIn',
    gate: 'none',
    event: 'beginSignIn',
    summary: "A fresh challenge for a UKey credential: sign its bytes on the officer's token (signWithTokenKey), then signIn.",
  }),
  signIn: op<{ sessionToken: string; session: SessionView }>()({
    request: z
      .object({
        officer: officerRef,
        /** software and vault-passphrase credentials. */
        passphrase: z.string().min(1).max(1024).optional(),
        credentialId: z.string().min(1).max(64).optional(),
        /** ukey credentials: the challenge from beginSignIn and the token's signature over it. */
        challengeId: z.string().min(1).max(64).optional(),
        signature: z.string().min(1).max(2048).optional(),
        algorithm: z.enum(['RSA_PKCS1_SHA_256', 'RSA_PSS_SHA_256', 'ECDSA_SHA_256', 'SM2DSA']).optional(),
      })
      .strict(),
    kind: 'session',
    permission: 'kms:officer:signIn',
    gate: 'none',
    event: 'signIn',
    summary: 'Prove an officer credential and open an officer session (idle timeout and absolute lifetime from the custody settings).',
    returnsSecret: true,
  }),
  signOut: op<{ signedOut: boolean }>()({
    request: empty,
    kind: 'session',
    permission: 'kms:officer:self',
    gate: 'none',
    event: 'signOut',
    summary: "End the caller's officer session.",
  }),
  whoAmI: op<SessionView>()({
    request: empty,
    kind: 'read',
    permission: 'kms:officer:self',
    gate: 'none',
    event: 'whoAmI',
    summary: 'Who the caller runs as, in which mode, until when, and the permission items they hold.',
  }),
  createRole: op<{ role: RoleView }>()({
    request: z
      .object({
        name: roleName,
        items: z.array(item).min(1).max(200),
        aliasPrefix: z.string().min(7).max(64).startsWith('alias/').optional(),
        tagKey: z.string().min(1).max(128).optional(),
        tagValue: z.string().max(256).optional(),
      })
      .strict(),
    kind: 'write',
    permission: 'kms:role:manage',
    gate: 'unlocked',
    event: 'createRole',
    summary: 'A custom role: a set of permission items, optionally limited to keys by alias prefix or tag.',
  }),
  deleteRole: op<{ deleted: true }>()({
    request: z.object({ name: roleName }).strict(),
    kind: 'write',
    permission: 'kms:role:manage',
    gate: 'unlocked',
    event: 'deleteRole',
    summary: 'Delete a custom role no officer holds.',
  }),
  listRoles: op<{ roles: RoleView[] }>()({
    request: empty,
    kind: 'read',
    permission: 'kms:role:list',
    gate: 'none',
    event: 'listRoles',
    summary: 'Built-in and custom roles with their items.',
  }),
  getCustodySettings: op<CustodySettings>()({ request: empty, kind: 'read', permission: 'kms:officer:list', gate: 'none', event: 'getCustodySettings', summary: 'Session timeouts and the lab setting.' }),
  updateCustodySettings: op<CustodySettings>()({
    request: z
      .object({
        sessionIdleMinutes: z.number().int().min(1).max(24 * 60).optional(),
        sessionLifetimeMinutes: z.number().int().min(1).max(7 * 24 * 60).optional(),
        allowAdministratorKeyManager: z.boolean().optional(),
      })
      .strict(),
    kind: 'write',
    permission: 'kms:officer:manage',
    gate: 'unlocked',
    event: 'updateCustodySettings',
    summary: 'Change session timeouts, or the lab setting that lets one officer hold administrator and key-manager.',
  }),
};

export type CredentialInput = z.output<typeof credentialInput>;

export type OfficerOperation = keyof typeof officerOps;
