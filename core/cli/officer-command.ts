/**
 * Officers at the command line: `kw login` opens an officer session and keeps its token
 * in the vault folder (mode 0600) for the next `kw` commands at this workstation;
 * `kw logout` ends it. `KW_OFFICER` with a credential signs in for one command instead.
 * A UKey credential signs the vault's challenge on the token: the PIN goes to the token
 * bridge (tokenLogin), never anywhere else.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KwError } from '../api/errors.ts';
import type { ParsedArgs } from './args.ts';
import { readSecret } from './secrets.ts';
import { tokenLogin } from './token-command.ts';

type Call = (op: string, req: unknown) => Promise<unknown>;

export const OFFICER_USAGE = `
  kw [--vault DIR] login --officer NAME [--officer-passphrase-file F]     sign in (software credential or the owner's vault passphrase; KW_OFFICER_PASSPHRASE)
  kw [--vault DIR] login --officer NAME --ukey --object-id HEX [--token-label L] [--pin-file F]   sign in with the officer's UKey
  kw [--vault DIR] logout                     end the officer session kept by login
  kw [--vault DIR] whoami                     the officer this workstation runs as
  kw [--vault DIR] officer list | roles
  kw [--vault DIR] approval export REQUEST_ID --out FILE      a pending quorum request as a file to approve elsewhere
  kw [--vault DIR] approval sign FILE --out FILE2 [--ukey --object-id HEX]   sign it as the officer (software credential, or on the UKey)
  kw [--vault DIR] approval import FILE2                      count the signed approval
  Every command runs as the session kept by 'kw login', or as KW_OFFICER (with KW_OFFICER_PASSPHRASE, or --ukey ...) for that command alone.
`;

const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

export function sessionFile(vaultDir: string): string {
  return join(vaultDir, 'officer-session');
}

export function savedSession(vaultDir: string): string | undefined {
  if (process.env.KW_SESSION) return process.env.KW_SESSION;
  const f = sessionFile(vaultDir);
  return existsSync(f) ? readFileSync(f, 'utf8').trim() || undefined : undefined;
}

/** Proves the officer's credential and returns the new session token. */
export async function signIn(officer: string, a: ParsedArgs, call: Call): Promise<{ sessionToken: string; session: unknown }> {
  if (a.values.ukey === true) {
    const objectId = str(a.values['object-id']);
    if (!objectId) throw new KwError('MissingParameter', 'give --object-id of the key pair on the UKey');
    await tokenLogin(a, call);
    const ch = (await call('beginSignIn', { officer })) as { challengeId: string; challenge: string; credential: { keySpec: string | null } };
    const algorithm = ch.credential.keySpec === 'EC_P256' ? 'ECDSA_SHA_256' : ch.credential.keySpec === 'SM2' ? 'SM2DSA' : 'RSA_PKCS1_SHA_256';
    const label = str(a.values['token-label']);
    const signed = (await call('signWithTokenKey', { ...(label ? { tokenLabel: label } : {}), objectId, algorithm, message: ch.challenge })) as { signature: string };
    return (await call('signIn', { officer, challengeId: ch.challengeId, signature: signed.signature, algorithm })) as { sessionToken: string; session: unknown };
  }
  const passphrase = await readSecret({ envVar: 'KW_OFFICER_PASSPHRASE', file: str(a.values['officer-passphrase-file']), prompt: `Passphrase of officer ${officer}: ` });
  return (await call('signIn', { officer, passphrase })) as { sessionToken: string; session: unknown };
}

export async function officerCommand(cmd: string, sub: string | undefined, a: ParsedArgs, vaultDir: string, call: Call): Promise<unknown> {
  switch (cmd) {
    case 'login': {
      const officer = str(a.values.officer) ?? process.env.KW_OFFICER;
      if (!officer) throw new KwError('MissingParameter', 'give --officer NAME');
      const r = await signIn(officer, a, call);
      writeFileSync(sessionFile(vaultDir), r.sessionToken + '\n', { mode: 0o600 });
      return r.session;
    }
    case 'logout': {
      const r = await call('signOut', {});
      rmSync(sessionFile(vaultDir), { force: true });
      return r;
    }
    case 'whoami':
      return call('whoAmI', {});
    case 'officer':
      if (sub === 'list') return call('listOfficers', {});
      if (sub === 'roles') return call('listRoles', {});
      throw new KwError('InvalidParameter', `unknown command: officer ${sub ?? ''} (officer list | roles; others through kw api)`);
    case 'approval':
      return approvalCommand(sub, a, call);
    default:
      throw new KwError('InvalidParameter', `unknown command '${cmd}'`);
  }
}

function readJson(file: string | undefined): Record<string, unknown> {
  if (!file) throw new KwError('MissingParameter', 'give the file');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    throw new KwError('InvalidParameter', `${file} is not a JSON file`);
  }
}

async function approvalCommand(sub: string | undefined, a: ParsedArgs, call: Call): Promise<unknown> {
  const [arg] = a.positionals.slice(2);
  const out = str(a.values.out);
  const write = (v: unknown) => {
    if (!out) throw new KwError('MissingParameter', 'give --out FILE');
    writeFileSync(out, JSON.stringify(v, null, 2) + '\n', { mode: 0o600 });
    return { written: out };
  };
  if (sub === 'export') return write(await call('exportRequest', { requestId: arg }));
  if (sub === 'import') {
    const approval = readJson(arg);
    return call('approveRequest', { requestId: approval.requestId, approval });
  }
  if (sub === 'sign') {
    const file = readJson(arg);
    if (a.values.ukey !== true) {
      const passphrase = await readSecret({ envVar: 'KW_OFFICER_PASSPHRASE', file: str(a.values['officer-passphrase-file']), prompt: 'Officer passphrase: ' });
      return write(await call('signApproval', { file, passphrase }));
    }
    // UKey: the statement is signed on the token; the vault checks the file's digests when it is imported.
    const objectId = str(a.values['object-id']);
    if (!objectId) throw new KwError('MissingParameter', 'give --object-id of the key pair on the UKey');
    const me = (await call('whoAmI', {})) as { officer: { officerId: string; credentials: Array<{ credentialId: string; kind: string; keySpec: string | null; tokenObjectId: string | null }> } | null };
    const cred = me.officer?.credentials.find((c) => c.kind === 'ukey' && (c.tokenObjectId === null || c.tokenObjectId === objectId.toLowerCase()));
    if (!me.officer || !cred) throw new KwError('CredentialInvalid', 'the signed-in officer has no UKey credential for that object');
    await tokenLogin(a, call);
    const algorithm = cred.keySpec === 'EC_P256' ? 'ECDSA_SHA_256' : cred.keySpec === 'SM2' ? 'SM2DSA' : 'RSA_PKCS1_SHA_256';
    const label = str(a.values['token-label']);
    const signed = (await call('signWithTokenKey', { ...(label ? { tokenLabel: label } : {}), objectId, algorithm, message: file.statement })) as { signature: string };
    const request = file.request as { requestId: string };
    return write({
      format: 'keywarden-approval/v1', vaultId: file.vaultId, requestId: request.requestId, digestSha256: file.digestSha256,
      officerId: me.officer.officerId, credentialId: cred.credentialId, algorithm, signature: signed.signature, statement: file.statement,
    });
  }
  throw new KwError('InvalidParameter', `unknown command: approval ${sub ?? ''} (export | sign | import)`);
}
