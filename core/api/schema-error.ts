/**
 * The one mapping from a failed request schema to the contract's error, used by every
 * door (the service, the Electron IPC check) so the same bad request gets the same
 * answer wherever it enters. The decision reads zod's issue codes and the request
 * itself, never zod's message text (which changes between zod releases and locales).
 * Messages name the field and what is wrong with it, never the value given.
 */
import type { z } from 'zod';
import type { ErrorData } from './errors.ts';

/** Issues about the object holding the path rather than the value at it. */
const ABOUT_THE_CONTAINER: ReadonlySet<string> = new Set(['unrecognized_keys']);

/** True when `path` names a property the request leaves out (or sets to undefined). */
function isAbsent(request: unknown, path: readonly PropertyKey[]): boolean {
  if (path.length === 0) return request === undefined;
  let at: unknown = request;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return false;
    if (!Object.prototype.hasOwnProperty.call(at, key)) return true;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at === undefined;
}

export function fieldOf(issue: z.ZodError['issues'][number] | undefined): string {
  return issue?.path.map(String).join('.') || 'request';
}

/**
 * MissingParameter when the first issue is about a value that is not there at all
 * (whatever the schema expected there: a type, an enum option, a refinement);
 * InvalidParameter for every other issue (wrong type, out of range, unknown key, ...).
 */
export function schemaErrorData(error: z.ZodError, request: unknown): ErrorData {
  const first = error.issues[0];
  const field = fieldOf(first);
  if (first && !ABOUT_THE_CONTAINER.has(first.code) && first.path.length > 0 && isAbsent(request, first.path)) {
    return { code: 'MissingParameter', message: `${field}: is required`, details: { field } };
  }
  return { code: 'InvalidParameter', message: `${field}: ${first?.message ?? 'invalid'}`, details: { field } };
}
