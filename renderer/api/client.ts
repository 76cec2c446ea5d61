/**
 * The renderer's one client of the contract, over whichever door is present: the
 * Electron preload (`window.keywarden`) or the browser shell (fetch with the launch
 * token). Both answer Results; this layer turns failures into ApiError so screens can
 * `await api.encrypt(...)` and catch one error type carrying the contract's code.
 */
import type { KeywardenApi } from '../../core/api/contract.ts';
import type { KeywardenBridge, KeywardenHost } from '../../core/api/bridge.ts';
import { SHELL_API_PREFIX, SHELL_TOKEN_HEADER } from '../../core/api/bridge.ts';
import { isErrorCode, type ErrorCode, type ErrorData, type Result } from '../../core/api/errors.ts';
import { createClient as createContractClient, type Transport } from '../../core/api/client.ts';

export type { Transport };

declare global {
  interface Window {
    /** Present only inside Electron, exposed by the preload. */
    keywarden?: KeywardenBridge;
    /** Present only inside Electron: the main process's module choices and file dialog. */
    keywardenHost?: KeywardenHost;
  }
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: ErrorCode;
  readonly details: ErrorData['details'];
  constructor(data: ErrorData) {
    super(data.message);
    this.code = isErrorCode(data.code) ? data.code : 'InternalError';
    this.details = data.details;
  }
}

/** Any error a screen may catch, reduced to the contract's error data. */
export function errorData(e: unknown): ErrorData {
  if (e instanceof ApiError) return e.details ? { code: e.code, message: e.message, details: e.details } : { code: e.code, message: e.message };
  const maybe = e as { code?: unknown; message?: unknown; details?: ErrorData['details'] } | null;
  if (maybe && isErrorCode(maybe.code)) return { code: maybe.code, message: String(maybe.message ?? ''), details: maybe.details };
  return { code: 'InternalError', message: e instanceof Error ? e.message : 'unexpected error' };
}


export function bridgeTransport(bridge: KeywardenBridge): Transport {
  const table = bridge as unknown as Record<string, (req: unknown) => Promise<Result<unknown>>>;
  return (name, request) => {
    const fn = table[name];
    if (typeof fn !== 'function') return Promise.resolve({ ok: false, error: { code: 'UnknownOperation', message: `unknown operation '${name}'` } });
    return fn(request);
  };
}

export function httpTransport(token: string, base = '', fetchImpl: typeof fetch = (...a) => fetch(...a)): Transport {
  return async (name, request) => {
    let res: Response;
    try {
      res = await fetchImpl(`${base}${SHELL_API_PREFIX}${encodeURIComponent(name)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', [SHELL_TOKEN_HEADER]: token },
        body: JSON.stringify(request ?? {}),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch {
      return { ok: false, error: { code: 'InternalError', message: 'the Keywarden shell is not reachable' } };
    }
    const body = (await res.json().catch(() => null)) as Result<unknown> | null;
    // A refusal the shell explains (Unauthorized for a wrong token, origin or host) keeps its code.
    if (!res.ok) return body && body.ok === false && isErrorCode(body.error?.code) ? body : { ok: false, error: { code: 'InternalError', message: `the shell refused the request (HTTP ${res.status})` } };
    return body ?? { ok: false, error: { code: 'InternalError', message: 'the shell answered something that is not JSON' } };
  };
}

/** The contract's one client, throwing ApiError so screens catch one error type. */
export function createClient(transport: Transport): KeywardenApi {
  return createContractClient(transport, (e) => new ApiError(e));
}

const TOKEN_KEY = 'keywarden.shellToken';

/** The shell's token arrives in the URL fragment once; it is kept for this tab only. */
export function takeShellToken(loc: Location, store: Storage): string | null {
  const m = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(loc.hash);
  if (m?.[1]) {
    store.setItem(TOKEN_KEY, m[1]);
    history.replaceState(null, '', loc.pathname + loc.search);
    return m[1];
  }
  return store.getItem(TOKEN_KEY);
}

export function detectTransport(): Transport {
  if (window.keywarden) return bridgeTransport(window.keywarden);
  const token = takeShellToken(window.location, window.sessionStorage);
  if (!token) return async () => ({ ok: false, error: { code: 'InternalError', message: 'no shell token: open the URL printed by `npm start`' } });
  return httpTransport(token);
}
