/** Where the CLI gets secrets: an environment variable, a file, or a hidden prompt. Never argv. */
import { readFileSync } from 'node:fs';
import { KwError } from '../api/errors.ts';

export interface SecretSource {
  envVar: string;
  file?: string | undefined;
  prompt: string;
}

export async function readSecret(src: SecretSource): Promise<string> {
  if (src.file) return readFileSync(src.file, 'utf8').replace(/\r?\n$/, '');
  const env = process.env[src.envVar];
  if (env !== undefined && env !== '') return env;
  if (!process.stdin.isTTY) throw new KwError('MissingParameter', `set ${src.envVar}, pass a file, or run in a terminal to be prompted`);
  return promptHidden(src.prompt);
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
