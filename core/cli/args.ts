/** A small argv parser: `--name value`, `--flag`, and positionals. util.parseArgs does the work. */
import { parseArgs } from 'node:util';

export interface ParsedArgs {
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
}

export function parse(argv: string[]): ParsedArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: {
      vault: { type: 'string' },
      officer: { type: 'string' },
      'officer-passphrase-file': { type: 'string' },
      ukey: { type: 'boolean' },
      'passphrase-file': { type: 'string' },
      'new-passphrase-file': { type: 'string' },
      'new-pin-file': { type: 'string' },
      spec: { type: 'string' },
      usage: { type: 'string' },
      alias: { type: 'string' },
      description: { type: 'string' },
      origin: { type: 'string' },
      protection: { type: 'string' },
      rotation: { type: 'string' },
      key: { type: 'string' },
      text: { type: 'string' },
      in: { type: 'string' },
      out: { type: 'string' },
      state: { type: 'string' },
      page: { type: 'string' },
      'page-size': { type: 'string' },
      target: { type: 'string' },
      'public-key': { type: 'string' },
      'import-token': { type: 'string' },
      algorithm: { type: 'string' },
      'key-spec': { type: 'string' },
      region: { type: 'string' },
      'wrapping-key-id': { type: 'string' },
      'token-expires-at': { type: 'string' },
      source: { type: 'string' },
      module: { type: 'string' },
      'token-label': { type: 'string' },
      'pin-file': { type: 'string' },
      'so-pin-file': { type: 'string' },
      'new-label': { type: 'string' },
      slot: { type: 'string' },
      confirm: { type: 'string' },
      'object-id': { type: 'string' },
      checkpoint: { type: 'string' },
      event: { type: 'string' },
      actor: { type: 'string' },
      'resource-type': { type: 'string' },
      level: { type: 'string' },
      format: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      so: { type: 'boolean' },
      'unlock-token': { type: 'boolean' },
      'token-login': { type: 'boolean' },
      'remove-passphrase': { type: 'boolean' },
      'confirm-final-try': { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  return { positionals, values: values as Record<string, string | boolean | undefined> };
}
