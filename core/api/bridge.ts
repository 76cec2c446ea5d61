/**
 * The shape every door hands to the renderer: one function per contract operation,
 * answering a Result instead of throwing (errors cross IPC and HTTP as data). Both the
 * Electron preload and the browser shell's fetch client are typed by this, so neither
 * can drift from the contract.
 */
import type { Result } from './errors.ts';
import type { OperationName, RequestOf, ResponseOf } from './contract.ts';

export type KeywardenBridge = { [N in OperationName]: (request: RequestOf<N>) => Promise<Result<ResponseOf<N>>> };

/** IPC channels are `kw:<operation>`; the main side handles nothing outside this prefix. */
export const IPC_CHANNEL_PREFIX = 'kw:';

/** The browser shell answers `POST /api/<operation>` with this header carrying the launch token. */
export const SHELL_TOKEN_HEADER = 'x-keywarden-token';
export const SHELL_API_PREFIX = '/api/';

/** A PKCS#11 module the desktop app's main process offers the renderer (see electron/module-choice.ts). */
export interface TokenModuleChoice {
  modulePath: string;
  /** The profile entry the path belongs to, or 'picked' for one chosen in the file dialog. */
  profileId: string;
  name: string;
}

/**
 * What the Electron main process adds beside the contract (`window.keywardenHost`): the
 * module choices it offers and its native file dialog. The renderer never names a module
 * path of its own; configureTokenModule over IPC accepts only paths offered here.
 */
export interface KeywardenHost {
  tokenModuleChoices(): Promise<Result<TokenModuleChoice[]>>;
  /** Opens the native file dialog; the chosen file becomes a choice (null when cancelled). */
  pickTokenModule(): Promise<Result<TokenModuleChoice | null>>;
}

/** IPC channels of the host functions; handled apart from the contract's `kw:` channels. */
export const HOST_CHANNELS = { tokenModuleChoices: 'kw-host:tokenModuleChoices', pickTokenModule: 'kw-host:pickTokenModule' } as const;
