/**
 * Checks for caller-shaped input that zod's own checks either miss or run too slowly on:
 * base64 validated by one linear scan after a length check that stops early, and records
 * keyed by the caller that refuse the names JavaScript objects treat specially.
 */

/** Keys that would touch an object's prototype machinery instead of being data. */
export const RESERVED_RECORD_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** The first reserved own key of a plain value, if any (JSON.parse keeps `__proto__` as an own key). */
export function reservedKeyOf(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  for (const k of Object.keys(value)) if (RESERVED_RECORD_KEYS.has(k)) return k;
  return undefined;
}

/** A copy with no prototype, so no key can ever reach Object.prototype. */
export function nullPrototypeRecord<V>(r: Record<string, V>): Record<string, V> {
  const out = Object.create(null) as Record<string, V>;
  for (const k of Object.keys(r)) out[k] = r[k] as V;
  return out;
}

/** Longest base64 text (padded) that can decode to at most `maxDecodedBytes`. */
export function base64MaxChars(maxDecodedBytes: number): number {
  return Math.ceil(maxDecodedBytes / 3) * 4;
}

const enum Ch {
  A = 65,
  Z = 90,
  a = 97,
  z = 122,
  d0 = 48,
  d9 = 57,
  plus = 43,
  slash = 47,
  pad = 61,
}

/**
 * The decoded length of standard padded base64, or -1 when `s` is not that. One pass,
 * no regex (a backtracking regex overflows V8's stack on multi-megabyte input).
 */
export function base64DecodedLength(s: string): number {
  const n = s.length;
  if (n % 4 !== 0) return -1;
  let pad = 0;
  if (n > 0 && s.charCodeAt(n - 1) === Ch.pad) pad = s.charCodeAt(n - 2) === Ch.pad ? 2 : 1;
  for (let i = 0; i < n - pad; i++) {
    const c = s.charCodeAt(i);
    const ok = (c >= Ch.A && c <= Ch.Z) || (c >= Ch.a && c <= Ch.z) || (c >= Ch.d0 && c <= Ch.d9) || c === Ch.plus || c === Ch.slash;
    if (!ok) return -1;
  }
  return (n / 4) * 3 - pad;
}
