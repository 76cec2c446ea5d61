/**
 * `kw`, the command-line door. `kw --vault DIR api <operation> '<json>'` serves the whole
 * contract; the friendly commands below are shorthands for the same calls. Responses go
 * to stdout as JSON; errors go to stderr as {"code","message"} with a non-zero exit.
 */
import { homedir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { KwError, toErrorData } from '../api/errors.ts';
import { contract, OPERATION_NAMES } from '../api/contract.ts';
import { canonicalOperation, canonicalValue } from '../api/seed-names.ts';
import { Keywarden, type Caller, type KeywardenOptions } from '../service/keywarden.ts';
import { parse, type ParsedArgs } from './args.ts';
import { readSecret } from './secrets.ts';
import { readInputFile, readInputText, writeOutputFile } from './files.ts';
import { apiRequest } from './api-command.ts';
import { changePassphrase, SECRET_COMMANDS_USAGE } from './secret-commands.ts';
import { BYOK_USAGE, byokCommand } from './byok-command.ts';
import { CERT_USAGE, certCommand, ukeyCommand, ukeyListTokenCertificates } from './cert-command.ts';
import { AUDIT_USAGE, auditCommand, auditVerifyExport } from './audit-command.ts';
import { OFFICER_USAGE, officerCommand, savedSession, signIn } from './officer-command.ts';
import { TOKEN_USAGE, tokenCommand, tokenLogin, tokenOpenOptions, unlockWithToken, wantsTokenUnlock } from './token-command.ts';

const USAGE = `kw — Keywarden command line

  kw [--vault DIR] init                       create a vault (passphrase from KW_PASSPHRASE, --passphrase-file or a prompt)
  kw [--vault DIR] status                     vault status
  kw [--vault DIR] api OPERATION ['JSON' | -] call any operation of the contract (see: kw ops); the request
                                              comes from stdin with '-' or when piped; requests holding a
                                              passphrase, PIN or password are taken only from stdin
  kw ops                                      list operations
  kw [--vault DIR] key create --spec SPEC --usage USAGE [--alias A] [--description D] [--origin KMS|EXTERNAL] [--protection SOFTWARE|HSM] [--rotation DAYS]
  kw [--vault DIR] key list [--state S] [--page N] [--page-size N]
  kw [--vault DIR] key describe KEY
  kw [--vault DIR] encrypt --key KEY (--text TEXT | --in FILE)
  kw [--vault DIR] decrypt (--text BLOB | --in FILE) [--out FILE]
${BYOK_USAGE}${CERT_USAGE}${TOKEN_USAGE}${AUDIT_USAGE}${SECRET_COMMANDS_USAGE}${OFFICER_USAGE}
The vault folder defaults to $KW_VAULT or ~/.keywarden/vault.
`;

function vaultDir(a: ParsedArgs): string {
  const v = a.values.vault;
  return resolve(typeof v === 'string' ? v : (process.env.KW_VAULT ?? join(homedir(), '.keywarden', 'vault')));
}

function scryptCost(): KeywardenOptions['scryptCost'] {
  // Lowering the cost is for test vaults only; the chosen cost is recorded with the wrapping.
  const log2n = Number(process.env.KW_SCRYPT_LOG2N ?? '');
  return Number.isInteger(log2n) && log2n >= 14 && log2n <= 20 ? { N: 2 ** log2n, r: 8, p: 1 } : undefined;
}

const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

async function run(argv: string[]): Promise<unknown> {
  const a = parse(argv);
  const [cmd, sub, ...rest] = a.positionals;
  if (a.values.help || !cmd) {
    process.stdout.write(USAGE);
    return undefined;
  }
  if (cmd === 'ukey' && sub === 'certs') return ukeyListTokenCertificates(argv);
  // Checks a file an auditor brought; opens no vault.
  if (cmd === 'audit' && sub === 'verify-export') return auditVerifyExport(rest[0]);
  if (cmd === 'ops') return OPERATION_NAMES.map((n) => ({ operation: n, kind: contract[n].kind, summary: contract[n].summary }));

  const dir = vaultDir(a);
  const kw = await Keywarden.open({ vaultDir: dir, scryptCost: scryptCost(), schedulerIntervalMs: 0, ...tokenOpenOptions(a) });
  const caller: Caller = { actor: `cli:${userInfo().username}` };
  const session = savedSession(dir);
  if (session) caller.session = session;
  const passphrase = () => readSecret({ envVar: 'KW_PASSPHRASE', file: str(a.values['passphrase-file']), fileFlag: '--passphrase-file', prompt: 'Vault passphrase: ' });
  const call = async (op: string, req: unknown) => {
    const r = await kw.call(op, req, caller);
    if (!r.ok) throw new KwError(r.error.code, r.error.message, r.error.details);
    return r.value;
  };
  const unlocked = async () => {
    if (await wantsTokenUnlock(a, call)) return unlockWithToken(a, call);
    await call('unlockVault', { passphrase: await passphrase() });
  };
  // KW_OFFICER signs in for this command alone (not for login, which keeps its session).
  let oneShot = false;
  try {
    if (process.env.KW_OFFICER && cmd !== 'login' && cmd !== 'logout') {
      caller.session = (await signIn(process.env.KW_OFFICER, a, call)).sessionToken;
      oneShot = true;
    }
    switch (cmd) {
      case 'login':
      case 'logout':
      case 'whoami':
      case 'officer':
        return await officerCommand(cmd, sub, a, dir, call);
      case 'approval':
        if (sub === 'export' || sub === 'import') await unlocked();
        return await officerCommand(cmd, sub, a, dir, call);
      case 'init':
        return await call('initVault', { passphrase: await passphrase() });
      case 'status':
        return await call('getVaultStatus', {});
      case 'vault':
        if (sub === 'change-passphrase') return await changePassphrase(a, call);
        throw new KwError('InvalidParameter', `unknown command: vault ${sub ?? ''} (change-passphrase)`);
      case 'api': {
        if (!sub) throw new KwError('MissingParameter', 'usage: kw api OPERATION [JSON | -]');
        const op = canonicalOperation(sub);
        const req = await apiRequest(op ?? sub, rest[0]);
        if (op !== null && contract[op].kind !== 'session') await unlocked();
        if (a.values['token-login'] === true) await tokenLogin(a, call);
        return await call(sub, req);
      }
      case 'key': {
        await unlocked();
        if (sub === 'create') {
          const rotation = str(a.values.rotation);
          if (canonicalValue('protectionLevel', str(a.values.protection)) === 'HSM') await tokenLogin(a, call);
          return await call('createKey', {
            keySpec: str(a.values.spec),
            keyUsage: str(a.values.usage) ?? 'ENCRYPT_DECRYPT',
            ...(str(a.values.alias) ? { alias: str(a.values.alias) } : {}),
            ...(str(a.values.description) ? { description: str(a.values.description) } : {}),
            ...(str(a.values.origin) ? { origin: str(a.values.origin) } : {}),
            ...(str(a.values.protection) ? { protectionLevel: str(a.values.protection) } : {}),
            ...(rotation ? { rotationIntervalDays: Number(rotation) } : {}),
            ...(canonicalValue('protectionLevel', str(a.values.protection)) === 'HSM' && str(a.values['token-label']) ? { tokenLabel: str(a.values['token-label']) } : {}),
          });
        }
        if (sub === 'list') {
          return await call('listKeys', {
            ...(str(a.values.state) ? { keyState: str(a.values.state) } : {}),
            ...(str(a.values.page) ? { pageNumber: Number(a.values.page) } : {}),
            ...(str(a.values['page-size']) ? { pageSize: Number(a.values['page-size']) } : {}),
          });
        }
        if (sub === 'describe') return await call('describeKey', { cmkUuid: rest[0] ?? str(a.values.key) });
        throw new KwError('InvalidParameter', `unknown command: key ${sub ?? ''}`);
      }
      case 'encrypt': {
        await unlocked();
        const text = str(a.values.text);
        const file = str(a.values.in);
        const data = text !== undefined ? Buffer.from(text, 'utf8') : file ? readInputFile(file, '--in') : null;
        if (!data) throw new KwError('MissingParameter', 'give --text or --in');
        return await call('encrypt', { cmkUuid: str(a.values.key), plaintext: data.toString('base64') });
      }
      case 'decrypt': {
        await unlocked();
        const text = str(a.values.text);
        const file = str(a.values.in);
        const blob = text ?? (file ? readInputText(file, '--in').trim() : undefined);
        if (!blob) throw new KwError('MissingParameter', 'give --text or --in');
        const r = (await call('decrypt', { ciphertextBlob: blob })) as { plaintext: string; cmkUuid: string; keyVersionId: string };
        const out = str(a.values.out);
        if (out) {
          const pt = Buffer.from(r.plaintext, 'base64');
          writeOutputFile(out, pt, '--out');
          pt.fill(0);
          return { cmkUuid: r.cmkUuid, keyVersionId: r.keyVersionId, written: out };
        }
        return r;
      }
      case 'byok':
        await unlocked();
        return await byokCommand(sub, a, call);
      case 'cert':
        await unlocked();
        if (sub === 'create' && canonicalValue('protectionLevel', str(a.values.protection)) === 'HSM') await tokenLogin(a, call);
        return await certCommand(sub, rest, argv, call);
      case 'audit':
        await unlocked();
        return await auditCommand(sub, a, call);
      case 'token':
        return await tokenCommand(sub, a, call, unlocked);
      case 'ukey':
        await unlocked();
        return await ukeyCommand(sub, argv, call);
      default:
        throw new KwError('InvalidParameter', `unknown command '${cmd}' (kw --help)`);
    }
  } finally {
    if (oneShot) await kw.call('signOut', {}, caller);
    kw.close();
  }
}

run(process.argv.slice(2)).then(
  (out) => {
    if (out !== undefined) process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  },
  (e: unknown) => {
    process.stderr.write(JSON.stringify(toErrorData(e)) + '\n');
    process.exitCode = 1;
  },
);
