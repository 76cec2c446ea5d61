import type { Migration } from './migration.ts';

/**
 * The keyed audit chain (core/audit/chain.ts): a MAC column, records of calls made while
 * the vault is locked waiting apart until the chain key is present, signed checkpoints.
 * Existing records are re-keyed from the first one at the next unlock (core/audit/rekey.ts):
 * the marker below asks for it, and only while it exists may audit rows be updated.
 */
export const m006KeyedAuditChain: Migration = {
  version: 6,
  name: 'keyed-audit-chain',
  sql: `
    ALTER TABLE audit_log ADD COLUMN mac BLOB;
    CREATE TABLE audit_pending (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      at INTEGER NOT NULL,
      event TEXT NOT NULL,
      actor TEXT NOT NULL,
      key_id TEXT,
      outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure')),
      error_code TEXT,
      detail TEXT
    ) STRICT;
    CREATE TABLE audit_checkpoints (
      seq INTEGER PRIMARY KEY,
      hash BLOB NOT NULL,
      at INTEGER NOT NULL,
      public_key BLOB NOT NULL,
      signature BLOB NOT NULL,
      cosignatures TEXT NOT NULL DEFAULT '[]'
    ) STRICT;
    CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
    DROP TRIGGER audit_no_update;
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
      WHEN NOT EXISTS (SELECT 1 FROM vault_meta WHERE name = 'audit_rekey_pending')
      BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
    INSERT INTO vault_meta (name, value) SELECT 'audit_rekey_pending', '1' WHERE EXISTS (SELECT 1 FROM audit_log);
  `,
};
