/**
 * `kw api OPERATION [JSON | -]`: any operation of the contract. The request comes from the
 * argument, or from stdin when the argument is `-` or absent and stdin is a pipe, socket
 * pair or file
 * (no argv size cap, nothing in /proc/<pid>/cmdline). Operations whose requests carry a
 * passphrase, PIN or password are refused from argv: the process list is world-readable.
 */
import { fstatSync } from 'node:fs';
import { KwError } from '../api/errors.ts';
import { isOperationName } from '../api/contract.ts';
import { secretFieldsOf } from '../api/secret-fields.ts';

/** Larger than any request of the contract, so an oversized field still gets its own message. */
const MAX_STDIN_BYTES = 64 * 1024 * 1024;

/** Friendly commands that read the secrets of an operation from the environment, a file or a prompt. */
const SECRET_COMMANDS: Partial<Record<string, string>> = {
  initVault: 'kw init',
  unlockVault: 'any command (it unlocks with KW_PASSPHRASE, --passphrase-file or a prompt)',
  changePassphrase: 'kw vault change-passphrase',
  changeTokenPin: 'kw token change-pin',
  exportCertificatePrivateKey: 'kw cert export-key',
  importCertificateByPKCS12: 'kw cert import-p12',
  tokenLogin: 'kw token login',
  initToken: 'kw token init',
  unlockVaultWithToken: 'kw --unlock-token …',
};

function stdinIsData(): boolean {
  try {
    const st = fstatSync(0);
    // Node's parents hand children socket pairs for 'pipe' stdio; a terminal or /dev/null is neither.
    return st.isFIFO() || st.isFile() || st.isSocket();
  } catch {
    return false;
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of process.stdin) {
    size += (c as Buffer).length;
    if (size > MAX_STDIN_BYTES) throw new KwError('InvalidParameter', `the request on stdin exceeds ${MAX_STDIN_BYTES} bytes`, { field: 'request' });
    chunks.push(c as Buffer);
  }
  const text = Buffer.concat(chunks);
  const s = text.toString('utf8');
  text.fill(0);
  return s;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new KwError('InvalidParameter', 'the request is not valid JSON', { field: 'request' });
  }
}

/** The request for `kw api`, from argv or stdin, refusing secrets on argv. */
export async function apiRequest(operation: string, arg: string | undefined): Promise<unknown> {
  if (arg !== undefined && arg !== '-') {
    if (isOperationName(operation) && secretFieldsOf(operation).length > 0) {
      const instead = SECRET_COMMANDS[operation];
      throw new KwError(
        'InvalidParameter',
        `${operation} carries secrets (${secretFieldsOf(operation).join(', ')}) and is refused on the command line, where other users can read it; ` +
          `send the request on stdin (kw api ${operation} - < request.json)${instead ? ` or use ${instead}` : ''}`,
        { field: 'request' },
      );
    }
    return parseJson(arg);
  }
  if (arg === '-' || stdinIsData()) return parseJson(await readStdin());
  return {};
}
