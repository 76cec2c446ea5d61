/** Building blocks shared by the request schemas of every operation. */
import { z } from 'zod';
import { KEY_SPECS, KEY_USAGES, ORIGINS, PROTECTION_LEVELS } from '../domain/key-specs.ts';
import { KEY_STATES } from '../domain/key-states.ts';
import { LIMITS } from '../domain/limits.ts';
import { base64DecodedLength, base64MaxChars, nullPrototypeRecord, reservedKeyOf } from './caller-input.ts';
import { DATA_KEY_SPECS, ENCRYPTION_ALGORITHMS, SIGN_ALGORITHMS } from '../domain/vocabulary.ts';

/**
 * Standard base64 (padded), at most `maxDecodedBytes` once decoded. The length check
 * aborts before the content is looked at, so oversized input costs nothing to refuse.
 */
export const base64 = (maxDecodedBytes: number, minDecodedBytes = 0) =>
  z
    .string()
    .max(base64MaxChars(maxDecodedBytes), { message: `decoded value exceeds ${maxDecodedBytes} bytes`, abort: true })
    .check((c) => {
      const n = base64DecodedLength(c.value);
      if (n < 0) c.issues.push({ code: 'custom', message: 'not valid base64', input: c.value });
      else if (n > maxDecodedBytes) c.issues.push({ code: 'custom', message: `decoded value exceeds ${maxDecodedBytes} bytes`, input: c.value });
      else if (n < minDecodedBytes) c.issues.push({ code: 'custom', message: `decoded value must be at least ${minDecodedBytes} byte${minDecodedBytes === 1 ? '' : 's'}`, input: c.value });
    })
    .meta({ contentEncoding: 'base64', maxDecodedBytes, ...(minDecodedBytes > 0 ? { minDecodedBytes } : {}) });

/**
 * A record whose keys the caller chooses. `__proto__`, `constructor` and `prototype` are
 * refused (zod would silently drop `__proto__`, so a context naming it would bind
 * nothing); the parsed record has no prototype.
 */
export function callerRecord<K extends z.ZodType<string>, V extends z.ZodType>(key: K, value: V) {
  return z
    .unknown()
    .check((c) => {
      const k = reservedKeyOf(c.value);
      if (k !== undefined) c.issues.push({ code: 'custom', message: `key '${k}' is reserved`, input: c.value, path: [k] });
    })
    .pipe(z.record(key, value))
    .transform((r) => nullPrototypeRecord(r as Record<string, z.output<V>>))
    .meta({ type: 'object', additionalProperties: { type: 'string' } });
}

/** A key id (UUID) or an alias (`alias/...`). */
export const keyRef = z.string().min(1).max(LIMITS.aliasMaxLength + 8);
export const keyId = z.uuid();
export const versionId = z.uuid();
export const alias = z
  .string()
  .max(LIMITS.aliasMaxLength, `alias longer than ${LIMITS.aliasMaxLength} characters`)
  .regex(LIMITS.aliasPattern, "alias must start with 'alias/' and use letters, digits, '_', '-', '/', ':'");
export const description = z.string().max(LIMITS.descriptionMaxLength);
export const keySpec = z.enum(KEY_SPECS);
export const keyUsage = z.enum(KEY_USAGES);
export const keyState = z.enum(KEY_STATES);
export const protectionLevel = z.enum(PROTECTION_LEVELS);
export const origin = z.enum(ORIGINS);
export const rotationDays = z.number().int().min(LIMITS.rotationMinDays).max(LIMITS.rotationMaxDays);
export const tag = z.object({
  tagKey: z.string().min(1).max(LIMITS.tagKeyMaxLength),
  tagValue: z.string().max(LIMITS.tagValueMaxLength),
});
const utf8 = new TextEncoder();

/** Bound into the AEAD's associated data; at most 8 KiB as canonical JSON (seeds/002). */
export const encryptionContext = callerRecord(z.string().max(256), z.string().max(1024)).check((c) => {
  if (utf8.encode(JSON.stringify(Object.entries(c.value))).length > LIMITS.encryptionContextMaxBytes) {
    c.issues.push({ code: 'custom', message: `encryption context exceeds ${LIMITS.encryptionContextMaxBytes} bytes`, input: c.value });
  }
});
export const signAlgorithm = z.enum(SIGN_ALGORITHMS);
export const asymEncryptAlgorithm = z.enum(ENCRYPTION_ALGORITHMS);
export const dataKeySpec = z.enum(DATA_KEY_SPECS);
/** Days a key waits in PendingDeletion (the reference's 7–30, default 30). */
export const pendingWindowInDays = z.number().int().min(LIMITS.pendingWindowMinDays).max(LIMITS.pendingWindowMaxDays).default(LIMITS.pendingWindowDefaultDays);
export const messageType = z.enum(['RAW', 'DIGEST']);
export const paging = {
  pageNumber: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(LIMITS.listPageMax).default(20),
};
export const empty = z.object({}).strict();
