/**
 * `kw token …`: the PKCS#11 token commands, and the token parts of other commands (log
 * in before an HSM key is used, unlock a vault whose root key a token holds). The token
 * is chosen with --module PATH --token-label LABEL or the ones saved in the vault. PINs
 * come from KW_TOKEN_PIN / KW_TOKEN_SO_PIN, --pin-file / --so-pin-file, or a prompt —
 * never from argv. Each `kw` run is one process, so a login lasts for that command only.
 */
import { KwError } from '../api/errors.ts';
import { INIT_TOKEN_CONFIRM, REMOVE_PASSPHRASE_CONFIRM, TOKEN_LOSS_WARNING } from '../api/ops/tokens.ts';
import type { KeywardenOptions } from '../service/keywarden.ts';
import type { ParsedArgs } from './args.ts';
import { readSecret } from './secrets.ts';
import { readInputFile } from './files.ts';
import { changeTokenPin } from './secret-commands.ts';

export const TOKEN_USAGE = `  kw [--vault DIR] token list|info|mechanisms [--module PATH] [--token-label LABEL]
  kw [--vault DIR] token login [--token-label LABEL] [--so]     check the PIN (PIN from KW_TOKEN_PIN, --pin-file or a prompt)
  kw [--vault DIR] token init (--token-label LABEL | --slot ID) --new-label NEW --confirm ${INIT_TOKEN_CONFIRM}   (SO PIN from KW_TOKEN_SO_PIN, --so-pin-file or a prompt)
  kw [--vault DIR] token configure --module PATH [--token-label LABEL]   save the vault's module and default token
  kw [--vault DIR] token protect-vault [--token-label LABEL] [--remove-passphrase --confirm ${REMOVE_PASSPHRASE_CONFIRM}]
                       let the token unlock the vault (its key wraps the root key)
  kw [--vault DIR] token sign --object-id HEX --algorithm ALG (--text TEXT | --in FILE)   sign a challenge with a key on the token
  HSM keys: kw key create --protection HSM [--token-label LABEL] logs in first; kw api OP JSON --token-login does too.
  A vault whose root key only a token holds (or --unlock-token) is unlocked with the token PIN.
`;

const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

type Call = (op: string, req: unknown) => Promise<unknown>;

/** Keywarden.open options from --module / --token-label (the vault's saved ones otherwise). */
export function tokenOpenOptions(a: ParsedArgs): Pick<KeywardenOptions, 'tokenModulePath' | 'tokenLabel'> {
  const modulePath = str(a.values.module);
  const label = str(a.values['token-label']);
  return { ...(modulePath ? { tokenModulePath: modulePath } : {}), ...(label ? { tokenLabel: label } : {}) };
}

function labelField(a: ParsedArgs): { tokenLabel?: string } {
  const l = str(a.values['token-label']);
  return l ? { tokenLabel: l } : {};
}

function userPin(a: ParsedArgs): Promise<string> {
  return readSecret({ envVar: 'KW_TOKEN_PIN', file: str(a.values['pin-file']), fileFlag: '--pin-file', prompt: 'Token PIN: ' });
}

export async function tokenLogin(a: ParsedArgs, call: Call): Promise<unknown> {
  return call('tokenLogin', { ...labelField(a), pin: await userPin(a), ...(a.values['confirm-final-try'] === true ? { confirmFinalTry: true } : {}) });
}

/** True when this run should unlock with the token: asked for, or the passphrase is gone. */
export async function wantsTokenUnlock(a: ParsedArgs, call: Call): Promise<boolean> {
  if (a.values['unlock-token'] === true) return true;
  const status = (await call('getVaultStatus', {})) as { unlockMethods: string[] };
  return status.unlockMethods.includes('token') && !status.unlockMethods.includes('passphrase');
}

export async function unlockWithToken(a: ParsedArgs, call: Call): Promise<void> {
  await call('unlockVaultWithToken', { ...labelField(a), pin: await userPin(a) });
}

