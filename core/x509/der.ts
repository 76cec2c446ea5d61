/**
 * PEM armour (RFC 7468), raw DER TLV slicing (X.690) and the one place where parser
 * failures become typed errors. Signatures are checked over the bytes exactly as they
 * arrived, so the to-be-signed part is sliced from the input, never re-encoded.
 */
import { KwError } from '../api/errors.ts';
import type { ErrorCode } from '../api/errors.ts';

export interface PemBlock {
  label: string;
  der: Uint8Array;
}

const PEM_RE = /-----BEGIN ([A-Z0-9 #]+)-----([\s\S]*?)-----END \1-----/g;
const B64_BODY_RE = /^[A-Za-z0-9+/=\s]*$/;

/** True when the bytes look like PEM text rather than DER (DER always starts with a tag byte 0x30 here). */
export function looksLikePem(input: Uint8Array | string): boolean {
  if (typeof input === 'string') return input.includes('-----BEGIN ');
  const head = Buffer.from(input.subarray(0, Math.min(input.length, 4096))).toString('latin1');
  return head.includes('-----BEGIN ');
}

/** Every PEM block in the text, in order. Headers (RFC 1421 Proc-Type) are refused. */
export function pemDecodeAll(text: string, code: ErrorCode = 'CertificateInvalid'): PemBlock[] {
  const out: PemBlock[] = [];
  for (const m of text.matchAll(PEM_RE)) {
    const label = m[1] ?? '';
    const body = m[2] ?? '';
    if (body.includes(':') || !B64_BODY_RE.test(body)) throw new KwError(code, `PEM block '${label}' is not plain base64`);
    const compact = body.replace(/\s+/g, '');
    if (compact.length === 0 || compact.length % 4 !== 0) throw new KwError(code, `PEM block '${label}' has a truncated body`);
    out.push({ label, der: new Uint8Array(Buffer.from(compact, 'base64')) });
  }
  return out;
}

export function pemEncode(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

export function toText(input: Uint8Array | string): string {
  return typeof input === 'string' ? input : Buffer.from(input).toString('latin1');
}

/** One DER element: where it starts, its tag, and where its contents lie. */
export interface Tlv {
  tag: number;
  start: number;
  headerLength: number;
  length: number;
  end: number;
}

/** Reads one definite-length TLV at `pos`; refuses indefinite lengths and overruns. */
export function readTlv(buf: Uint8Array, pos: number, limit = buf.length): Tlv {
  if (pos + 2 > limit) throw new Error('truncated TLV header');
  const tag = buf[pos]!;
  if ((tag & 0x1f) === 0x1f) throw new Error('high tag numbers are not used here');
  let len = buf[pos + 1]!;
  let header = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error('unsupported length form');
    if (pos + 2 + n > limit) throw new Error('truncated length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[pos + 2 + i]!;
    header += n;
  }
  const end = pos + header + len;
  if (end > limit) throw new Error('TLV overruns its container');
  return { tag, start: pos, headerLength: header, length: len, end };
}

/** The child elements of a constructed element. */
export function children(buf: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let p = parent.start + parent.headerLength;
  while (p < parent.end) {
    const t = readTlv(buf, p, parent.end);
    out.push(t);
    p = t.end;
  }
  return out;
}

/**
 * For SIGNED{...} structures (Certificate, CertificationRequest): the raw first element
 * (what was signed), and the whole outer element's length so trailing garbage is refused.
 */
export function splitSigned(der: Uint8Array): { tbs: Uint8Array; outerEnd: number } {
  const outer = readTlv(der, 0);
  if (outer.tag !== 0x30) throw new Error('not a SEQUENCE');
  if (outer.end !== der.length) throw new Error('trailing bytes after the structure');
  const parts = children(der, outer);
  if (parts.length !== 3 || parts[0]!.tag !== 0x30) throw new Error('not a signed structure');
  return { tbs: der.subarray(parts[0]!.start, parts[0]!.end), outerEnd: outer.end };
}

/** Runs a parser; anything it throws that is not already a KwError becomes `code`. */
export function guard<T>(code: ErrorCode, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof KwError) throw e;
    throw new KwError(code, `${what} could not be parsed`);
  }
}

export function toHex(b: Uint8Array | ArrayBuffer): string {
  return Buffer.from(b instanceof ArrayBuffer ? new Uint8Array(b) : b).toString('hex');
}

export function bytes(b: ArrayBuffer | Uint8Array): Uint8Array {
  return b instanceof Uint8Array ? b : new Uint8Array(b);
}

/** A fresh ArrayBuffer holding exactly these bytes (asn1-schema wants ArrayBuffer, not views). */
export function ab(b: Uint8Array): ArrayBuffer {
  const out = new ArrayBuffer(b.length);
  new Uint8Array(out).set(b);
  return out;
}

/** Contents of a TLV (without its header). */
export const contentOf = (buf: Uint8Array, t: Tlv): Uint8Array => buf.subarray(t.start + t.headerLength, t.end);
