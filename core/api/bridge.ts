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
