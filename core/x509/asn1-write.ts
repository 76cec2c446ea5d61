/** A minimal DER writer (X.690) for the structures this layer emits by hand: PKCS#12 and PKCS#8. */
import type { Tlv } from './der.ts';

function lengthBytes(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return Uint8Array.of(0x80 | out.length, ...out);
}

export function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(parts);
  return new Uint8Array(Buffer.concat([Uint8Array.of(tag), lengthBytes(body.length), body]));
}
export const seq = (...parts: Uint8Array[]) => tlv(0x30, ...parts);
export const set = (...parts: Uint8Array[]) => tlv(0x31, ...parts);
export const octets = (b: Uint8Array) => tlv(0x04, b);
export const explicit = (n: number, ...parts: Uint8Array[]) => tlv(0xa0 + n, ...parts);
export const NULL = Uint8Array.of(0x05, 0x00);

export function int(n: number): Uint8Array {
  const out: number[] = [];
  let v = n;
  do {
    out.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  if (out[0]! & 0x80) out.unshift(0);
  return tlv(0x02, Uint8Array.from(out));
}

export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const body: number[] = [arcs[0]! * 40 + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const chunk: number[] = [];
    let v = arc;
    do {
      chunk.unshift((v & 0x7f) | (chunk.length ? 0x80 : 0));
      v = Math.floor(v / 128);
    } while (v > 0);
    body.push(...chunk);
  }
  return tlv(0x06, Uint8Array.from(body));
}

export const bmpString = (s: string) => tlv(0x1e, Buffer.from(s, 'utf16le').swap16());

/** Contents of a TLV (without header). */
export const contentOf = (buf: Uint8Array, t: Tlv) => buf.subarray(t.start + t.headerLength, t.end);
