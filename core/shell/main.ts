/**
 * `npm start` without Electron: opens the vault and serves the console on 127.0.0.1.
 * Vault folder: $KW_VAULT or ~/.keywarden/vault. Port: $KW_PORT or a random free one.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Keywarden } from '../service/keywarden.ts';
import { startShell } from './server.ts';

const vaultDir = process.env.KW_VAULT ?? join(homedir(), '.keywarden', 'vault');
const rendererDir = process.env.KW_RENDERER_DIR ?? fileURLToPath(new URL('../../dist/renderer', import.meta.url));
const kw = await Keywarden.open({ vaultDir });
const shell = await startShell({ keywarden: kw, rendererDir, port: Number(process.env.KW_PORT ?? 0) });
console.log(`Keywarden console (vault ${vaultDir}):\n  ${shell.url}\nOpen it in a browser on this machine. Ctrl+C stops.`);

function stop(): void {
  void shell.close().then(() => {
    kw.close();
    process.exit(0);
  });
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
