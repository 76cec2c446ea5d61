/** Key versions: rotation of symmetric keys, manual versions of asymmetric keys, the rotation policy. */
import { KwError } from '../api/errors.ts';
import type { ParsedRequestOf, ResponseOf } from '../api/contract.ts';
import type { ReadableDb, WritableDb } from '../catalogue/db.ts';
import { SPEC_CAPABILITIES } from '../domain/key-specs.ts';
import { DAY_MS, LIMITS } from '../domain/limits.ts';
import { uuidFrom } from '../ports/index.ts';
import type { CallContext, Services } from './context.ts';
import { getKeyRow, getVersion, listVersions, resolveKey, toMetadata, updateKey, versionToContract, type KeyRow } from './key-repo.ts';
import { keyStoreFor, type NewVersionMaterial } from './keystore.ts';
import { requireState } from './guards.ts';
import { requireOrdinaryKey } from './default-keys.ts';

export function insertVersion(db: WritableDb, keyId: string, versionId: string, now: number, m: NewVersionMaterial | null): void {
  db.prepare(
    'INSERT INTO key_versions (key_id, id, created_at, state, sealed_material, public_key, token_object_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(keyId, versionId, now, m ? 'Enabled' : 'PendingImport', m?.sealed_material ?? null, m?.public_key ?? null, m?.token_object_id ?? null);
}

/** The reference KMS allows 50 asymmetric key versions per region; we count per vault. */
export function assertAsymmetricVersionRoom(db: ReadableDb, adding: number): void {
  const asymSpecs = Object.entries(SPEC_CAPABILITIES).filter(([, c]) => c.family === 'asymmetric').map(([s]) => s);
  const n = (
    db.prepare(`SELECT count(*) AS n FROM key_versions v JOIN keys k ON k.id = v.key_id WHERE k.spec IN (${asymSpecs.map(() => '?').join(',')})`).get(...asymSpecs) as {
      n: number;
    }
  ).n;
  if (n + adding > LIMITS.maxAsymmetricVersions) {
    throw new KwError('LimitExceeded', `at most ${LIMITS.maxAsymmetricVersions} asymmetric key versions per vault (${n} exist)`, { limit: LIMITS.maxAsymmetricVersions, current: n });
  }
}

function requireRotatable(key: KeyRow): void {
  if (SPEC_CAPABILITIES[key.spec].family !== 'symmetric') throw new KwError('UnsupportedOperation', `${key.spec} keys do not rotate; asymmetric keys get versions with createKeyVersion`);
  if (key.origin !== 'KMS') throw new KwError('UnsupportedOperation', 'keys with imported (EXTERNAL) material cannot rotate');
}

/**
 * Adds a new primary version. Used by rotateKey and by the scheduler; old versions are
 * never disabled, so old ciphertext keeps decrypting.
 */
export async function rotate(svc: Services, key: KeyRow, write: <T>(fn: () => T) => T): Promise<{ versionId: string; row: KeyRow }> {
  const versionId = uuidFrom(svc.random);
  const store = keyStoreFor(svc.keystores, key.protection_level);
  const material = await store.generate(key, versionId);
  try {
    return write(() => {
      const fresh = getKeyRow(svc.db, key.id);
      if (!fresh) throw new KwError('KeyNotFound', `key ${key.id} does not exist`);
      requireState(fresh, 'rotate');
      requireRotatable(fresh);
      const now = svc.clock.now();
      insertVersion(svc.db, fresh.id, versionId, now, material);
      // Next rotation counts from now: a workstation that was off for months rotates once, not once per missed period.
      const next = fresh.rotation_interval_days !== null ? now + fresh.rotation_interval_days * DAY_MS : null;
      updateKey(svc.db, fresh.id, now, { primary_version_id: versionId, last_rotated_at: now, next_rotation_at: next });
      return { versionId, row: getKeyRow(svc.db, fresh.id)! };
    });
  } catch (e) {
    await store.discard(material, key);
    throw e;
  }
}

export async function rotateKey(req: ParsedRequestOf<'rotateKey'>, ctx: CallContext): Promise<ResponseOf<'rotateKey'>> {
  const key = resolveKey(ctx.db, req.cmkUuid);
  ctx.keyId = key.id;
  requireState(key, 'rotate');
  requireOrdinaryKey(ctx.db, key, 'be rotated (they have one version)');
  requireRotatable(key);
  const { versionId, row } = await rotate(ctx, key, (fn) => ctx.write(fn));
  return { keyMetadata: toMetadata(ctx.db, row), keyVersionId: versionId };
}

export async function createKeyVersion(req: ParsedRequestOf<'createKeyVersion'>, ctx: CallContext): Promise<ResponseOf<'createKeyVersion'>> {
  const key = resolveKey(ctx.db, req.cmkUuid);
  ctx.keyId = key.id;
  requireState(key, 'createVersion');
  if (SPEC_CAPABILITIES[key.spec].family !== 'asymmetric') {
    throw new KwError('UnsupportedOperation', 'createKeyVersion is for asymmetric keys; symmetric keys rotate (rotateKey)');
  }
  if (key.origin !== 'KMS') throw new KwError('UnsupportedOperation', 'keys with imported material cannot get generated versions');
  assertAsymmetricVersionRoom(ctx.db, 1);
  const versionId = uuidFrom(ctx.random);
  const store = keyStoreFor(ctx.keystores, key.protection_level);
  const material = await store.generate(key, versionId);
  try {
    ctx.write(() => {
      const fresh = resolveKey(ctx.db, key.id);
      requireState(fresh, 'createVersion');
      assertAsymmetricVersionRoom(ctx.db, 1);
      const now = ctx.clock.now();
      insertVersion(ctx.db, key.id, versionId, now, material);
      updateKey(ctx.db, key.id, now, {});
    });
  } catch (e) {
    await store.discard(material, key);
    throw e;
  }
  return { keyVersionId: versionId, cmkUuid: key.id };
}

export function listKeyVersions(req: ParsedRequestOf<'listKeyVersions'>, ctx: CallContext): ResponseOf<'listKeyVersions'> {
  const key = resolveKey(ctx.db, req.cmkUuid);
  ctx.keyId = key.id;
  const all = listVersions(ctx.db, key.id);
  const start = (req.pageNumber - 1) * req.pageSize;
  return { keyVersions: all.slice(start, start + req.pageSize).map((v) => versionToContract(key, v)), totalCount: all.length };
}

export function describeKeyVersion(req: ParsedRequestOf<'describeKeyVersion'>, ctx: CallContext): ResponseOf<'describeKeyVersion'> {
  const key = resolveKey(ctx.db, req.cmkUuid);
  ctx.keyId = key.id;
  return { keyVersion: versionToContract(key, getVersion(ctx.db, key.id, req.keyVersionId)) };
}

export function updateRotationPolicy(req: ParsedRequestOf<'updateRotationPolicy'>, ctx: CallContext): ResponseOf<'updateRotationPolicy'> {
  return ctx.write(() => {
    const key = resolveKey(ctx.db, req.cmkUuid);
    ctx.keyId = key.id;
    requireState(key, 'metadata');
    requireOrdinaryKey(ctx.db, key, 'rotate automatically');
    requireRotatable(key);
    const now = ctx.clock.now();
    if (!req.enableAutomaticRotation) {
      updateKey(ctx.db, key.id, now, { rotation_interval_days: null, next_rotation_at: null });
    } else {
      const days = req.rotationIntervalDays ?? key.rotation_interval_days;
      if (days === null || days === undefined) throw new KwError('MissingParameter', 'rotationIntervalDays is required to turn rotation on');
      const since = key.last_rotated_at ?? key.created_at;
      updateKey(ctx.db, key.id, now, { rotation_interval_days: days, next_rotation_at: Math.max(since + days * DAY_MS, now) });
      ctx.detail = { rotationIntervalDays: days };
    }
    return { keyMetadata: toMetadata(ctx.db, getKeyRow(ctx.db, key.id)!) };
  });
}
