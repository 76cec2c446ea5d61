/** Where the CLI gets secrets: an environment variable, a file, or a hidden prompt. Never argv. */
import { KwError } from '../api/errors.ts';
import { readInputText } from './files.ts';

export interface SecretSource {
  envVar: string;
  file?: string | undefined;
  /** The flag that named the file, for errors (e.g. --passphrase-file). */
  fileFlag?: string;
  prompt: string;
}

export async function readSecret(src: SecretSource): Promise<string> {
  if (src.file) return readInputText(src.file, src.fileFlag ?? 'secret file').replace(/\r?\n$/, '');
  const env = process.env[src.envVar];
  if (env !== undefined && env !== '') return env;
  if (!process.stdin.isTTY) throw new KwError('MissingParameter', `set ${src.envVar}, pass a file, or run in a terminal to be prompted`);
  return promptHidden(src.prompt);
}

/**
 * A new secret: from its environment variable or file, otherwise prompted twice so a
 * typing slip cannot lock the officer out.
 */
export async function readNewSecret(src: SecretSource): Promise<string> {
  if (src.file || (process.env[src.envVar] ?? '') !== '' || !process.stdin.isTTY) return readSecret(src);
  const first = await promptHidden(src.prompt);
  const again = await promptHidden('Again: ');
  if (first !== again) throw new KwError('InvalidParameter', 'the two entries differ');
  return first;
}

function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    let value = '';
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          cleanup();
          process.stderr.write('\n');
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          cleanup();
          reject(new KwError('InvalidParameter', 'cancelled'));
          return;
        }
        if (ch === '\u007f') value = value.slice(0, -1);
        else value += ch;
      }
    };
    const cleanup = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
    };
    stdin.on('data', onData);
  });
}
