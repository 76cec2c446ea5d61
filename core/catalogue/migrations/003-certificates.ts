import type { Migration } from './migration.ts';

/**
 * Certificates: the reference KMS's certificate management (kind KMS: a key pair made or
 * imported here, its private key sealed under the root key bound to the certificate id)
 * and UKey certificates (kind UKEY: a certificate whose private key stays on the officer's
 * token, so no private key column may be set). The chain the CA handed over is kept per
 * certificate in path order; the last validation report is kept as JSON.
 */
export const m003Certificates: Migration = {
  version: 3,
  name: 'certificates',
  sql: `
    CREATE TABLE certificates (
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
      CHECK ((kind = 'KMS') = (sealed_private_key IS NOT NULL)),
      CHECK (status = 'PendingIssue' OR certificate IS NOT NULL),
      CHECK (kind = 'KMS' OR status <> 'PendingIssue')
    ) STRICT;
    CREATE INDEX certificates_kind_created ON certificates(kind, created_at);
    CREATE INDEX certificates_not_after ON certificates(not_after) WHERE not_after IS NOT NULL;

    CREATE TABLE certificate_chain (
      certificate_id TEXT NOT NULL REFERENCES certificates(id) ON DELETE CASCADE,
      position INTEGER NOT NULL,
      der BLOB NOT NULL,
      PRIMARY KEY (certificate_id, position)
    ) STRICT;
  `,
};
