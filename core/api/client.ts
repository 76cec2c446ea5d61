/**
 * The one typed client of the contract, for every caller that holds a transport: the
 * renderer (over the preload or the shell's fetch), the service's in-process `api()`
 * and tests. One method per operation, derived by a Proxy from the name asked for,
 * never listed by hand. A failed Result becomes a thrown error carrying the code.
 */
import type { KeywardenApi } from './contract.ts';
import { KwError, type ErrorData, type Result } from './errors.ts';

/** Sends one call and answers its Result; never throws for a refused call. */
export type Transport = (name: string, request: unknown) => Promise<Result<unknown>>;

/** Property names a client must not answer as operations (promise and inspection protocols). */
const NOT_OPERATIONS: ReadonlySet<string> = new Set(['then', 'catch', 'finally', 'toJSON', 'constructor']);

export function createClient(transport: Transport, toError: (e: ErrorData) => Error = (e) => new KwError(e.code, e.message, e.details)): KeywardenApi {
  return new Proxy({} as KeywardenApi, {
    get: (_target, name) => {
      // `await client` and `return client` from an async function look up `then`: the
      // client is not a promise, so it must answer undefined rather than an operation.
      if (typeof name !== 'string' || NOT_OPERATIONS.has(name)) return undefined;
      return async (request: unknown) => {
        const r = await transport(name, request);
        if (!r.ok) throw toError(r.error);
        return r.value;
      };
    },
  });
}
