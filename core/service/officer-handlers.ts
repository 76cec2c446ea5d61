/**
 * Officer operations: the registry, credentials, signing in and out, roles, custody
 * settings. They are served beside the vault operations because signing in needs the
 * caller's session token and, for the owner, the vault passphrase flow.
 */
import { KwError } from '../api/errors.ts';
import { contract, OPERATION_NAMES, type ParsedRequestOf, type ResponseOf } from '../api/contract.ts';
import type { OfficerOperation } from '../api/ops/officers.ts';
import type { PermissionItem } from '../api/operation.ts';
import type { CallContext, Services } from '../kms/context.ts';
import { uuidFrom } from '../ports/index.ts';
import { PassphraseProtector, type ScryptParams } from '../vault/root-key.ts';
import { Custody } from '../officers/custody.ts';
import { makeCredential, openSoftwareKey, verifyCredentialSignature } from '../officers/credentials.ts';
import {
  countOfficers, credentialView, findOfficer, getCredential, insertCredential, insertOfficer, listOfficerRows, officerView, pickCredential, requireActive, rolesOf,
  updateOfficerRow, type OfficerRow,
} from '../officers/registry.ts';
import { deleteRole, insertRole, listRoles, principalFor, requireRolesExist } from '../officers/role-store.ts';
import { BUILTIN_ROLES, ROLE_ITEMS } from '../officers/roles.ts';
import { createSession, endSession, endSessionsOf } from '../officers/sessions.ts';
import { readSettings, writeSettings } from '../officers/settings.ts';
import { requireSeparation } from '../officers/separation.ts';
import type { Resolved } from '../officers/custody.ts';

export interface OfficerSession {
  services: Services;
  custody: Custody;
  scryptCost: ScryptParams | undefined;
}

/** What the dispatcher knows about the call: its session token and who it resolved to. */
export interface CallIdentity {
  token: string | undefined;
  resolved: Resolved;
}

const CHALLENGE_MS = 2 * 60_000;
const OWNER_ROLES = [...BUILTIN_ROLES];

export const ALL_ITEMS: readonly PermissionItem[] = [
  ...new Set<PermissionItem>([...OPERATION_NAMES.map((n) => contract[n].permission), ...Object.values(ROLE_ITEMS).flat()]),
];

/** The owner officer of a new vault (or of one made before officers existed): credential = the vault passphrase. */
export function createOwner(s: Services, name: string, now: number): OfficerRow {
  const row: OfficerRow = { id: uuidFrom(s.random), name, status: 'active', roles: JSON.stringify(OWNER_ROLES), created_by: null, created_at: now, updated_at: now };
  insertOfficer(s.db, row);
  insertCredential(s.db, {
    id: uuidFrom(s.random), officer_id: row.id, kind: 'vault-passphrase', assurance: 'low', key_spec: null, public_key: null, certificate: null,
    token_label: null, token_object_id: null, sealed_private_key: null, created_at: now,
  });
  // The owner holds every role: a one-person lab until a custody configuration turns this off.
  writeSettings(s.db, { allowAdministratorKeyManager: true });
  return row;
}

function challengeBytes(vaultId: string, challengeId: string, nonce: Buffer): Buffer {
  return Buffer.from(`keywarden officer sign-in v1\nvault ${vaultId}\nchallenge ${challengeId}\nnonce ${nonce.toString('hex')}\n`, 'utf8');
}

function sessionView(s: OfficerSession, r: Resolved, expiresAt: number | null, assurance: 'high' | 'low' | null): ResponseOf<'whoAmI'> {
  return {
    officer: r.officer ? officerView(s.services.db, r.officer) : null,
    mode: s.custody.mode(),
    assurance,
    expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
    items: r.principal.signedOut ? [] : Custody.itemsOf(r.principal, ALL_ITEMS),
  };
}

type OfficerHandlerTable = { [K in OfficerOperation]: (req: ParsedRequestOf<K>, s: OfficerSession, ctx: CallContext, who: CallIdentity) => Promise<ResponseOf<K>> };

