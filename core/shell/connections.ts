/**
 * Keeps the shell answering its own page while other local processes hold connections
 * open. Sockets count as unauthenticated until a request on them presents the launch
 * token; beyond a small number of those, the oldest is dropped (a caller that has not
 * spoken yet is as cheap to refuse as it is to make). Header and request timeouts are
 * short and checked every second, and a hard connection cap backs it all.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionLimits {
  /** Hard cap on open sockets (Node refuses new ones beyond it). */
  maxConnections: number;
  /** Sockets without a token-bearing request kept before the oldest is dropped. */
  maxUnauthenticated: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
}

export const DEFAULT_LIMITS: ConnectionLimits = {
  maxConnections: 512,
  maxUnauthenticated: 64,
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
};

/** Options for http.createServer that make Node enforce the timeouts promptly. */
export function serverTimeouts(l: ConnectionLimits) {
  return {
    headersTimeout: l.headersTimeoutMs,
    requestTimeout: l.requestTimeoutMs,
    keepAliveTimeout: l.keepAliveTimeoutMs,
    connectionsCheckingInterval: 1_000,
  };
}

export interface ConnectionGovernor {
  /** A request on this socket carried the token: it is never dropped for being idle-new. */
  trust(socket: Socket): void;
  /** Sockets currently counted as unauthenticated. */
  readonly unauthenticated: number;
}

export function governConnections(server: Server, l: ConnectionLimits): ConnectionGovernor {
  server.maxConnections = l.maxConnections;
  // Insertion order is arrival order, so the first entry is the oldest.
  const waiting = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    waiting.add(socket);
    socket.once('close', () => waiting.delete(socket));
    while (waiting.size > l.maxUnauthenticated) {
      const oldest = waiting.values().next().value as Socket;
      waiting.delete(oldest);
      oldest.destroy();
    }
  });
  return {
    trust: (socket) => void waiting.delete(socket),
    get unauthenticated() {
      return waiting.size;
    },
  };
}
