/**
 * The outside world as the core sees it. Tests inject their own clock (to move time
 * by months) and randomness; production uses the system's.
 */
import { randomBytes } from 'node:crypto';

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export interface Random {
  bytes(n: number): Buffer;
}

export const systemClock: Clock = { now: () => Date.now() };
/**
 * The system CSPRNG. Small requests (IVs, ids: at most 16 bytes) are served from a
 * 4 KiB block drawn from it at once, since one draw costs more than a small encrypt;
 * each block is zeroed as it is handed out. Key material is always drawn directly.
 */
const POOL_BYTES = 4096;
const POOLED_MAX = 16;
let pool = Buffer.alloc(0);
let poolOffset = 0;

export const systemRandom: Random = {
  bytes(n) {
    if (n > POOLED_MAX) return randomBytes(n);
    if (poolOffset + n > pool.length) {
      pool = randomBytes(POOL_BYTES);
      poolOffset = 0;
    }
    const out = Buffer.from(pool.subarray(poolOffset, poolOffset + n));
    pool.fill(0, poolOffset, poolOffset + n);
    poolOffset += n;
    return out;
  },
};

/** A clock tests can move forward. */
export class ManualClock implements Clock {
  constructor(private t: number = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
  set(t: number): void {
    this.t = t;
  }
}

/** A UUID (v4 layout) made from the injected randomness, so ids are reproducible in tests. */
export function uuidFrom(random: Random): string {
  const b = random.bytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function uuidToBytes(id: string): Buffer {
  return Buffer.from(id.replace(/-/g, ''), 'hex');
}

export function uuidFromBytes(b: Uint8Array): string {
  const h = Buffer.from(b).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
