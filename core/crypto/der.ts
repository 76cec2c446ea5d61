/**
 * Minimal strict DER (X.690) for the few fixed structures this layer owns: EC PKCS#8 /
 * SPKI keys and GM/T 0009 SM2 ciphertexts. The reader rejects BER (indefinite or
 * non-minimal lengths, non-minimal integers) and trailing bytes; it throws a plain
 * DerError that callers turn into the right KwError.
 */
export class DerError extends Error {
  override readonly name = 'DerError';
}

export const TAG = { INTEGER: 0x02, BIT_STRING: 0x03, OCTET_STRING: 0x04, NULL: 0x05, OID: 0x06, SEQUENCE: 0x30 } as const;

function encodeLength(len: number): Uint8Array {
  if (len < 0x80) return Uint8Array.of(len);
  const bytes: number[] = [];
  for (let v = len; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

export function tlv(tag: number, content: Uint8Array): Uint8Array {
  const len = encodeLength(content.length);
  const out = new Uint8Array(1 + len.length + content.length);
  out[0] = tag;
  out.set(len, 1);
  out.set(content, 1 + len.length);
  return out;
}

function cat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export const seq = (...items: Uint8Array[]): Uint8Array => tlv(TAG.SEQUENCE, cat(items));
export const octetString = (b: Uint8Array): Uint8Array => tlv(TAG.OCTET_STRING, b);
export const bitString = (b: Uint8Array): Uint8Array => tlv(TAG.BIT_STRING, cat([Uint8Array.of(0), b]));
/** Context-specific constructed [n] EXPLICIT. */
export const explicit = (n: number, inner: Uint8Array): Uint8Array => tlv(0xa0 | n, inner);

/** Unsigned integer from big-endian magnitude bytes (leading zeros trimmed, sign byte added). */
export function uint(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  let body = magnitude.subarray(i);
  if (body.length === 0) body = Uint8Array.of(0);
  if (body[0]! & 0x80) body = cat([Uint8Array.of(0), body]);
  return tlv(TAG.INTEGER, body);
}

export function smallInt(v: number): Uint8Array {
  return uint(Uint8Array.of(v));
}

export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((a) => BigInt(a));
  if (arcs.length < 2) throw new DerError('bad OID');
  const out: number[] = [];
  const put = (v: bigint): void => {
    const chunk: number[] = [Number(v & 0x7fn)];
    for (v >>= 7n; v > 0n; v >>= 7n) chunk.unshift(Number(v & 0x7fn) | 0x80);
    out.push(...chunk);
  };
  put(arcs[0]! * 40n + arcs[1]!);
  for (const a of arcs.slice(2)) put(a);
  return tlv(TAG.OID, Uint8Array.from(out));
}

export function oidToString(content: Uint8Array): string {
  const arcs: bigint[] = [];
  let v = 0n;
  for (let i = 0; i < content.length; i++) {
    const b = content[i]!;
    if (v === 0n && b === 0x80) throw new DerError('non-minimal OID arc');
    v = (v << 7n) | BigInt(b & 0x7f);
    if (!(b & 0x80)) {
      arcs.push(v);
      v = 0n;
    }
  }
  if (content.length === 0 || content[content.length - 1]! & 0x80) throw new DerError('truncated OID');
  const first = arcs.shift()!;
  const a0 = first < 80n ? first / 40n : 2n;
  return [a0, first - a0 * 40n, ...arcs].join('.');
}

/** Sequential reader over one level of DER. */
export class DerReader {
  private pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos === this.buf.length;
  }

  peekTag(): number | undefined {
    return this.buf[this.pos];
  }

  /** Reads one element with the expected tag and returns its content bytes. */
  read(tag: number): Uint8Array {
    const b = this.buf;
    if (b[this.pos] !== tag) throw new DerError(`expected tag 0x${tag.toString(16)}`);
    let p = this.pos + 1;
    const first = b[p++];
    if (first === undefined) throw new DerError('truncated length');
    let len: number;
    if (first < 0x80) len = first;
    else {
      const n = first & 0x7f;
      if (n === 0 || n > 4) throw new DerError('unsupported length form');
      len = 0;
      for (let i = 0; i < n; i++) {
        const x = b[p++];
        if (x === undefined) throw new DerError('truncated length');
        if (i === 0 && x === 0) throw new DerError('non-minimal length');
        len = len * 256 + x;
      }
      if (len < 0x80) throw new DerError('non-minimal length');
    }
    if (p + len > b.length) throw new DerError('truncated content');
    this.pos = p + len;
    return b.subarray(p, p + len);
  }

  /** Reads a non-negative INTEGER and returns its magnitude without the sign byte. */
  readUint(): Uint8Array {
    const c = this.read(TAG.INTEGER);
    if (c.length === 0) throw new DerError('empty integer');
    if (c[0]! & 0x80) throw new DerError('negative integer');
    if (c.length > 1 && c[0] === 0 && !(c[1]! & 0x80)) throw new DerError('non-minimal integer');
    return c[0] === 0 && c.length > 1 ? c.subarray(1) : c;
  }

  readSeq(): DerReader {
    return new DerReader(this.read(TAG.SEQUENCE));
  }

  readOid(): string {
    return oidToString(this.read(TAG.OID));
  }

  readBitStringBytes(): Uint8Array {
    const c = this.read(TAG.BIT_STRING);
    if (c[0] !== 0) throw new DerError('bit string with unused bits');
    return c.subarray(1);
  }

  end(): void {
    if (!this.done) throw new DerError('trailing data');
  }
}
