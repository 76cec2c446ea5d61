import { z } from 'zod';
import { op } from '../operation.ts';
import { PRODUCT_CODE_PATTERN } from '../../domain/default-keys.ts';
import * as s from '../schemas.ts';
import type { KeySpec, KeyUsage, Origin, ProtectionLevel } from '../../domain/key-specs.ts';
import type { KeyState } from '../../domain/key-states.ts';

export interface KeyMetadata {
  cmkUuid: string;
  keyState: KeyState;
  keySpec: KeySpec;
  keyUsage: KeyUsage;
  protectionLevel: ProtectionLevel;
  origin: Origin;
  description: string;
  /** Symmetric keys only; asymmetric keys name their version in every call. */
  primaryKeyVersionId: string | null;
  aliases: string[];
  tags: Array<{ tagKey: string; tagValue: string }>;
  createdAt: string;
  updatedAt: string;
  deleteProtect: boolean;
  /** ISO time when a key pending deletion is destroyed. */
  deletionDate: string | null;
  pendingWindowInDays: number | null;
  rotationIntervalDays: number | null;
  lastRotatedAt: string | null;
  nextRotationAt: string | null;
  versionCount: number;
  /** EXTERNAL keys: when the imported material stops working (null: never / none). */
  materialExpiresAt: string | null;
  tokenLabel: string | null;
  /** The officer who created the key (the reference KMS's 创建者); null for keys made before officers existed. */
  creator: string | null;
}

export interface KeyVersion {
  cmkUuid: string;
  keyVersionId: string;
  createdAt: string;
  isPrimary: boolean;
  keyVersionState: 'Enabled' | 'PendingImport';
}

const keyOnly = z.object({ cmkUuid: s.keyRef }).strict();

