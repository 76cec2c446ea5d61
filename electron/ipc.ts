/**
 * The IPC door: one handler per contract operation on `kw:<operation>`. Each call is
 * refused unless it comes from the main frame of a page served by our own app://
 * protocol, and its request passes the operation's schema. The checks are pure
 * functions over plain data so they are tested without the Electron binary.
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import type { z } from 'zod';
import { contract, OPERATION_NAMES, type OperationName } from '../core/api/contract.ts';
import { canonicalOperation, canonicalRequest } from '../core/api/seed-names.ts';
import { IPC_CHANNEL_PREFIX } from '../core/api/bridge.ts';
import type { ErrorData, Result } from '../core/api/errors.ts';
import { schemaErrorData } from '../core/api/schema-error.ts';
import { checkModuleChoice, type ModuleChoices } from './module-choice.ts';
import { HOST_CHANNELS, type TokenModuleChoice } from '../core/api/bridge.ts';

export const APP_SCHEME = 'app';
export const APP_HOST = 'keywarden';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** What we know about who sent an IPC message, reduced to plain data. */
export interface SenderFacts {
  /** URL of the frame that sent the message; null when the frame is gone. */
  frameUrl: string | null;
  /** True when the sending frame is the top frame of its page (not an iframe). */
  isMainFrame: boolean;
}

export type IpcCheck = { ok: true; name: OperationName; request: unknown } | { ok: false; error: ErrorData };

export function channelFor(name: OperationName): string {
  return IPC_CHANNEL_PREFIX + name;
}

/** True only for app://keywarden/... — parsed, never string-prefixed. */
export function isTrustedAppUrl(url: string | null): boolean {
  if (url === null) return false;
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

function refuse(code: ErrorData['code'], message: string, details?: ErrorData['details']): IpcCheck {
  return { ok: false, error: details ? { code, message, details } : { code, message } };
}

/** True when the sender is the top frame of a page served by app://keywarden. */
export function isTrustedSender(sender: SenderFacts): boolean {
  return sender.isMainFrame && isTrustedAppUrl(sender.frameUrl);
}

/**
 * The whole boundary check: which channel, which sender, which request. `offersModule`
 * says which PKCS#11 module paths the main process offers (module-choice.ts); by default
 * none, so configureTokenModule is refused unless the caller passes the offer.
 */
export function checkIpcCall(channel: string, sender: SenderFacts, request: unknown, offersModule: (modulePath: string) => boolean = () => false): IpcCheck {
  if (!channel.startsWith(IPC_CHANNEL_PREFIX)) return refuse('UnknownOperation', 'not a keywarden channel');
  const given = channel.slice(IPC_CHANNEL_PREFIX.length);
  const name = canonicalOperation(given);
  if (name === null) return refuse('UnknownOperation', `unknown operation '${given.slice(0, 64)}'`);
  // A forged sender (another origin, a sub-frame, a detached frame) gets nothing.
  if (!isTrustedSender(sender)) return refuse('Unauthorized', 'IPC sender is not the application window', { field: 'sender' });
  const canonical = canonicalRequest(request ?? {});
  const parsed = (contract[name].request as z.ZodType).safeParse(canonical);
  if (!parsed.success) return { ok: false, error: schemaErrorData(parsed.error, canonical) };
  const moduleRefusal = checkModuleChoice(name, canonical, offersModule);
  if (moduleRefusal) return { ok: false, error: moduleRefusal };
  // The request goes on unparsed: the service parses it again and applies defaults itself.
  return { ok: true, name, request: canonical };
}

export function senderFacts(event: Pick<IpcMainInvokeEvent, 'senderFrame' | 'sender'>): SenderFacts {
  const frame = event.senderFrame;
  if (!frame) return { frameUrl: null, isMainFrame: false };
  return { frameUrl: frame.url, isMainFrame: frame === event.sender.mainFrame };
}

export interface CallTarget {
  call(name: string, request: unknown, caller: { actor: string }): Promise<Result<unknown>>;
}

/** Registers one handler per operation; returns a function that removes them all. */
export function registerIpcHandlers(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  target: CallTarget,
  actor = 'ui:electron',
  offersModule: (modulePath: string) => boolean = () => false,
): () => void {
  const channels = OPERATION_NAMES.map(channelFor);
  for (const channel of channels) {
    ipcMain.handle(channel, async (event, request: unknown): Promise<Result<unknown>> => {
      const check = checkIpcCall(channel, senderFacts(event), request, offersModule);
      if (!check.ok) return { ok: false, error: check.error };
      return target.call(check.name, check.request, { actor });
    });
  }
  return () => channels.forEach((c) => ipcMain.removeHandler(c));
}

/** What the host channels need from the main process: the module offer and its file dialog. */
export interface HostServices {
  choices: ModuleChoices;
  /** Opens the native open-file dialog; the chosen path, or null when cancelled. */
  pickFile(): Promise<string | null>;
}

/** The host functions beside the contract (preload's `keywardenHost`), behind the same sender check. */
export function registerHostHandlers(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, host: HostServices): () => void {
  const refused: Result<never> = { ok: false, error: { code: 'Unauthorized', message: 'IPC sender is not the application window', details: { field: 'sender' } } };
  ipcMain.handle(HOST_CHANNELS.tokenModuleChoices, async (event): Promise<Result<TokenModuleChoice[]>> => {
    if (!isTrustedSender(senderFacts(event))) return refused;
    return { ok: true, value: host.choices.list() };
  });
  ipcMain.handle(HOST_CHANNELS.pickTokenModule, async (event): Promise<Result<TokenModuleChoice | null>> => {
    if (!isTrustedSender(senderFacts(event))) return refused;
    const path = await host.pickFile();
    return { ok: true, value: path === null ? null : host.choices.addPicked(path) };
  });
  return () => Object.values(HOST_CHANNELS).forEach((c) => ipcMain.removeHandler(c));
}
