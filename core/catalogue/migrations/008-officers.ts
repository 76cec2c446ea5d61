import type { Migration } from './migration.ts';

/**
 * Custody: the officer registry, their identity credentials, sessions, roles, the
 * settings that govern them, quorum policies with their requests and approvals, and
 * who created each key and certificate (null for those made before officers existed).
 */
export const m008Officers: Migration = {
  version: 8,
  name: 'officers',
  sql: `
    CREATE TABLE officers (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'removed')),
      roles TEXT NOT NULL DEFAULT '[]',
      created_by TEXT,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );
    CREATE TABLE officer_credentials (
      id TEXT PRIMARY KEY,
      officer_id TEXT NOT NULL REFERENCES officers(id),
      kind TEXT NOT NULL CHECK (kind IN ('vault-passphrase', 'software', 'ukey')),
      assurance TEXT NOT NULL CHECK (assurance IN ('high', 'low')),
      key_spec TEXT,
      public_key BLOB,
      certificate BLOB,
      token_label TEXT,
      token_object_id TEXT,
      sealed_private_key BLOB,
      created_at INTEGER NOT NULL
    );
    CREATE INDEX officer_credentials_officer ON officer_credentials(officer_id);
    CREATE TABLE officer_sessions (
      token_hash BLOB PRIMARY KEY,
      officer_id TEXT NOT NULL REFERENCES officers(id),
      credential_id TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      last_seen_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      ended_at INTEGER
    );
    CREATE TABLE officer_challenges (
      id TEXT PRIMARY KEY,
      credential_id TEXT NOT NULL,
      challenge BLOB NOT NULL,
      expires_at INTEGER NOT NULL
    );
    CREATE TABLE roles (
      name TEXT PRIMARY KEY,
      builtin INTEGER NOT NULL DEFAULT 0,
      items TEXT NOT NULL,
      alias_prefix TEXT,
      tag_key TEXT,
      tag_value TEXT,
      created_at INTEGER NOT NULL
    );
    CREATE TABLE custody_settings (
      name TEXT PRIMARY KEY,
      value TEXT NOT NULL
    );
    CREATE TABLE quorum_policies (
      operation TEXT PRIMARY KEY,
      role TEXT NOT NULL,
      required INTEGER NOT NULL CHECK (required >= 1)
    );
    CREATE TABLE quorum_requests (
      id TEXT PRIMARY KEY,
      operation TEXT NOT NULL,
      parameters TEXT NOT NULL,
      digest_sha256 BLOB NOT NULL,
      digest_sm3 BLOB NOT NULL,
      role TEXT NOT NULL,
      required INTEGER NOT NULL,
      proposer TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('pending', 'executed', 'withdrawn', 'failed')),
      created_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      executed_at INTEGER,
      executed_by TEXT,
      outcome TEXT
    );
    CREATE TABLE quorum_approvals (
      request_id TEXT NOT NULL REFERENCES quorum_requests(id),
      officer_id TEXT NOT NULL,
      credential_id TEXT NOT NULL,
      algorithm TEXT NOT NULL,
      signature BLOB NOT NULL,
      approved_at INTEGER NOT NULL,
      PRIMARY KEY (request_id, officer_id)
    );
    ALTER TABLE keys ADD COLUMN creator TEXT;
    ALTER TABLE certificates ADD COLUMN creator TEXT;
  `,
};
