/**
 * The browser shell: the renderer and the contract served on 127.0.0.1 for when the
 * Electron binary is absent, and for end-to-end tests in a real Chromium.
 *
 * Guards, in order, on every request: the Host header must name this exact listener
 * (defeats DNS rebinding); API calls must come from this origin (no CORS, so other
 * sites' pages cannot read answers, and the Origin check refuses their writes) and
 * carry the per-launch random token, which is handed to the page in the URL fragment
 * (fragments never reach servers, logs or Referer headers). Refusals close the
 * connection without reading the body; connections that never present the token are
 * bounded in number and time (connections.ts), and an oversized body is answered 413.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Result } from '../api/errors.ts';
import { SHELL_API_PREFIX, SHELL_TOKEN_HEADER } from '../api/bridge.ts';
import { RENDERER_SECURITY_HEADERS } from './csp.ts';
import { loadRendererFiles, lookupStatic, type StaticFiles } from './static-files.ts';
import { DEFAULT_LIMITS, governConnections, serverTimeouts, type ConnectionGovernor, type ConnectionLimits } from './connections.ts';

/** The part of the service the shell needs: the one door every operation goes through. */
export interface CallTarget {
  call(name: string, request: unknown, caller: { actor: string; session?: string }): Promise<Result<unknown>>;
}

export interface ShellOptions {
  keywarden: CallTarget;
  /** Folder of the built renderer (dist/renderer). */
  rendererDir: string;
  /** 0 or absent: a random free port. */
  port?: number;
  /** Fixed only in tests that need to forge requests; otherwise 32 random bytes. */
  token?: string;
  actor?: string;
  /** Connection caps and timeouts; the defaults suit one officer's browser. */
  limits?: Partial<ConnectionLimits>;
}

export interface RunningShell {
  /** What to open: origin plus the token in the fragment. */
  url: string;
  origin: string;
  port: number;
  token: string;
  /** Sockets currently open without having presented the token (for tests and diagnostics). */
  unauthenticatedConnections(): number;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
/** Largest request body: a 4 MiB digest input in base64 plus JSON framing. */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;
/** An oversized body up to this size is read and discarded so the caller sees a clean 413; past it the socket is closed. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;
/** Operation names are identifiers (importCertificateByPKCS12 has digits). */
const OPERATION_NAME = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

function send(res: ServerResponse, status: number, body: string | Buffer, type: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...RENDERER_SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...extra });
  res.end(body);
}

/** Refusals end the connection: nothing more is read from a caller we have refused. */
function refuse(res: ServerResponse, status: number, reason: string): void {
  send(res, status, JSON.stringify({ refused: reason }), 'application/json; charset=utf-8', { Connection: 'close' });
}

/** A refused caller (wrong host, origin or token): the status says so, the body is a contract Result. */
function unauthorized(res: ServerResponse, status: number, reason: string): void {
  const r: Result<never> = { ok: false, error: { code: 'Unauthorized', message: reason } };
  send(res, status, JSON.stringify(r), 'application/json; charset=utf-8', { Connection: 'close' });
}

function sameToken(given: string | string[] | undefined, expected: Buffer): boolean {
  if (typeof given !== 'string') return false;
  const b = Buffer.from(given, 'utf8');
  return b.length === expected.length && timingSafeEqual(b, expected);
}

type Body = Buffer | 'too-large' | 'gone';

function readBody(req: IncomingMessage): Promise<Body> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > MAX_DRAIN_BYTES) return resolve('too-large');
    const chunks: Buffer[] = [];
    let size = 0;
    let over = declared > MAX_BODY_BYTES;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_DRAIN_BYTES) {
        req.destroy();
        resolve('gone');
        return;
      }
      if (size > MAX_BODY_BYTES) {
        over = true;
        chunks.length = 0;
      }
      if (!over) chunks.push(c);
    });
    req.on('end', () => resolve(over ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function handleApi(req: IncomingMessage, res: ServerResponse, name: string, target: CallTarget, actor: string): Promise<void> {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return refuse(res, 415, 'content type must be application/json');
  const body = await readBody(req);
  if (body === 'gone') return;
  if (body === 'too-large') return refuse(res, 413, `request body exceeds ${MAX_BODY_BYTES} bytes`);
  let request: unknown;
  try {
    request = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch {
    const r: Result<never> = { ok: false, error: { code: 'InvalidParameter', message: 'request body is not JSON' } };
    return send(res, 200, JSON.stringify(r), 'application/json; charset=utf-8');
  }
  // The officer session (from signIn) travels in its own header, beside the shell token.
  const session = req.headers['x-kw-session'];
  const result = await target.call(name, request, typeof session === 'string' && session.length > 0 && session.length <= 128 ? { actor, session } : { actor });
  send(res, 200, JSON.stringify(result), 'application/json; charset=utf-8');
}

export function createShellHandler(o: { files: StaticFiles; target: CallTarget; token: string; actor: string; port: () => number; governor?: ConnectionGovernor }) {
  const tokenBytes = Buffer.from(o.token, 'utf8');
  return (req: IncomingMessage, res: ServerResponse): void => {
    const port = o.port();
    const origin = `http://${HOST}:${port}`;
    if (req.headers.host !== `${HOST}:${port}`) return unauthorized(res, 421, 'wrong host');
    const url = req.url ?? '/';
    if (url.startsWith(SHELL_API_PREFIX)) {
      if (req.method !== 'POST') return refuse(res, 405, 'method not allowed');
      if (req.headers.origin !== origin) return unauthorized(res, 403, 'wrong origin');
      if (!sameToken(req.headers[SHELL_TOKEN_HEADER], tokenBytes)) return unauthorized(res, 401, 'missing or wrong token');
      o.governor?.trust(req.socket);
      // Operation names are plain identifiers: anything else (including malformed %-escapes,
      // which would make decodeURIComponent throw) is simply not an operation.
      const name = url.slice(SHELL_API_PREFIX.length).split('?')[0] ?? '';
      handleApi(req, res, OPERATION_NAME.test(name) ? name : '?', o.target, o.actor).catch(() => {
        if (!res.headersSent) refuse(res, 500, 'internal error');
      });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'method not allowed');
    const file = lookupStatic(o.files, url);
    if (!file) return refuse(res, 404, 'not found');
    send(res, 200, req.method === 'HEAD' ? '' : file.body, file.contentType);
  };
}

export async function startShell(options: ShellOptions): Promise<RunningShell> {
  const files = loadRendererFiles(options.rendererDir);
  const token = options.token ?? randomBytes(32).toString('base64url');
  let port = 0;
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const server: Server = createServer(serverTimeouts(limits));
  const governor = governConnections(server, limits);
  server.on('request', createShellHandler({ files, target: options.keywarden, token, actor: options.actor ?? 'ui:shell', port: () => port, governor }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://${HOST}:${port}`;
  return {
    url: `${origin}/#token=${token}`,
    origin,
    port,
    token,
    unauthenticatedConnections: () => governor.unauthenticated,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
