import type { Migration } from './migration.ts';

/**
 * BYOK: wrapping key pairs handed out by getParametersForImport, the keyed fingerprint
 * of each key's imported material (the "same material only" rule), a sealed secret the
 * fingerprints and import tokens are keyed with, and the escrow/packages prepared for
 * external KMSs. Every secret column holds a MaterialSealer blob (root-key AES-GCM).
 */
export const m002Byok: Migration = {
  version: 2,
  name: 'byok',
  sql: `
    CREATE TABLE byok_secrets (
      name TEXT PRIMARY KEY,
      sealed BLOB NOT NULL,
      created_at INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE import_wrapping_keys (
      id TEXT PRIMARY KEY,
      key_id TEXT NOT NULL REFERENCES keys(id) ON DELETE CASCADE,
      wrapping_key_spec TEXT NOT NULL CHECK (wrapping_key_spec IN ('RSA_2048', 'EC_SM2')),
      wrapping_algorithm TEXT NOT NULL,
      public_key BLOB NOT NULL,
      sealed_private_key BLOB NOT NULL,
      created_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX import_wrapping_keys_key ON import_wrapping_keys(key_id);
    CREATE INDEX import_wrapping_keys_expiry ON import_wrapping_keys(expires_at);

    CREATE TABLE imported_material (
      key_id TEXT PRIMARY KEY REFERENCES keys(id) ON DELETE CASCADE,
      fingerprint BLOB NOT NULL,
      first_imported_at INTEGER NOT NULL,
      last_imported_at INTEGER NOT NULL,
      expiration_model TEXT NOT NULL CHECK (expiration_model IN ('KEY_MATERIAL_EXPIRES', 'KEY_MATERIAL_DOES_NOT_EXPIRE'))
    ) STRICT;

    CREATE TABLE byok_escrow (
      id TEXT PRIMARY KEY,
      key_spec TEXT NOT NULL,
      source TEXT NOT NULL CHECK (source IN ('SOFTWARE')),
      sealed_material BLOB NOT NULL,
      created_at INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE byok_packages (
      id TEXT PRIMARY KEY,
      escrow_id TEXT NOT NULL REFERENCES byok_escrow(id) ON DELETE CASCADE,
      target TEXT NOT NULL,
      wrapping_algorithm TEXT NOT NULL,
      region TEXT,
      target_public_key BLOB NOT NULL,
      import_token BLOB,
      token_expires_at INTEGER,
      created_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX byok_packages_escrow ON byok_packages(escrow_id);
    CREATE INDEX byok_packages_created ON byok_packages(created_at);
  `,
};
