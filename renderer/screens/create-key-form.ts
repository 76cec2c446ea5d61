/**
 * The create-key form's rules (seed 002, "创建密钥"), as a pure function so the dialog and
 * its tests read the same truth. Messages are i18n keys; the core checks everything
 * again, this only lets the officer see mistakes before pressing OK.
 */
import { SPEC_CAPABILITIES, type KeySpec, type KeyUsage, type Origin, type ProtectionLevel } from '../../core/domain/key-specs.ts';
import { LIMITS } from '../../core/domain/limits.ts';
import type { RequestOf } from '../../core/api/contract.ts';

export type RotationChoice = 'off' | '30' | '90' | '180' | 'custom';

export interface CreateKeyForm {
  keySpec: KeySpec;
  keyUsage: KeyUsage;
  alias: string;
  protectionLevel: ProtectionLevel;
  rotation: RotationChoice;
  customDays: string;
  description: string;
  origin: Origin;
  externalConfirmed: boolean;
}

export const EMPTY_FORM: CreateKeyForm = {
  keySpec: 'AES_256',
  keyUsage: 'ENCRYPT_DECRYPT',
  alias: '',
  protectionLevel: 'SOFTWARE',
  rotation: 'off',
  customDays: '',
  description: '',
  origin: 'KMS',
  externalConfirmed: false,
};

export type FormErrors = Partial<Record<'alias' | 'description' | 'rotation' | 'externalConfirmed' | 'keyUsage' | 'origin', string>>;

/** Rotation is offered only where the core allows it: symmetric keys with generated material. */
export function rotationAllowed(f: Pick<CreateKeyForm, 'keySpec' | 'origin'>): boolean {
  return SPEC_CAPABILITIES[f.keySpec].family === 'symmetric' && f.origin === 'KMS';
}

/** Keeps usage and origin consistent when the spec changes. */
export function withSpec(f: CreateKeyForm, keySpec: KeySpec): CreateKeyForm {
  const caps = SPEC_CAPABILITIES[keySpec];
  const keyUsage = caps.usages.includes(f.keyUsage) ? f.keyUsage : caps.usages[0]!;
  const origin = caps.importable ? f.origin : 'KMS';
  const next = { ...f, keySpec, keyUsage, origin };
  return rotationAllowed(next) ? next : { ...next, rotation: 'off' };
}

export function validateCreateKey(f: CreateKeyForm): FormErrors {
  const e: FormErrors = {};
  if (f.alias !== '') {
    if (!f.alias.startsWith(LIMITS.aliasPrefix)) e.alias = 'createKey.v.aliasPrefix';
    else if (f.alias.length > LIMITS.aliasMaxLength) e.alias = 'createKey.v.aliasLength';
    else if (f.alias === LIMITS.aliasPrefix) e.alias = 'createKey.v.aliasEmpty';
    else if (!LIMITS.aliasPattern.test(f.alias)) e.alias = 'createKey.v.aliasChars';
  }
  if (f.description.length > LIMITS.descriptionMaxLength) e.description = 'createKey.v.descriptionLength';
  if (f.rotation === 'custom') {
    const n = Number(f.customDays);
    if (!/^\d+$/.test(f.customDays.trim()) || n < LIMITS.rotationMinDays || n > LIMITS.rotationMaxDays) e.rotation = 'createKey.v.rotationRange';
  }
  const caps = SPEC_CAPABILITIES[f.keySpec];
  if (!caps.usages.includes(f.keyUsage)) e.keyUsage = 'createKey.v.usageNotAllowed';
  if (f.origin === 'EXTERNAL' && !caps.importable) e.origin = 'createKey.v.originNotAllowed';
  if (f.origin === 'EXTERNAL' && !f.externalConfirmed) e.externalConfirmed = 'createKey.v.externalConfirm';
  return e;
}

export function toCreateKeyRequest(f: CreateKeyForm): RequestOf<'createKey'> {
  const req: RequestOf<'createKey'> = { keySpec: f.keySpec, keyUsage: f.keyUsage, protectionLevel: f.protectionLevel, origin: f.origin };
  if (f.alias !== '') req.alias = f.alias;
  if (f.description !== '') req.description = f.description;
  if (rotationAllowed(f) && f.rotation !== 'off') req.rotationIntervalDays = f.rotation === 'custom' ? Number(f.customDays) : Number(f.rotation);
  return req;
}
