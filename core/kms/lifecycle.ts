/** Creating keys and moving them through their states. */
import { KwError } from '../api/errors.ts';
import type { ParsedRequestOf, ResponseOf } from '../api/contract.ts';
import { SPEC_CAPABILITIES } from '../domain/key-specs.ts';
import { DAY_MS, LIMITS } from '../domain/limits.ts';
import { uuidFrom } from '../ports/index.ts';
import type { CallContext } from './context.ts';
import { getKeyRow, resolveKey, toMetadata, updateKey, type KeyRow } from './key-repo.ts';
import { keyStoreFor } from './keystore.ts';
import { requireState } from './guards.ts';
import { createDefaultKey as defaultKeyFor, requireOrdinaryAlias, requireOrdinaryKey } from './default-keys.ts';
import { insertVersion, assertAsymmetricVersionRoom } from './versions.ts';

export async function createKey(req: ParsedRequestOf<'createKey'>, ctx: CallContext): Promise<ResponseOf<'createKey'>> {
  if (req.alias) requireOrdinaryAlias(req.alias);
  return insertKey(req, ctx, null);
}

/** createDefaultKey: the product's AES_256 key under its reserved alias, made on first use. */
export function createDefaultKey(req: ParsedRequestOf<'createDefaultKey'>, ctx: CallContext): Promise<ResponseOf<'createDefaultKey'>> {
  return defaultKeyFor(req, ctx, (alias, description) =>
    insertKey({ keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT', alias, description, protectionLevel: 'SOFTWARE', origin: 'KMS' }, ctx, req.product),
  );
}

async function insertKey(req: ParsedRequestOf<'createKey'>, ctx: CallContext, defaultFor: string | null): Promise<ResponseOf<'createKey'>> {
  const caps = SPEC_CAPABILITIES[req.keySpec];
  const origin = req.origin ?? 'KMS';
  const protectionLevel = req.protectionLevel ?? 'SOFTWARE';
  if (!caps.usages.includes(req.keyUsage)) {
    throw new KwError('InvalidParameter', `keySpec ${req.keySpec} does not support keyUsage ${req.keyUsage} (supported: ${caps.usages.join(', ')})`);
  }
  // Imported material would be sealed in software: never pass that off as an HSM key.
  if (origin === 'EXTERNAL' && protectionLevel === 'HSM') throw new KwError('NotSupportedByToken', 'importing key material into a token is not supported; use SOFTWARE protection for EXTERNAL keys');
  if (origin === 'EXTERNAL' && !caps.importable) throw new KwError('InvalidParameter', `keySpec ${req.keySpec} cannot have EXTERNAL origin`);
  const rotation = req.rotationIntervalDays ?? null;
  if (rotation !== null && (caps.family !== 'symmetric' || origin !== 'KMS')) {
    throw new KwError('UnsupportedOperation', 'automatic rotation is only for symmetric keys with KMS origin');
  }
  if (req.alias && ctx.db.prepare('SELECT 1 FROM aliases WHERE alias = ?').get(req.alias)) {
    throw new KwError('AliasAlreadyExists', `alias ${req.alias} already exists`);
  }
  if (caps.family === 'asymmetric' && origin === 'KMS') assertAsymmetricVersionRoom(ctx.db, 1);

  const now = ctx.clock.now();
  const id = uuidFrom(ctx.random);
  const versionId = uuidFrom(ctx.random);
  ctx.keyId = id;
  const store = keyStoreFor(ctx.keystores, protectionLevel);
  const tokenLabel = protectionLevel === 'HSM' ? (req.tokenLabel ?? store.defaultTokenLabel?.() ?? null) : null;
  // Material is made before the transaction (a token call is asynchronous); if the
  // catalogue write fails, discard() removes what the token created.
  const material = origin === 'KMS' ? await store.generate({ id, spec: req.keySpec, token_label: tokenLabel }, versionId) : null;
  try {
    return ctx.write(() => {
      if (req.alias && ctx.db.prepare('SELECT 1 FROM aliases WHERE alias = ?').get(req.alias)) {
        throw new KwError('AliasAlreadyExists', `alias ${req.alias} already exists`);
      }
      if (caps.family === 'asymmetric' && origin === 'KMS') assertAsymmetricVersionRoom(ctx.db, 1);
      const symmetricKms = caps.family !== 'asymmetric';
      ctx.db
        .prepare(
          `INSERT INTO keys (id, spec, usage, protection_level, origin, state, description, created_at, updated_at,
             rotation_interval_days, last_rotated_at, next_rotation_at, primary_version_id, token_label, creator)
           VALUES (@id, @spec, @usage, @pl, @origin, @state, @description, @now, @now, @rotation, NULL, @next, @primary, @token, @creator)`,
        )
        .run({
          id,
          spec: req.keySpec,
          usage: req.keyUsage,
          pl: protectionLevel,
          origin,
          state: origin === 'KMS' ? 'Enabled' : 'PendingImport',
          description: req.description ?? '',
          now,
          rotation,
          next: rotation !== null ? now + rotation * DAY_MS : null,
          primary: symmetricKms ? versionId : null,
          token: tokenLabel,
          creator: ctx.officerId,
        });
      insertVersion(ctx.db, id, versionId, now, material);
      if (req.alias) ctx.db.prepare('INSERT INTO aliases (alias, key_id, created_at, updated_at) VALUES (?, ?, ?, ?)').run(req.alias, id, now, now);
      for (const t of req.tags ?? []) ctx.db.prepare('INSERT OR REPLACE INTO tags (key_id, tag_key, tag_value) VALUES (?, ?, ?)').run(id, t.tagKey, t.tagValue);
      ctx.detail = { keySpec: req.keySpec, keyUsage: req.keyUsage, origin, protectionLevel, ...(defaultFor ? { defaultKeyOf: defaultFor } : {}) };
      return { keyMetadata: toMetadata(ctx.db, getKeyRow(ctx.db, id)!) };
    });
  } catch (e) {
    if (material) await store.discard(material, { token_label: tokenLabel });
    throw e;
  }
}

export function describeKey(req: ParsedRequestOf<'describeKey'>, ctx: CallContext): ResponseOf<'describeKey'> {
  const key = resolveKey(ctx.db, req.cmkUuid);
  ctx.keyId = key.id;
  return { keyMetadata: toMetadata(ctx.db, key) };
}

/** Resolve, check the state gate, apply a change, return fresh metadata: one transaction. */
function transition(
  ctx: CallContext,
  ref: string,
  gate: Parameters<typeof requireState>[1],
  change: (key: KeyRow, now: number) => Parameters<typeof updateKey>[3],
): { keyMetadata: ReturnType<typeof toMetadata> } {
  return ctx.write(() => {
    const key = resolveKey(ctx.db, ref);
    ctx.keyId = key.id;
    requireState(key, gate);
    updateKey(ctx.db, key.id, ctx.clock.now(), change(key, ctx.clock.now()));
    return { keyMetadata: toMetadata(ctx.db, getKeyRow(ctx.db, key.id)!) };
  });
}

export function enableKey(req: ParsedRequestOf<'enableKey'>, ctx: CallContext): ResponseOf<'enableKey'> {
  return transition(ctx, req.cmkUuid, 'enable', (key) => (requireOrdinaryKey(ctx.db, key, 'be enabled or disabled'), { state: 'Enabled' }));
}

export function disableKey(req: ParsedRequestOf<'disableKey'>, ctx: CallContext): ResponseOf<'disableKey'> {
  return transition(ctx, req.cmkUuid, 'disable', (key) => (requireOrdinaryKey(ctx.db, key, 'be enabled or disabled'), { state: 'Disabled' }));
}

export function scheduleKeyDeletion(req: ParsedRequestOf<'scheduleKeyDeletion'>, ctx: CallContext): ResponseOf<'scheduleKeyDeletion'> {
  const days = req.pendingWindowInDays ?? LIMITS.pendingWindowDefaultDays;
  return transition(ctx, req.cmkUuid, 'scheduleDeletion', (key, now) => {
    if (key.delete_protect === 1) throw new KwError('DeletionProtected', `key ${key.id} has deletion protection on; cancel it first`);
    requireOrdinaryKey(ctx.db, key, 'be scheduled for deletion');
    // Remembered so a cancelled deletion returns the key to where it was.
    return { state: 'PendingDeletion', deletion_date: now + days * DAY_MS, pending_window_days: days, state_before_deletion: key.state as KeyRow['state_before_deletion'] };
  });
}

/**
 * A cancelled deletion returns the key to the state it had when the deletion was
 * scheduled (the reference: 取消计划删除，密钥恢复可用状态 — an Enabled key is usable again
 * at once). A key that has no material left goes to PendingImport whatever it was, and
 * one scheduled before that state was recorded goes to Disabled, the cautious choice.
 */
export function cancelKeyDeletion(req: ParsedRequestOf<'cancelKeyDeletion'>, ctx: CallContext): ResponseOf<'cancelKeyDeletion'> {
  return transition(ctx, req.cmkUuid, 'cancelDeletion', (key) => {
    const hasMaterial = ctx.db.prepare("SELECT 1 FROM key_versions WHERE key_id = ? AND state = 'Enabled' LIMIT 1").get(key.id);
    const restored = !hasMaterial ? 'PendingImport' : key.state_before_deletion === 'Enabled' ? 'Enabled' : 'Disabled';
    ctx.detail = { restoredState: restored };
    return { state: restored, deletion_date: null, pending_window_days: null, state_before_deletion: null };
  });
}

/** Refused while PendingDeletion: the reference console has the officer cancel the deletion first. */
export function deleteProtect(req: ParsedRequestOf<'deleteProtect'>, ctx: CallContext): ResponseOf<'deleteProtect'> {
  return transition(ctx, req.cmkUuid, 'protect', () => ({ delete_protect: 1 }));
}

export function cancelDeleteProtect(req: ParsedRequestOf<'cancelDeleteProtect'>, ctx: CallContext): ResponseOf<'cancelDeleteProtect'> {
  return transition(ctx, req.cmkUuid, 'metadata', () => ({ delete_protect: 0 }));
}

export function updateKeyDescription(req: ParsedRequestOf<'updateKeyDescription'>, ctx: CallContext): ResponseOf<'updateKeyDescription'> {
  return transition(ctx, req.cmkUuid, 'metadata', () => ({ description: req.description }));
}
