/**
 * PKCS#11 module profiles (resources/pkcs11-profiles.json): where each vendor's
 * library lives per OS, what it can do, and — for SM2/SM4, which PKCS#11 v2.40 does
 * not define — the vendor's CKM_/CKK_ numbers and parameter shapes. The capability
 * check decides from the profile AND the token's own mechanism list; a key spec the
 * token cannot do is NotSupportedByToken, never a silent software fallback.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { KwError } from '../api/errors.ts';
import { callerRecord } from '../api/schemas.ts';
import type { TokenKeySpec } from '../domain/vocabulary.ts';

const status = z.enum(['verified', 'documented', 'observed', 'placeholder']);
/** CK_ULONG as hex text, e.g. "0x80008001" (vendor numbers are easier to compare in hex). */
const ckNumber = z.string().regex(/^0x[0-9a-fA-F]{1,8}$/).transform((s) => Number.parseInt(s, 16));

const sm2Schema = z.object({
  keyType: ckNumber.nullable(),
  keyPairGen: ckNumber,
  sign: z.object({
    mechanism: ckNumber,
    /** What C_Sign takes: the message (token hashes with SM3 and Z) or the 32-byte e = SM3(Z||M). */
    input: z.enum(['message-sm3-with-za', 'digest-e']),
    signatureFormat: z.enum(['raw-r-s', 'der']),
    defaultUserId: z.string(),
  }),
  encrypt: z.object({
    mechanism: ckNumber,
    ciphertextFormat: z.enum(['c1c3c2', 'c1c2c3', 'der-gmt0009', 'unknown']),
  }).nullable(),
});

const sm4Mode = z.object({ mechanism: ckNumber, parameter: z.enum(['none', 'iv16', 'gcm-v240']) });
const sm4Schema = z.object({
  keyType: ckNumber.nullable(),
  keyGen: ckNumber,
  modes: z.object({ ecb: sm4Mode.optional(), cbc: sm4Mode.optional(), cbcPad: sm4Mode.optional(), gcm: sm4Mode.optional() }),
});

const mechanismSetSchema = z.object({
  status,
  source: z.string(),
  sm2: sm2Schema.nullable(),
  sm4: sm4Schema.nullable(),
});

const profileSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  name: z.string(),
  vendor: z.string(),
  kind: z.enum(['software-token', 'smart-card-middleware', 'ukey', 'network-hsm']),
  status,
  libraries: z.object({ linux: z.array(z.string()), darwin: z.array(z.string()), win32: z.array(z.string()) }),
  smMechanismSet: z.string().nullable(),
  notes: z.array(z.string()),
});

export const profileFileSchema = z
  .object({
    formatVersion: z.literal(1),
    about: z.string().optional(),
    mechanismSets: callerRecord(z.string(), mechanismSetSchema),
    profiles: z.array(profileSchema),
  })
  .superRefine((f, ctx) => {
    const ids = new Set<string>();
    for (const p of f.profiles) {
      if (ids.has(p.id)) ctx.addIssue({ code: 'custom', message: `duplicate profile id ${p.id}` });
      ids.add(p.id);
      if (p.smMechanismSet !== null && !Object.hasOwn(f.mechanismSets, p.smMechanismSet)) {
        ctx.addIssue({ code: 'custom', message: `profile ${p.id} names unknown mechanism set ${p.smMechanismSet}` });
      }
    }
  });

export type ProfileFile = z.infer<typeof profileFileSchema>;
export type ModuleProfile = ProfileFile['profiles'][number];
export type MechanismSet = ProfileFile['mechanismSets'][string];
/** A profile with its SM mechanism set resolved. */
export type ResolvedProfile = ModuleProfile & { sm: MechanismSet | null };

export function parseProfiles(json: unknown): ResolvedProfile[] {
  const r = profileFileSchema.safeParse(json);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new KwError('InvalidParameter', `PKCS#11 profile file is invalid: ${first ? `${first.path.join('.')}: ${first.message}` : 'unknown issue'}`);
  }
  return r.data.profiles.map((p) => ({ ...p, sm: p.smMechanismSet === null ? null : (r.data.mechanismSets[p.smMechanismSet] ?? null) }));
}

export function loadProfiles(path: string): ResolvedProfile[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new KwError('InvalidParameter', 'PKCS#11 profile file cannot be read as JSON', { path });
  }
  return parseProfiles(json);
}

/** Key specs a token may be asked for, including the vendor-defined SM ones (the vocabulary's `token` names). */
export type { TokenKeySpec };

/** A mechanism as the token reported it; key sizes are checked when present. */
export type ReportedMechanism = number | { type: number; minKeySize?: number; maxKeySize?: number };

export interface CapabilityOk {
  ok: true;
  keySpec: TokenKeySpec;
  /** role → CKM_* number the bridge will use. */
  mechanisms: Record<string, number>;
}

