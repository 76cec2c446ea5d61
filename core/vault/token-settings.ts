/**
 * The vault's token settings, kept in `vault_meta`: which PKCS#11 module drives its
 * tokens and which token new HSM keys go to by default. Only paths and labels: no PIN
 * is ever stored (officers type it at every session).
 */
import type { ReadableDb, WritableDb } from '../catalogue/db.ts';

export interface TokenSettings {
  modulePath: string | null;
  defaultTokenLabel: string | null;
}

const MODULE = 'token_module_path';
const LABEL = 'token_default_label';

export function readTokenSettings(db: ReadableDb): TokenSettings {
  const get = (name: string) => (db.prepare('SELECT value FROM vault_meta WHERE name = ?').get(name) as { value: string } | undefined)?.value ?? null;
  return { modulePath: get(MODULE), defaultTokenLabel: get(LABEL) };
}

/** Call inside a write transaction (the audit record goes with it). */
export function writeTokenSettings(db: WritableDb, s: TokenSettings): void {
  const put = db.prepare('INSERT INTO vault_meta (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value');
  const del = db.prepare('DELETE FROM vault_meta WHERE name = ?');
  for (const [name, value] of [[MODULE, s.modulePath], [LABEL, s.defaultTokenLabel]] as const) {
    if (value === null) del.run(name);
    else put.run(name, value);
  }
}
