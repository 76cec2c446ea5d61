/**
 * Sandboxed preload (bundled to CommonJS): exposes `window.keywarden.<operation>(req)`
 * for every operation of the contract and nothing else — no ipcRenderer, no channel
 * names, no Node. The object's type is the contract's KeywardenBridge, which is also
 * what the renderer's `window.keywarden` is declared as.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { OperationName } from '../core/api/contract.ts';
import { HOST_CHANNELS, IPC_CHANNEL_PREFIX, type KeywardenBridge, type KeywardenHost } from '../core/api/bridge.ts';

/**
 * The contract's operation names, injected by scripts/build.mjs from OPERATION_NAMES so
 * the preload carries no schemas (and no zod) into the renderer process.
 */
declare const __KW_OPERATION_NAMES__: readonly OperationName[];
const OPERATION_NAMES = __KW_OPERATION_NAMES__;

function buildBridge(): KeywardenBridge {
  const bridge: Record<string, (request: unknown) => Promise<unknown>> = {};
  for (const name of OPERATION_NAMES) {
    const channel = IPC_CHANNEL_PREFIX + name;
    // Only the request crosses; the renderer never sees the event or the channel.
    bridge[name] = (request: unknown) => ipcRenderer.invoke(channel, request);
  }
  return Object.freeze(bridge) as unknown as KeywardenBridge;
}

/** The main process's own functions: module choices and its file dialog (no arguments cross). */
function buildHost(): KeywardenHost {
  return Object.freeze({
    tokenModuleChoices: () => ipcRenderer.invoke(HOST_CHANNELS.tokenModuleChoices),
    pickTokenModule: () => ipcRenderer.invoke(HOST_CHANNELS.pickTokenModule),
  });
}

contextBridge.exposeInMainWorld('keywarden', buildBridge());
contextBridge.exposeInMainWorld('keywardenHost', buildHost());
