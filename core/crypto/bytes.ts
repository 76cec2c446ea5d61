/**
 * Byte helpers shared by both suites: input checks (so every public entry point fails
 * with a typed error before touching a library), wiping, and a constant-time compare.
 */
import { KwError } from '../api/errors.ts';

/** Throws KwError('InvalidParameter') unless x is a Uint8Array (of exactly `len` bytes, if given). */
export function abytes(x: unknown, len: number | undefined, name: string): Uint8Array {
  if (!(x instanceof Uint8Array)) throw new KwError('InvalidParameter', `${name} must be bytes`);
  if (len !== undefined && x.length !== len) {
    throw new KwError('InvalidParameter', `${name} must be ${len} bytes`, { expected: len, actual: x.length });
  }
  return x;
}

/** Like abytes, but accepts any of several lengths. */
export function abytesOneOf(x: unknown, lens: readonly number[], name: string): Uint8Array {
  const b = abytes(x, undefined, name);
  if (!lens.includes(b.length)) {
    throw new KwError('InvalidParameter', `${name} must be one of ${lens.join('/')} bytes`, { actual: b.length });
  }
  return b;
}

/** Zeroes every buffer given; tolerates undefined so callers can wipe in finally blocks. */
export function wipe(...bufs: (Uint8Array | undefined | null)[]): void {
  for (const b of bufs) if (b) b.fill(0);
}

/** Constant-time equality for equal lengths; the length itself is not secret. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** A fresh, aligned Uint8Array copy (node Buffers may share a pool and be unaligned). */
export function copyBytes(x: Uint8Array): Uint8Array {
  return new Uint8Array(x);
}

/** Views a node Buffer (or any Uint8Array) as a plain Uint8Array without copying. */
export function asU8(x: Uint8Array): Uint8Array {
  return x.constructor === Uint8Array ? x : new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
}

export function bytesToBigInt(b: Uint8Array): bigint {
  let hex = '';
  for (let i = 0; i < b.length; i++) hex += b[i]!.toString(16).padStart(2, '0');
  return hex.length === 0 ? 0n : BigInt('0x' + hex);
}

/** Big-endian, left-padded to len bytes; throws if the value does not fit. */
export function bigIntToBytes(v: bigint, len: number): Uint8Array {
  if (v < 0n) throw new KwError('InternalError', 'negative integer');
  const hex = v.toString(16).padStart(len * 2, '0');
  if (hex.length > len * 2) throw new KwError('InternalError', 'integer too large');
  return hexToBytes(hex);
}

export function hexToBytes(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new KwError('InvalidParameter', 'hex must have an even number of hex digits');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function bytesToHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += b[i]!.toString(16).padStart(2, '0');
  return s;
}

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
