import type { Migration } from './migration.ts';

/**
 * A covering index for the overview's counts by state, spec and protection level: with
 * 100,000 keys the GROUP BY reads this index instead of every row of the table.
 */
export const m005KeyCountsIndex: Migration = {
  version: 5,
  name: 'key-counts-index',
  sql: `
    CREATE INDEX keys_state_spec_level ON keys(state, spec, protection_level);
  `,
};
