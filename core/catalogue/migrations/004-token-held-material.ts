import type { Migration } from './migration.ts';

/**
 * Material that lives on a PKCS#11 token instead of under the root key:
 * - byok_escrow gains source HSM: the escrow copy is the token's C_WrapKey output
 *   (CKM_AES_KEY_WRAP_PAD) under a non-extractable token AES key, named by token label
 *   and CKA_ID; `sealed_material` then holds that wrapped blob (useless without the token).
 * - certificates of protection level HSM keep their private key on the token
 *   (token_label + token_object_id = CKA_ID) and have no sealed private key.
 * SQLite cannot change a CHECK in place, so both tables are rebuilt. Foreign keys stay on
 * during migrations, so each child table (byok_packages, certificate_chain) is set aside
 * first: dropping a parent with children would cascade-delete them.
 */
export const m004TokenHeldMaterial: Migration = {
  version: 4,
  name: 'token-held-material',
  sql: `
    CREATE TEMP TABLE keep_byok_packages AS SELECT * FROM byok_packages;
    DROP TABLE byok_packages;
    CREATE TABLE byok_escrow_v4 (
      id TEXT PRIMARY KEY,
      key_spec TEXT NOT NULL,
      source TEXT NOT NULL CHECK (source IN ('SOFTWARE', 'HSM')),
      sealed_material BLOB NOT NULL,
      token_label TEXT,
      token_key_id TEXT,
      created_at INTEGER NOT NULL,
      CHECK ((source = 'HSM') = (token_label IS NOT NULL AND token_key_id IS NOT NULL)),
      CHECK (source = 'HSM' OR (token_label IS NULL AND token_key_id IS NULL))
    ) STRICT;
    INSERT INTO byok_escrow_v4 (id, key_spec, source, sealed_material, created_at)
      SELECT id, key_spec, source, sealed_material, created_at FROM byok_escrow;
    DROP TABLE byok_escrow;
    ALTER TABLE byok_escrow_v4 RENAME TO byok_escrow;
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
    INSERT INTO byok_packages (id, escrow_id, target, wrapping_algorithm, region, target_public_key, import_token, token_expires_at, created_at)
      SELECT id, escrow_id, target, wrapping_algorithm, region, target_public_key, import_token, token_expires_at, created_at FROM keep_byok_packages;
    DROP TABLE keep_byok_packages;
    CREATE INDEX byok_packages_escrow ON byok_packages(escrow_id);
    CREATE INDEX byok_packages_created ON byok_packages(created_at);

    CREATE TEMP TABLE keep_certificate_chain AS SELECT * FROM certificate_chain;
    DROP TABLE certificate_chain;
    CREATE TABLE certificates_v4 (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL CHECK (kind IN ('KMS', 'UKEY')),
      status TEXT NOT NULL CHECK (status IN ('PendingIssue', 'Enabled', 'Disabled', 'Revoked')),
      source TEXT NOT NULL CHECK (source IN ('CSR', 'PKCS12', 'UKEY')),
      name TEXT NOT NULL DEFAULT '',
      key_spec TEXT,
      protection_level TEXT CHECK (protection_level IN ('SOFTWARE', 'HSM')),
      exportable INTEGER NOT NULL DEFAULT 0 CHECK (exportable IN (0, 1)),
      public_key BLOB NOT NULL,
      sealed_private_key BLOB,
      csr BLOB,
      certificate BLOB,
      chain_report TEXT,
      subject_dn TEXT NOT NULL,
      issuer_dn TEXT,
      serial_number TEXT,
      not_before INTEGER,
      not_after INTEGER,
      sha256 TEXT,
      token_label TEXT,
      token_object_id TEXT,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      CHECK ((sealed_private_key IS NOT NULL) = (kind = 'KMS' AND protection_level IS 'SOFTWARE')),
      CHECK (kind = 'UKEY' OR protection_level IS NOT NULL),
      CHECK (protection_level IS NOT 'HSM' OR (token_label IS NOT NULL AND token_object_id IS NOT NULL AND exportable = 0)),
      CHECK (status = 'PendingIssue' OR certificate IS NOT NULL),
      CHECK (kind = 'KMS' OR status <> 'PendingIssue')
    ) STRICT;
    INSERT INTO certificates_v4 SELECT id, kind, status, source, name, key_spec, protection_level, exportable, public_key, sealed_private_key, csr,
      certificate, chain_report, subject_dn, issuer_dn, serial_number, not_before, not_after, sha256, token_label, token_object_id, created_at, updated_at
      FROM certificates;
    DROP TABLE certificates;
    ALTER TABLE certificates_v4 RENAME TO certificates;
    CREATE INDEX certificates_kind_created ON certificates(kind, created_at);
    CREATE INDEX certificates_not_after ON certificates(not_after) WHERE not_after IS NOT NULL;
    CREATE TABLE certificate_chain (
      certificate_id TEXT NOT NULL REFERENCES certificates(id) ON DELETE CASCADE,
      position INTEGER NOT NULL,
      der BLOB NOT NULL,
      PRIMARY KEY (certificate_id, position)
    ) STRICT;
    INSERT INTO certificate_chain (certificate_id, position, der) SELECT certificate_id, position, der FROM keep_certificate_chain;
    DROP TABLE keep_certificate_chain;
  `,
};
