/** Custody settings in the catalogue, with their defaults. */
import type { CustodySettings } from '../api/ops/officers.ts';
import type { ReadableDb, WritableDb } from '../catalogue/db.ts';

export const DEFAULT_SETTINGS: CustodySettings = {
  sessionIdleMinutes: 15,
  sessionLifetimeMinutes: 8 * 60,
  allowAdministratorKeyManager: false,
};

export function readSettings(db: ReadableDb): CustodySettings {
  const rows = db.prepare('SELECT name, value FROM custody_settings').all() as Array<{ name: string; value: string }>;
  const out: CustodySettings = { ...DEFAULT_SETTINGS };
  for (const r of rows) if (r.name in out) (out as unknown as Record<string, unknown>)[r.name] = JSON.parse(r.value);
  return out;
}

export function writeSettings(db: WritableDb, patch: Partial<CustodySettings>): void {
  const put = db.prepare('INSERT INTO custody_settings (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value');
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) put.run(k, JSON.stringify(v));
}