// PKCS#11 v2.40 mechanism numbers (pkcs11t.h).
const CKM = {
  RSA_PKCS_KEY_PAIR_GEN: 0x0, RSA_PKCS: 0x1, RSA_PKCS_OAEP: 0x9, RSA_PKCS_PSS: 0xd,
  EC_KEY_PAIR_GEN: 0x1040, ECDSA: 0x1041, AES_KEY_GEN: 0x1080, AES_GCM: 0x1087,
} as const;

function need(spec: TokenKeySpec, sm: MechanismSet | null): { roles: Record<string, number>; bits?: number } {
  switch (spec) {
    case 'AES_256':
      return { roles: { keyGen: CKM.AES_KEY_GEN, encrypt: CKM.AES_GCM }, bits: 256 };
    case 'RSA_2048':
    case 'RSA_3072':
    case 'RSA_4096':
      return { roles: { keyPairGen: CKM.RSA_PKCS_KEY_PAIR_GEN, signPkcs1: CKM.RSA_PKCS, signPss: CKM.RSA_PKCS_PSS, decrypt: CKM.RSA_PKCS_OAEP }, bits: Number(spec.slice(4)) };
    case 'EC_P256':
      return { roles: { keyPairGen: CKM.EC_KEY_PAIR_GEN, sign: CKM.ECDSA }, bits: 256 };
    case 'EC_SM2': {
      const s = usableSm(sm, 'sm2').sm2;
      if (!s) throw new KwError('NotSupportedByToken', 'the module profile declares no SM2 mechanisms');
      const roles: Record<string, number> = { keyPairGen: s.keyPairGen, sign: s.sign.mechanism };
      if (s.encrypt) roles.encrypt = s.encrypt.mechanism;
      return { roles };
    }
    case 'SM4': {
      const s = usableSm(sm, 'sm4').sm4;
      if (!s) throw new KwError('NotSupportedByToken', 'the module profile declares no SM4 mechanisms');
      const mode = s.modes.gcm ?? s.modes.cbcPad ?? s.modes.cbc ?? s.modes.ecb;
      if (!mode) throw new KwError('NotSupportedByToken', 'the module profile declares no SM4 cipher mode');
      return { roles: { keyGen: s.keyGen, encrypt: mode.mechanism } };
    }
  }
}

function usableSm(sm: MechanismSet | null, what: string): MechanismSet {
  if (!sm) throw new KwError('NotSupportedByToken', `the module profile has no vendor mechanism set for ${what.toUpperCase()}`);
  if (sm.status === 'placeholder') {
    throw new KwError('NotSupportedByToken', `the vendor ${what.toUpperCase()} mechanism numbers in this profile are placeholders; fill them from the vendor SDK first`);
  }
  return sm;
}

/**
 * Can this token create and use a key of `keySpec`? Every mechanism the bridge would
 * need must be in the token's own list (and allow the key size when sizes are given).
 */
export function capabilityCheck(profile: ResolvedProfile, reported: readonly ReportedMechanism[], keySpec: TokenKeySpec): CapabilityOk {
  const { roles, bits } = need(keySpec, profile.sm);
  const byType = new Map<number, { minKeySize?: number; maxKeySize?: number }>();
  for (const m of reported) byType.set(typeof m === 'number' ? m : m.type, typeof m === 'number' ? {} : m);
  const missing = Object.entries(roles).filter(([, t]) => !byType.has(t)).map(([role, t]) => `${role} 0x${t.toString(16)}`);
  if (missing.length > 0) {
    throw new KwError('NotSupportedByToken', `${profile.name} token cannot do ${keySpec}: missing ${missing.join(', ')}`, { keySpec, profile: profile.id });
  }
  if (bits !== undefined) {
    const gen = byType.get(roles.keyGen ?? roles.keyPairGen ?? -1);
    // AES sizes are reported in bytes by most tokens, RSA/EC in bits (v2.40 §2 per mechanism).
    const size = keySpec === 'AES_256' ? 32 : bits;
    if (gen?.maxKeySize !== undefined && gen.maxKeySize > 0 && (size > gen.maxKeySize || size < (gen.minKeySize ?? 0))) {
      throw new KwError('NotSupportedByToken', `${profile.name} token cannot generate ${keySpec}: key size outside ${gen.minKeySize}-${gen.maxKeySize}`, { keySpec, profile: profile.id });
    }
  }
  return { ok: true, keySpec, mechanisms: roles };
}

/** The library paths a profile lists for this OS, in preference order. */
export function libraryCandidates(profile: ModuleProfile, platform: NodeJS.Platform = process.platform): string[] {
  if (platform === 'linux' || platform === 'darwin' || platform === 'win32') return profile.libraries[platform];
  return [];
}
