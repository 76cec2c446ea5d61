/**
 * The commands for operations whose requests carry secrets, so nobody has to put them on
 * the command line: `kw vault change-passphrase`, `kw token change-pin`, `kw cert
 * export-key`. Current secrets come from the usual variables, files or a hidden prompt; new
 * ones from their own variable or file, or a prompt asked twice.
 */
import { KwError } from '../api/errors.ts';
import type { ParsedArgs } from './args.ts';
import { readNewSecret, readSecret } from './secrets.ts';
import { writeOutputFile } from './files.ts';

type Call = (op: string, req: unknown) => Promise<unknown>;
const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

export const SECRET_COMMANDS_USAGE = `  kw [--vault DIR] vault change-passphrase   old: KW_PASSPHRASE, --passphrase-file or a prompt; new: KW_NEW_PASSPHRASE, --new-passphrase-file or a prompt (twice)
  kw [--vault DIR] token change-pin [--token-label LABEL] [--so] [--confirm-final-try]
                       old: KW_TOKEN_PIN (KW_TOKEN_SO_PIN with --so), --pin-file or a prompt; new: KW_TOKEN_NEW_PIN, --new-pin-file or a prompt (twice)
  kw [--vault DIR] cert export-key CERT_ID --format PKCS8|PKCS12 [--out FILE]
                       password: KW_EXPORT_PASSWORD, --password-file or a prompt (twice); the file is written 0600
`;

export async function changePassphrase(a: ParsedArgs, call: Call): Promise<unknown> {
  const oldPassphrase = await readSecret({ envVar: 'KW_PASSPHRASE', file: str(a.values['passphrase-file']), fileFlag: '--passphrase-file', prompt: 'Current vault passphrase: ' });
  const newPassphrase = await readNewSecret({ envVar: 'KW_NEW_PASSPHRASE', file: str(a.values['new-passphrase-file']), fileFlag: '--new-passphrase-file', prompt: 'New vault passphrase: ' });
  return call('changePassphrase', { oldPassphrase, newPassphrase });
}

export async function changeTokenPin(a: ParsedArgs, call: Call): Promise<unknown> {
  const so = a.values.so === true;
  const label = str(a.values['token-label']);
  const tokenLabel = label ? { tokenLabel: label } : {};
  const confirmFinalTry = a.values['confirm-final-try'] === true ? { confirmFinalTry: true } : {};
  const oldPin = so
    ? await readSecret({ envVar: 'KW_TOKEN_SO_PIN', file: str(a.values['so-pin-file']), fileFlag: '--so-pin-file', prompt: 'Current security officer PIN: ' })
    : await readSecret({ envVar: 'KW_TOKEN_PIN', file: str(a.values['pin-file']), fileFlag: '--pin-file', prompt: 'Current token PIN: ' });
  const newPin = await readNewSecret({ envVar: 'KW_TOKEN_NEW_PIN', file: str(a.values['new-pin-file']), fileFlag: '--new-pin-file', prompt: 'New PIN: ' });
  // The token changes the PIN of whoever is logged in, so the security officer logs in first.
  if (so) await call('tokenLogin', { ...tokenLabel, pin: oldPin, userType: 'so', ...confirmFinalTry });
  return call('changeTokenPin', { ...tokenLabel, oldPin, newPin, ...confirmFinalTry });
}

export async function exportCertificateKey(certificateId: string | undefined, o: { s(k: string): string | undefined }, call: Call): Promise<unknown> {
  if (!certificateId) throw new KwError('MissingParameter', 'give the certificate id', { field: 'certificateId' });
  const format = o.s('format');
  if (format !== 'PKCS8' && format !== 'PKCS12') throw new KwError('MissingParameter', '--format PKCS8|PKCS12 is required', { field: 'format' });
  const password = await readNewSecret({ envVar: 'KW_EXPORT_PASSWORD', file: o.s('password-file'), fileFlag: '--password-file', prompt: 'Password for the exported key: ' });
  const r = (await call('exportCertificatePrivateKey', { certificateId, format, password })) as { encryptedPrivateKey?: string; pkcs12?: string };
  const out = o.s('out');
  if (!out) return r;
  const data = format === 'PKCS8' ? Buffer.from(r.encryptedPrivateKey ?? '', 'utf8') : Buffer.from(r.pkcs12 ?? '', 'base64');
  writeOutputFile(out, data, '--out');
  data.fill(0);
  return { certificateId, format, written: out };
}