export async function tokenCommand(sub: string | undefined, a: ParsedArgs, call: Call, unlocked: () => Promise<void>): Promise<unknown> {
  switch (sub) {
    case 'list':
      return call('listTokens', {});
    case 'info':
      return call('describeToken', labelField(a));
    case 'mechanisms':
      return call('listMechanisms', labelField(a));
    case 'login': {
      const so = a.values.so === true;
      const pin = so
        ? await readSecret({ envVar: 'KW_TOKEN_SO_PIN', file: str(a.values['so-pin-file']), fileFlag: '--so-pin-file', prompt: 'Security officer PIN: ' })
        : await userPin(a);
      const r = await call('tokenLogin', { ...labelField(a), pin, userType: so ? 'so' : 'user', ...(a.values['confirm-final-try'] === true ? { confirmFinalTry: true } : {}) });
      await call('tokenLogout', labelField(a));
      return { ...(r as object), note: 'PIN accepted; the login ended with this command (each kw run logs in again)' };
    }
    case 'init': {
      const slot = str(a.values.slot);
      const newLabel = str(a.values['new-label']);
      if (!newLabel) throw new KwError('MissingParameter', '--new-label is required', { field: 'new-label' });
      if (str(a.values.confirm) !== INIT_TOKEN_CONFIRM) {
        throw new KwError('ConfirmationRequired', `initialising a token erases every object on it; add --confirm ${INIT_TOKEN_CONFIRM}`);
      }
      const soPin = await readSecret({ envVar: 'KW_TOKEN_SO_PIN', file: str(a.values['so-pin-file']), fileFlag: '--so-pin-file', prompt: 'Security officer PIN: ' });
      return call('initToken', { ...labelField(a), ...(slot ? { slotId: slot } : {}), soPin, newLabel, confirm: INIT_TOKEN_CONFIRM });
    }
    case 'change-pin':
      return changeTokenPin(a, call);
    case 'configure': {
      const modulePath = str(a.values.module);
      if (!modulePath) throw new KwError('MissingParameter', '--module PATH is required', { field: 'module' });
      await unlocked();
      return call('configureTokenModule', { modulePath, ...(str(a.values['token-label']) ? { defaultTokenLabel: str(a.values['token-label']) } : {}) });
    }
    case 'protect-vault': {
      const remove = a.values['remove-passphrase'] === true;
      if (remove && str(a.values.confirm) !== REMOVE_PASSPHRASE_CONFIRM) {
        throw new KwError('ConfirmationRequired', `${TOKEN_LOSS_WARNING} To remove the passphrase anyway add --confirm ${REMOVE_PASSPHRASE_CONFIRM}`);
      }
      await unlocked();
      await tokenLogin(a, call);
      process.stderr.write(`WARNING: ${TOKEN_LOSS_WARNING}\n`);
      return call('addTokenUnlock', { ...labelField(a), ...(remove ? { removePassphrase: true, confirm: REMOVE_PASSPHRASE_CONFIRM } : {}) });
    }
    case 'sign': {
      const objectId = str(a.values['object-id']);
      const text = str(a.values.text);
      const file = str(a.values.in);
      if (!objectId) throw new KwError('MissingParameter', '--object-id HEX is required', { field: 'object-id' });
      const message = text !== undefined ? Buffer.from(text, 'utf8') : file ? readInputFile(file, '--in') : null;
      if (!message) throw new KwError('MissingParameter', 'give --text or --in');
      await tokenLogin(a, call);
      return call('signWithTokenKey', { ...labelField(a), objectId, algorithm: str(a.values.algorithm) ?? 'ECDSA_SHA_256', message: message.toString('base64') });
    }
    default:
      throw new KwError('InvalidParameter', `unknown command: token ${sub ?? ''} (list, info, mechanisms, login, change-pin, init, configure, protect-vault, sign)`);
  }
}
