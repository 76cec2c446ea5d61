import type { Migration } from './migration.ts';

/**
 * Scheduled deletion as the reference KMS does it:
 * - keys.state_before_deletion: the state a key had when its deletion was scheduled, so
 *   cancelling returns it there (an Enabled key is usable again at once). NULL for keys
 *   scheduled before this migration; cancelling those falls back to Disabled.
 * - token_destructions: token objects of destroyed HSM keys that could not be destroyed
 *   when the deletion came due (token absent or not logged in). The key itself is gone
 *   from the catalogue, so it is unusable through Keywarden at once; the row stays until
 *   the token is next present and the object is destroyed there. No foreign key: the key
 *   row it came from no longer exists.
 */
export const m007DeletionFidelity: Migration = {
  version: 7,
  name: 'deletion-fidelity',
  sql: `
    ALTER TABLE keys ADD COLUMN state_before_deletion TEXT
      CHECK (state_before_deletion IN ('Enabled', 'Disabled', 'PendingImport'));

    CREATE TABLE token_destructions (
      token_label TEXT NOT NULL,
      token_object_id TEXT NOT NULL,
      key_id TEXT NOT NULL,
      version_id TEXT NOT NULL,
      key_spec TEXT NOT NULL,
      reason TEXT NOT NULL CHECK (reason IN ('pendingWindowEnded', 'materialDeleted')),
      requested_at INTEGER NOT NULL,
      last_error TEXT,
      PRIMARY KEY (token_label, token_object_id)
    ) STRICT;
    CREATE INDEX token_destructions_requested ON token_destructions(requested_at);
  `,
};
