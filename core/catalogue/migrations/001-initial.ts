import type { Migration } from './migration.ts';

/** Keys, versions, aliases, tags, root-key wrappings and the hash-chained audit log. */
export const m001Initial: Migration = {
  version: 1,
  name: 'initial',
  sql: `
    CREATE TABLE vault_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

    CREATE TABLE root_key_wrappings (
      id TEXT PRIMARY KEY,
      method TEXT NOT NULL CHECK (method IN ('passphrase', 'token', 'shares')),
      params TEXT NOT NULL,
      wrapped BLOB NOT NULL,
      created_at INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE keys (
      id TEXT PRIMARY KEY,
      spec TEXT NOT NULL,
      usage TEXT NOT NULL,
      protection_level TEXT NOT NULL,
      origin TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('Enabled', 'Disabled', 'PendingDeletion', 'PendingImport')),
      description TEXT NOT NULL DEFAULT '',
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      delete_protect INTEGER NOT NULL DEFAULT 0,
      deletion_date INTEGER,
      pending_window_days INTEGER,
      rotation_interval_days INTEGER,
      last_rotated_at INTEGER,
      next_rotation_at INTEGER,
      primary_version_id TEXT,
      material_expires_at INTEGER,
      token_label TEXT
    ) STRICT;
    CREATE INDEX keys_created ON keys(created_at);
    CREATE INDEX keys_state ON keys(state);
    CREATE INDEX keys_next_rotation ON keys(next_rotation_at) WHERE next_rotation_at IS NOT NULL;
    CREATE INDEX keys_deletion ON keys(deletion_date) WHERE deletion_date IS NOT NULL;
    CREATE INDEX keys_material_expiry ON keys(material_expires_at) WHERE material_expires_at IS NOT NULL;

    CREATE TABLE key_versions (
      key_id TEXT NOT NULL REFERENCES keys(id) ON DELETE CASCADE,
      id TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('Enabled', 'PendingImport')),
      sealed_material BLOB,
      public_key BLOB,
      token_object_id TEXT,
      PRIMARY KEY (key_id, id)
    ) STRICT;
    CREATE UNIQUE INDEX key_versions_id ON key_versions(id);

    CREATE TABLE aliases (
      alias TEXT PRIMARY KEY,
      key_id TEXT NOT NULL REFERENCES keys(id) ON DELETE CASCADE,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX aliases_key ON aliases(key_id);

    CREATE TABLE tags (
      key_id TEXT NOT NULL REFERENCES keys(id) ON DELETE CASCADE,
      tag_key TEXT NOT NULL,
      tag_value TEXT NOT NULL,
      PRIMARY KEY (key_id, tag_key)
    ) STRICT;

    CREATE TABLE audit_log (
      seq INTEGER PRIMARY KEY,
      at INTEGER NOT NULL,
      event TEXT NOT NULL,
      actor TEXT NOT NULL,
      key_id TEXT,
      outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure')),
      error_code TEXT,
      detail TEXT,
      prev_hash BLOB NOT NULL,
      hash BLOB NOT NULL
    ) STRICT;
    CREATE INDEX audit_key ON audit_log(key_id);
    CREATE INDEX audit_event ON audit_log(event);
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
  `,
};