export const officerHandlers: OfficerHandlerTable = {
  async bootstrapOfficer(req, s, ctx) {
    const now = ctx.clock.now();
    const row = ctx.write(() => {
      if (countOfficers(ctx.db) > 0) throw new KwError('OfficerAlreadyExists', 'the officer registry is not empty: bootstrapOfficer runs once');
      return createOwner(s.services, req.name, now);
    });
    ctx.keyId = row.id;
    return { officer: officerView(ctx.db, row) };
  },

  async addOfficer(req, s, ctx, who) {
    requireRolesExist(ctx.db, req.roles);
    const id = uuidFrom(ctx.random);
    const credId = uuidFrom(ctx.random);
    const made = await makeCredential(req.credential, credId, { suite: ctx.suite, random: ctx.random, cost: s.scryptCost ?? { N: 2 ** 17, r: 8, p: 1 } });
    const now = ctx.clock.now();
    ctx.keyId = id;
    ctx.detail = { name: req.name, roles: req.roles.join(','), credential: made.kind };
    const row: OfficerRow = { id, name: req.name, status: 'active', roles: JSON.stringify(req.roles), created_by: who.resolved.officer?.id ?? null, created_at: now, updated_at: now };
    ctx.write(() => {
      insertOfficer(ctx.db, row);
      insertCredential(ctx.db, { id: credId, officer_id: id, created_at: now, ...made });
      requireSeparation(ctx.db, readSettings(ctx.db));
    });
    return { officer: officerView(ctx.db, row) };
  },

  async addOfficerCredential(req, s, ctx) {
    const officer = findOfficer(ctx.db, req.officerId);
    const credId = uuidFrom(ctx.random);
    const made = await makeCredential(req.credential, credId, { suite: ctx.suite, random: ctx.random, cost: s.scryptCost ?? { N: 2 ** 17, r: 8, p: 1 } });
    ctx.keyId = officer.id;
    ctx.detail = { credential: made.kind, credentialId: credId };
    ctx.write(() => insertCredential(ctx.db, { id: credId, officer_id: officer.id, created_at: ctx.clock.now(), ...made }));
    return { officer: officerView(ctx.db, officer) };
  },

  async updateOfficer(req, _s, ctx, who) {
    const officer = findOfficer(ctx.db, req.officerId);
    const roles = req.roles ?? rolesOf(officer);
    const status = req.status ?? officer.status;
    if (officer.status === 'removed' && status !== 'removed') throw new KwError('OfficerSuspended', `officer '${officer.name}' was removed`);
    if (who.resolved.officer?.id === officer.id && status !== 'active') throw new KwError('InvalidParameter', 'an officer cannot suspend or remove themself', { field: 'status' });
    requireRolesExist(ctx.db, roles);
    const now = ctx.clock.now();
    ctx.keyId = officer.id;
    ctx.detail = { roles: roles.join(','), status };
    ctx.write(() => {
      updateOfficerRow(ctx.db, officer.id, roles, status, now);
      if (status !== 'active') endSessionsOf(ctx.db, officer.id, now);
      requireSeparation(ctx.db, readSettings(ctx.db));
    });
    return { officer: officerView(ctx.db, findOfficer(ctx.db, officer.id)) };
  },

  async listOfficers(_req, _s, ctx) {
    return { officers: listOfficerRows(ctx.db).map((r) => officerView(ctx.db, r)) };
  },

  async beginSignIn(req, s, ctx) {
    const officer = findOfficer(ctx.db, req.officer);
    ctx.keyId = officer.id;
    requireActive(officer);
    const cred = pickCredential(ctx.db, officer, req.credentialId, ['ukey']);
    const challengeId = uuidFrom(ctx.random);
    const vaultId = ctx.vault.vaultId ?? '-';
    const bytes = challengeBytes(vaultId, challengeId, ctx.random.bytes(32));
    const expiresAt = ctx.clock.now() + CHALLENGE_MS;
    ctx.db.prepare('INSERT INTO officer_challenges (id, credential_id, challenge, expires_at) VALUES (?, ?, ?, ?)').run(challengeId, cred.id, bytes, expiresAt);
    void s;
    return { challengeId, challenge: bytes.toString('base64'), officerId: officer.id, credential: credentialView(cred), expiresAt: new Date(expiresAt).toISOString() };
  },

  async signIn(req, s, ctx) {
    const officer = findOfficer(ctx.db, req.officer);
    ctx.keyId = officer.id;
    requireActive(officer);
    const now = ctx.clock.now();
    let credentialId: string;
    let assurance: 'high' | 'low';
    if (req.passphrase !== undefined) {
      const cred = pickCredential(ctx.db, officer, req.credentialId, ['software', 'vault-passphrase']);
      if (cred.kind === 'software') (await openSoftwareKey(cred, req.passphrase)).fill(0);
      else {
        try {
          await ctx.vault.unlock(new PassphraseProtector(req.passphrase, ctx.random, s.scryptCost));
        } catch (e) {
          if (e instanceof KwError && e.code === 'WrongPassphrase') throw new KwError('CredentialInvalid', 'the vault passphrase is not correct');
          throw e;
        }
      }
      credentialId = cred.id;
      assurance = cred.assurance;
    } else {
      if (!req.challengeId || !req.signature || !req.algorithm) throw new KwError('MissingParameter', 'signIn needs a passphrase, or challengeId, signature and algorithm', { field: 'challengeId' });
      const ch = ctx.db.prepare('SELECT * FROM officer_challenges WHERE id = ?').get(req.challengeId) as { credential_id: string; challenge: Buffer; expires_at: number } | undefined;
      // A challenge answers once, right or wrong.
      ctx.db.prepare('DELETE FROM officer_challenges WHERE id = ? OR expires_at < ?').run(req.challengeId, now);
      if (!ch || ch.expires_at <= now) throw new KwError('CredentialInvalid', 'the sign-in challenge is unknown, used or expired');
      const cred = getCredential(ctx.db, ch.credential_id);
      if (cred.officer_id !== officer.id || !verifyCredentialSignature(ctx.suite, cred, req.algorithm, ch.challenge, Buffer.from(req.signature, 'base64'))) {
        throw new KwError('CredentialInvalid', 'the signature does not verify with the officer’s credential');
      }
      credentialId = cred.id;
      assurance = cred.assurance;
    }
    const settings = s.custody.settings();
    const { token, row } = createSession(ctx.db, ctx.random, officer.id, credentialId, now, settings.sessionLifetimeMinutes * 60_000);
    ctx.detail = { credentialId, assurance };
    const resolved: Resolved = { principal: principalFor(ctx.db, officer.id, rolesOf(officer)), officer, session: row };
    return { sessionToken: token, session: sessionView(s, resolved, row.expires_at, assurance) };
  },

  async signOut(_req, _s, ctx, who) {
    if (!who.token) return { signedOut: false };
    return { signedOut: endSession(ctx.db, who.token, ctx.clock.now()) };
  },

  async whoAmI(_req, s, ctx, who) {
    const cred = who.resolved.session ? getCredential(ctx.db, who.resolved.session.credential_id) : null;
    return sessionView(s, who.resolved, who.resolved.session?.expires_at ?? null, cred?.assurance ?? null);
  },

  async createRole(req, _s, ctx) {
    const role = { name: req.name, builtin: false, items: req.items, aliasPrefix: req.aliasPrefix ?? null, tagKey: req.tagKey ?? null, tagValue: req.tagValue ?? null };
    if (role.tagValue !== null && role.tagKey === null) throw new KwError('InvalidParameter', 'tagValue needs tagKey', { field: 'tagValue' });
    ctx.detail = { name: req.name, items: req.items.length };
    ctx.write(() => insertRole(ctx.db, role, ctx.clock.now()));
    return { role };
  },

  async deleteRole(req, _s, ctx) {
    const holders = listOfficerRows(ctx.db).filter((o) => o.status !== 'removed' && rolesOf(o).includes(req.name)).length;
    ctx.detail = { name: req.name };
    ctx.write(() => deleteRole(ctx.db, req.name, holders));
    return { deleted: true };
  },

  async listRoles(_req, _s, ctx) {
    return { roles: listRoles(ctx.db) };
  },

  async getCustodySettings(_req, _s, ctx) {
    return readSettings(ctx.db);
  },

  async updateCustodySettings(req, _s, ctx) {
    ctx.detail = Object.fromEntries(Object.entries(req).filter(([, v]) => v !== undefined)) as Record<string, number | boolean>;
    ctx.write(() => {
      writeSettings(ctx.db, req);
      requireSeparation(ctx.db, readSettings(ctx.db));
    });
    return readSettings(ctx.db);
  },
};
