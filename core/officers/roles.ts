/**
 * The built-in roles and the permission items every officer holds. Items are grouped by
 * what a role is for (the separation: administrators run officers and the vault
 * but use no key; key managers run key and certificate lifecycles; crypto operators use
 * keys; auditors read the log). A test checks every item of the contract belongs here.
 */
import type { PermissionItem } from '../api/operation.ts';

export const BUILTIN_ROLES = ['administrator', 'key-manager', 'crypto-operator', 'auditor'] as const;
export type BuiltinRole = (typeof BUILTIN_ROLES)[number];

/** Needed before anyone is signed in: finding the vault's state, unlocking, proving who you are. */
export const SIGNED_OUT_ITEMS: readonly PermissionItem[] = [
  'kms:vault:status', 'kms:vault:unlock', 'kms:token:list', 'kms:token:login', 'kms:token:sign', 'kms:officer:signIn', 'kms:officer:self',
];

/** Every signed-in officer: the above, locking, their own session, and taking part in quorum requests. */
export const COMMON_ITEMS: readonly PermissionItem[] = [...SIGNED_OUT_ITEMS, 'kms:vault:lock', 'kms:quorum:propose', 'kms:quorum:approve', 'kms:quorum:list'];

const READ_KEYS: readonly PermissionItem[] = [
  'kms:cmk:list', 'kms:cmk:describe', 'kms:cmk:listAlias', 'kms:cmk:listAliasByUuid', 'kms:cmk:listTags', 'kms:cmk:listVersions', 'kms:cmk:describeVersion',
  'kms:cert:list', 'kms:cert:describe', 'kms:cert:get', 'kms:ukcert:list', 'kms:ukcert:describe', 'kms:ukcert:get', 'kms:vault:overview',
];

export const ROLE_ITEMS: Record<BuiltinRole, readonly PermissionItem[]> = {
  administrator: [
    'kms:officer:manage', 'kms:officer:list', 'kms:role:manage', 'kms:role:list', 'kms:quorum:policy',
    'kms:vault:init', 'kms:vault:changePassphrase', 'kms:vault:addTokenUnlock', 'kms:vault:runScheduledWork', 'kms:vault:overview',
    'kms:token:configure', 'kms:token:init', 'kms:token:changePin',
  ],
  'key-manager': [
    ...READ_KEYS,
    'kms:cmk:create', 'kms:cmk:createDefault', 'kms:cmk:enable', 'kms:cmk:disable', 'kms:cmk:delete', 'kms:cmk:undelete', 'kms:cmk:update', 'kms:cmk:deleteProtect',
    'kms:cmk:cancelDeleteProtect', 'kms:cmk:createAlias', 'kms:cmk:updateAlias', 'kms:cmk:deleteAlias', 'kms:cmk:tagResource', 'kms:cmk:untagResource',
    'kms:cmk:updateRotation', 'kms:cmk:rotate', 'kms:cmk:createVersion', 'kms:cmk:getParameters', 'kms:cmk:importMaterial', 'kms:cmk:deleteMaterial',
    'kms:cmk:exportDataKey', 'kms:cmk:generateAndExportDataKey', 'kms:cmk:getPublicKey',
    'kms:byok:prepare', 'kms:byok:rewrapEscrow', 'kms:byok:list', 'kms:byok:getEscrow',
    'kms:cert:create', 'kms:cert:import', 'kms:cert:importChain', 'kms:cert:update', 'kms:cert:delete', 'kms:cert:exportPrivatkey',
    'kms:ukcert:import', 'kms:ukcert:update', 'kms:ukcert:delete', 'kms:vault:runScheduledWork',
  ],
  'crypto-operator': [
    ...READ_KEYS,
    'kms:cmk:encrypt', 'kms:cmk:decrypt', 'kms:cmk:reEncrypt', 'kms:cmk:generateDataKey', 'kms:cmk:generateDataKeyWithoutPlaintext',
    'kms:cmk:asymmetricSign', 'kms:cmk:asymmetricVerify', 'kms:cmk:asymmetricEncrypt', 'kms:cmk:asymmetricDecrypt', 'kms:cmk:getPublicKey',
    'kms:cmk:hmacCompute', 'kms:cmk:hmacVerify', 'kms:crypto:messageDigest', 'kms:cert:getRandom',
    'kms:cert:privateKeySign', 'kms:cert:publicKeyVerity', 'kms:cert:publicKeyEncrypt', 'kms:cert:privateKeyDecrypt', 'kms:ukcert:publicKeyVerify',
  ],
  auditor: ['kms:audit:read', 'kms:audit:verify', 'kms:audit:export', 'kms:audit:checkpoint', 'kms:officer:list', 'kms:role:list'],
};

export function isBuiltinRole(name: string): name is BuiltinRole {
  return (BUILTIN_ROLES as readonly string[]).includes(name);
}
