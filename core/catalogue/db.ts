/**
 * Opens the vault's SQLite catalogue with the settings durability needs (WAL,
 * synchronous=FULL, secure_delete so destroyed key material is overwritten on disk),
 * checks its integrity and applies migrations.
 */
import Database from 'better-sqlite3';
import { KwError } from '../api/errors.ts';
import { MIGRATIONS, type Migration } from './migrations/index.ts';
import { trackStatement, trackWrites } from './change-tracker.ts';

declare const writable: unique symbol;
/** A handle that may only read. Functions that change the catalogue ask for WritableDb. */
export type ReadableDb = Database.Database & { readonly __readable?: true };
export type WritableDb = ReadableDb & { readonly [writable]: true };

export interface OpenOptions {
  readonly?: boolean;
  migrations?: readonly Migration[];
}

export function openCatalogue(file: string, opts: OpenOptions = {}): WritableDb {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: false });
  } catch (e) {
    throw new KwError('VaultCorrupt', `cannot open catalogue: ${(e as Error).message}`);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('secure_delete = ON');
    db.pragma('busy_timeout = 5000');
    const check = db.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new KwError('VaultCorrupt', `catalogue integrity check failed: ${String(check)}`);
    migrate(db, opts.migrations ?? MIGRATIONS);
  } catch (e) {
    db.close();
    if (e instanceof KwError) throw e;
    throw new KwError('VaultCorrupt', `catalogue unusable: ${(e as Error).message}`);
  }
  cachePreparedStatements(db);
  return db as WritableDb;
}

/**
 * Every query in the core is a fixed SQL text, so each is compiled once per connection:
 * preparing costs more than running the small queries of a crypto operation.
 */
function cachePreparedStatements(db: Database.Database): void {
  trackWrites(db);
  // Transactions here write; taking the write lock at BEGIN (IMMEDIATE) lets a second
  // process on the same vault wait its turn (busy_timeout) instead of failing with
  // SQLITE_BUSY when a read snapshot cannot be upgraded.
  const transaction = db.transaction.bind(db);
  db.transaction = ((fn: (...args: unknown[]) => unknown) => {
    const tx = transaction(fn);
    return Object.assign((...args: unknown[]) => tx.immediate(...args), tx);
  }) as typeof db.transaction;
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let st = cache.get(sql);
    if (!st) {
      st = trackStatement(db, prepare(sql));
      cache.set(sql, st);
    }
    return st;
  }) as typeof db.prepare;
}

export function schemaVersion(db: ReadableDb): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function migrate(db: Database.Database, migrations: readonly Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new KwError('VaultCorrupt', `catalogue schema ${current} is newer than this Keywarden (${latest})`);
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}