export const keyOps = {
  createKey: op<{ keyMetadata: KeyMetadata }>()({
    request: z
      .object({
        keySpec: s.keySpec,
        keyUsage: s.keyUsage,
        alias: s.alias.optional(),
        description: s.description.optional(),
        protectionLevel: s.protectionLevel.optional(),
        origin: s.origin.optional(),
        rotationIntervalDays: s.rotationDays.nullable().optional(),
        tags: z.array(s.tag).max(20).optional(),
        tokenLabel: z.string().min(1).max(32).optional(),
      })
      .strict(),
    kind: 'write',
    permission: 'kms:cmk:create',
    gate: 'unlocked',
    event: 'createKey',
    summary: 'Create a master key (CMK). EXTERNAL origin creates it in PendingImport.',
  }),
  createDefaultKey: op<{ keyMetadata: KeyMetadata; created: boolean }>()({
    request: z.object({ product: z.string().regex(PRODUCT_CODE_PATTERN, 'product must be a cloud product code: lower case letters, digits and -, at most 32') }).strict(),
    kind: 'write',
    permission: 'kms:cmk:createDefault',
    gate: 'unlocked',
    event: 'createDefaultKey',
    summary: "The product's default key (AES_256, alias alias/acs/<product>), created on its first use; later calls return the same key (created false). Default keys cannot be disabled, rotated, scheduled for deletion or given other aliases.",
  }),
  describeKey: op<{ keyMetadata: KeyMetadata }>()({ request: keyOnly, kind: 'read', permission: 'kms:cmk:describe', gate: 'unlocked', event: 'describeKey', summary: 'Key metadata.' }),
  listKeys: op<{ keys: KeyMetadata[]; totalCount: number; pageNumber: number; pageSize: number }>()({
    request: z
      .object({
        ...s.paging,
        keyState: s.keyState.optional(),
        keySpec: s.keySpec.optional(),
        keyUsage: s.keyUsage.optional(),
        protectionLevel: s.protectionLevel.optional(),
        origin: s.origin.optional(),
        alias: z.string().max(64).optional(),
        tagKey: z.string().max(128).optional(),
        tagValue: z.string().max(256).optional(),
        search: z.string().max(128).optional(),
        sortBy: z.enum(['createdAt', 'updatedAt', 'keyState', 'keySpec']).default('createdAt'),
        sortOrder: z.enum(['asc', 'desc']).default('desc'),
      })
      .strict(),
    kind: 'read',
    permission: 'kms:cmk:list',
    gate: 'unlocked',
    event: 'listAliasKeys',
    summary: 'Page through keys with filters (the reference KMS calls this listAliasKeys).',
  }),
  updateKeyDescription: op<{ keyMetadata: KeyMetadata }>()({
    request: z.object({ cmkUuid: s.keyRef, description: s.description }).strict(),
    kind: 'write',
    permission: 'kms:cmk:update',
    gate: 'unlocked',
    event: 'updateKeyDescription',
    summary: 'Replace the description (at most 255 characters).',
  }),
  enableKey: op<{ keyMetadata: KeyMetadata }>()({ request: keyOnly, kind: 'write', permission: 'kms:cmk:enable', gate: 'unlocked', event: 'enableKey', summary: 'Disabled -> Enabled.' }),
  disableKey: op<{ keyMetadata: KeyMetadata }>()({ request: keyOnly, kind: 'write', permission: 'kms:cmk:disable', gate: 'unlocked', event: 'disableKey', summary: 'Enabled -> Disabled.' }),
  scheduleKeyDeletion: op<{ keyMetadata: KeyMetadata }>()({
    request: z.object({ cmkUuid: s.keyRef, pendingWindowInDays: s.pendingWindowInDays }).strict(),
    kind: 'write',
    permission: 'kms:cmk:delete',
    gate: 'unlocked',
    event: 'scheduleKeyDeletion',
    summary: 'PendingDeletion for 7-30 days (default 30), then destroyed with all versions (token objects too); refused while deletion protection is on.',
  }),
  cancelKeyDeletion: op<{ keyMetadata: KeyMetadata }>()({
    request: keyOnly,
    kind: 'write',
    permission: 'kms:cmk:undelete',
    gate: 'unlocked',
    event: 'cancelKeyDeletion',
    summary: 'PendingDeletion -> the state the key had before (Enabled, Disabled; PendingImport when it has no material).',
  }),
  deleteProtect: op<{ keyMetadata: KeyMetadata }>()({ request: keyOnly, kind: 'write', permission: 'kms:cmk:deleteProtect', gate: 'unlocked', event: 'deleteProtect', summary: 'Turn on deletion protection (refused while PendingDeletion: cancel the deletion first).' }),
  cancelDeleteProtect: op<{ keyMetadata: KeyMetadata }>()({ request: keyOnly, kind: 'write', permission: 'kms:cmk:cancelDeleteProtect', gate: 'unlocked', event: 'cancelDeleteProtect', summary: 'Turn off deletion protection.' }),
  createAlias: op<{ alias: string; cmkUuid: string }>()({
    request: z.object({ cmkUuid: s.keyRef, alias: s.alias }).strict(),
    kind: 'write',
    permission: 'kms:cmk:createAlias',
    gate: 'unlocked',
    event: 'createAlias',
    summary: 'Add an alias (unique in the vault; a key may have many).',
  }),
  updateAlias: op<{ alias: string; cmkUuid: string }>()({
    request: z.object({ cmkUuid: s.keyRef, alias: s.alias }).strict(),
    kind: 'write',
    permission: 'kms:cmk:updateAlias',
    gate: 'unlocked',
    event: 'updateAlias',
    summary: 'Point an existing alias at another key.',
  }),
  deleteAlias: op<{ alias: string }>()({ request: z.object({ alias: s.alias }).strict(), kind: 'write', permission: 'kms:cmk:deleteAlias', gate: 'unlocked', event: 'deleteAlias', summary: 'Remove an alias.' }),
  listAlias: op<{ aliases: Array<{ alias: string; cmkUuid: string; createdAt: string; updatedAt: string }>; totalCount: number }>()({
    request: z.object({ ...s.paging }).strict(),
    kind: 'read',
    permission: 'kms:cmk:listAlias',
    gate: 'unlocked',
    event: 'listAlias',
    summary: 'All aliases in the vault.',
  }),
  listAliasByUuid: op<{ aliases: Array<{ alias: string; cmkUuid: string; createdAt: string; updatedAt: string }>; totalCount: number }>()({
    request: z.object({ cmkUuid: s.keyRef, ...s.paging }).strict(),
    kind: 'read',
    permission: 'kms:cmk:listAliasByUuid',
    gate: 'unlocked',
    event: 'listAliasByUuid',
    summary: "A key's aliases.",
  }),
  tagResource: op<{ tags: Array<{ tagKey: string; tagValue: string }> }>()({
    request: z.object({ cmkUuid: s.keyRef, tags: z.array(s.tag).min(1).max(20) }).strict(),
    kind: 'write',
    permission: 'kms:cmk:tagResource',
    gate: 'unlocked',
    event: 'tagResource',
    summary: 'Add or overwrite tags (at most 20 per key).',
  }),
  untagResource: op<{ tags: Array<{ tagKey: string; tagValue: string }> }>()({
    request: z.object({ cmkUuid: s.keyRef, tagKeys: z.array(z.string().min(1).max(128)).min(1).max(20) }).strict(),
    kind: 'write',
    permission: 'kms:cmk:untagResource',
    gate: 'unlocked',
    event: 'untagResource',
    summary: 'Remove tags by key.',
  }),
  listTags: op<{ tags: Array<{ tagKey: string; tagValue: string }> }>()({ request: keyOnly, kind: 'read', permission: 'kms:cmk:listTags', gate: 'unlocked', event: 'listTags', summary: "A key's tags." }),
  updateRotationPolicy: op<{ keyMetadata: KeyMetadata }>()({
    request: z.object({ cmkUuid: s.keyRef, enableAutomaticRotation: z.boolean(), rotationIntervalDays: s.rotationDays.optional() }).strict(),
    kind: 'write',
    permission: 'kms:cmk:updateRotation',
    gate: 'unlocked',
    event: 'updateRotationPolicy',
    summary: 'Automatic rotation every 7-730 days, or off (symmetric KMS-origin keys only).',
  }),
  rotateKey: op<{ keyMetadata: KeyMetadata; keyVersionId: string }>()({
    request: keyOnly,
    kind: 'write',
    permission: 'kms:cmk:rotate',
    gate: 'unlocked',
    event: 'rotateKey',
    summary: 'Make a new primary version now; old versions keep decrypting.',
  }),
  createKeyVersion: op<{ keyVersionId: string; cmkUuid: string }>()({
    request: keyOnly,
    kind: 'write',
    permission: 'kms:cmk:createVersion',
    gate: 'unlocked',
    event: 'createKeyVersion',
    summary: 'New version of an asymmetric key (at most 50 asymmetric versions per vault).',
  }),
  listKeyVersions: op<{ keyVersions: KeyVersion[]; totalCount: number }>()({
    request: z.object({ cmkUuid: s.keyRef, ...s.paging }).strict(),
    kind: 'read',
    permission: 'kms:cmk:listVersions',
    gate: 'unlocked',
    event: 'listKeyVersions',
    summary: "A key's versions, newest first.",
  }),
  describeKeyVersion: op<{ keyVersion: KeyVersion }>()({
    request: z.object({ cmkUuid: s.keyRef, keyVersionId: s.versionId }).strict(),
    kind: 'read',
    permission: 'kms:cmk:describeVersion',
    gate: 'unlocked',
    event: 'describeKeyVersion',
    summary: 'One version.',
  }),
};
