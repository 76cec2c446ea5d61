/**
 * Which request fields carry secrets (passphrases, PINs, passwords), by the contract's own
 * field names. Doors use it to keep those values off places others can read, such as a
 * command line (`/proc/<pid>/cmdline` is world-readable).
 */
import { z } from 'zod';
import { contract, type OperationName } from './contract.ts';

export const SECRET_FIELD_NAMES: ReadonlySet<string> = new Set(['passphrase', 'oldPassphrase', 'newPassphrase', 'pin', 'oldPin', 'newPin', 'soPin', 'password']);

const cache = new Map<OperationName, readonly string[]>();

/** The secret-bearing top-level fields of an operation's request (empty for most). */
export function secretFieldsOf(name: OperationName): readonly string[] {
  let fields = cache.get(name);
  if (!fields) {
    const schema = z.toJSONSchema(contract[name].request, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, unknown> };
    fields = Object.keys(schema.properties ?? {}).filter((f) => SECRET_FIELD_NAMES.has(f));
    cache.set(name, fields);
  }
  return fields;
}
