/**
 * Electron main process. The core (Keywarden) runs here, in the main process: it is a
 * plain Node library whose only blocking work is short SQLite statements and bounded
 * crypto, and the PKCS#11 bridge runs vendor modules in its own utility process,
 * so a crashing token driver cannot take the window down. Keeping the core here means
 * one process owns the vault file and the renderer only ever sees Results over IPC.
 */
import { app, BrowserWindow, dialog, ipcMain, protocol, session, utilityProcess } from 'electron';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Keywarden } from '../core/service/keywarden.ts';
import { loadRendererFiles, lookupStatic } from '../core/shell/static-files.ts';
import { RENDERER_SECURITY_HEADERS } from '../core/shell/csp.ts';
import { APP_HOST, APP_SCHEME, registerHostHandlers, registerIpcHandlers } from './ipc.ts';
import { defaultModuleChoices } from './module-choice.ts';
import { loadProfiles } from '../core/pkcs11/profiles.ts';
import { PROFILE_FILE } from '../core/keystore/hsm-keystore.ts';
import { createSecureWindow, lockDownContents, lockDownSession } from './window.ts';
import { utilityProcessSpawner } from './token-worker.ts';

// Bundled to dist/electron/main.js; the renderer and preload sit beside it.
const here = fileURLToPath(new URL('.', import.meta.url));
const rendererDir = join(here, '..', 'renderer');
const preloadPath = join(here, 'preload.cjs');
// The PKCS#11 bridge child: the bundled worker in an Electron utility process, never
// inside this process and never through ELECTRON_RUN_AS_NODE (that fuse is off).
const tokenWorker = { script: join(here, 'pkcs11-worker.mjs'), execArgv: [], spawn: utilityProcessSpawner(utilityProcess.fork) };

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
app.enableSandbox();
app.on('web-contents-created', (_e, contents) => lockDownContents(contents));

async function start(): Promise<void> {
  await app.whenReady();
  lockDownSession(session.defaultSession);
  const files = loadRendererFiles(rendererDir);
  protocol.handle(APP_SCHEME, (request) => {
    const url = new URL(request.url);
    const file = url.host === APP_HOST ? lookupStatic(files, url.pathname) : undefined;
    if (!file) return new Response('not found', { status: 404, headers: RENDERER_SECURITY_HEADERS });
    return new Response(new Uint8Array(file.body), { status: 200, headers: { ...RENDERER_SECURITY_HEADERS, 'Content-Type': file.contentType } });
  });
  const vaultDir = process.env.KW_VAULT ?? join(homedir(), '.keywarden', 'vault');
  const kw = await Keywarden.open({ vaultDir, tokenWorker });
  // The renderer may load only PKCS#11 modules offered here: the profile file's libraries
  // that exist on this machine, or a file the officer picks in our own dialog.
  const choices = defaultModuleChoices(() => loadProfiles(kw.options.tokenProfileFile ?? PROFILE_FILE));
  const unregister = registerIpcHandlers(ipcMain, kw, 'ui:electron', (path) => choices.offers(path));
  const win = createSecureWindow(preloadPath, { title: 'Keywarden' });
  const pickFile = async (): Promise<string | null> => {
    const r = await dialog.showOpenDialog(BrowserWindow.getFocusedWindow() ?? win, {
      title: 'PKCS#11',
      properties: ['openFile', 'dontAddToRecent'],
      filters: [{ name: 'PKCS#11', extensions: process.platform === 'win32' ? ['dll'] : process.platform === 'darwin' ? ['dylib', 'so'] : ['so'] }],
    });
    return r.canceled ? null : (r.filePaths[0] ?? null);
  };
  const unregisterHost = registerHostHandlers(ipcMain, { choices, pickFile });
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => {
    unregister();
    unregisterHost();
    kw.close();
  });
}

start().catch((e: unknown) => {
  console.error('keywarden failed to start:', e instanceof Error ? e.message : 'unknown error');
  app.exit(1);
});
