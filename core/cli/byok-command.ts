/**
 * `kw byok prepare`: reads the files the target's console gave (wrapping public key, import
 * token), calls prepareByok, and writes the target's files into --out. Nothing secret is
 * written: the files hold only wrapped material; the escrow stays in the vault.
 */
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { KwError } from '../api/errors.ts';
import type { ParsedArgs } from './args.ts';
import { tokenLogin } from './token-command.ts';
import { readInputFile, writeOutputFile } from './files.ts';

export const BYOK_USAGE = `  kw [--vault DIR] byok prepare --target tianyi|alibaba|tencent|aws|gcp|azure|vault --public-key FILE [--import-token FILE]
                       --algorithm ALG --key-spec SPEC --out DIR [--region REGION] [--wrapping-key-id KID] [--token-expires-at ISO]
                       [--source SOFTWARE|HSM [--token-label LABEL]]   HSM: material made inside the token (logs in first)
  kw [--vault DIR] byok list [--target T]      prepared packages with token expiry warnings
`;

const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);


type Call = (op: string, req: unknown) => Promise<unknown>;

export async function byokCommand(sub: string | undefined, a: ParsedArgs, call: Call): Promise<unknown> {
  if (sub === 'list') return call('listByokPackages', str(a.values.target) ? { target: str(a.values.target) } : {});
  if (sub !== 'prepare') throw new KwError('InvalidParameter', `unknown command: byok ${sub ?? ''} (prepare, list)`);
  const need = (name: string): string => {
    const v = str(a.values[name]);
    if (!v) throw new KwError('MissingParameter', `--${name} is required`, { field: name });
    return v;
  };
  const out = need('out');
  const token = str(a.values['import-token']);
  const optional = (flag: string, field: string) => (str(a.values[flag]) ? { [field]: str(a.values[flag]) } : {});
  const source = (str(a.values.source) ?? 'SOFTWARE').toUpperCase();
  if (source === 'HSM') await tokenLogin(a, call);
  const pkg = (await call('prepareByok', {
    target: need('target'),
    publicKey: readInputFile(need('public-key'), '--public-key').toString('base64'),
    ...(token ? { importToken: readInputFile(token, '--import-token').toString('base64') } : {}),
    wrappingAlgorithm: need('algorithm'),
    keySpec: need('key-spec'),
    ...optional('region', 'region'),
    ...optional('wrapping-key-id', 'wrappingKeyId'),
    ...optional('token-expires-at', 'tokenExpiresAt'),
    source,
    ...(source === 'HSM' ? optional('token-label', 'tokenLabel') : {}),
  })) as { files: Record<string, string>; packageId: string; escrowId: string; tokenExpiresAt: string | null; warnings: string[] };
  try {
    mkdirSync(out, { recursive: true, mode: 0o700 });
  } catch {
    throw new KwError('FileNotAccessible', `--out ${out}: cannot be made a folder`, { path: out, flag: '--out' });
  }
  const written: string[] = [];
  for (const [name, content] of Object.entries(pkg.files)) {
    // Names come from the profile table, never from input; refuse anything path-like anyway.
    if (name !== basename(name) || name.startsWith('.')) throw new KwError('InternalError', 'unexpected file name in package');
    writeOutputFile(join(out, name), Buffer.from(content, 'base64'), '--out');
    written.push(name);
  }
  return { packageId: pkg.packageId, escrowId: pkg.escrowId, tokenExpiresAt: pkg.tokenExpiresAt, out, files: written, warnings: pkg.warnings };
}
