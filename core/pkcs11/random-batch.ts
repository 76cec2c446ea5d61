/**
 * Coalesces random-byte requests. generateRandom calls on one token that are issued
 * before the bridge's next flush become a single C_GenerateRandom of their total length
 * (at most MAX_RANDOM_REQUEST bytes per call); every caller gets its own copy of its own
 * slice, and the combined buffer is wiped. The bytes still come from the token's RNG
 * and are drawn after the calls were made; none is ever handed out twice or kept.
 * Parent side only: no pkcs11js here.
 */
import type { TokenSelector } from './protocol.ts';

/** The worker's limit for one C_GenerateRandom. */
export const MAX_RANDOM_REQUEST = 65536;

interface Part {
  length: number;
  resolve: (v: Uint8Array) => void;
  reject: (e: unknown) => void;
}

interface Group {
  token: TokenSelector;
  total: number;
  parts: Part[];
}

export type FetchRandom = (token: TokenSelector, length: number) => Promise<Uint8Array>;

export class RandomCoalescer {
  private groups = new Map<string, Group[]>();

  /** Queues one request; `length` was checked by the caller. */
  add(token: TokenSelector, key: string, length: number): Promise<Uint8Array> {
    return new Promise<Uint8Array>((resolve, reject) => {
      let list = this.groups.get(key);
      if (!list) this.groups.set(key, (list = []));
      let g = list[list.length - 1];
      if (!g || g.total + length > MAX_RANDOM_REQUEST) list.push((g = { token, total: 0, parts: [] }));
      g.total += length;
      g.parts.push({ length, resolve, reject });
    });
  }

  get empty(): boolean {
    return this.groups.size === 0;
  }

  /** Sends every queued group through `fetch` (one request each) and empties the queue. */
  emit(fetch: FetchRandom): void {
    const all = [...this.groups.values()].flat();
    this.groups.clear();
    for (const g of all) {
      fetch(g.token, g.total).then(
        (bytes) => {
          let at = 0;
          for (const p of g.parts) {
            p.resolve(new Uint8Array(bytes.subarray(at, at + p.length))); // a copy: Buffer#slice would share memory
            at += p.length;
          }
          bytes.fill(0);
        },
        (e: unknown) => {
          for (const p of g.parts) p.reject(e);
        },
      );
    }
  }
}
