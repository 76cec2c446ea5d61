/**
 * The joint multiplication behind SM2 verification, x(s·G + t·P), as one Straus/Shamir
 * pass: scalars in width-w NAF, one shared chain of doublings in Jacobian coordinates with
 * the a = -3 doubling of sm2p256v1, mixed additions from affine tables of odd multiples.
 * The scalars are cut into four 65-bit pieces over bases Q, 2^65·Q, 2^130·Q, 2^195·Q, so
 * the chain is 65 doublings long when every base has a table: G's are built once per
 * process; a public key's are built when it is verified against a second time and kept in
 * a small LRU (a KMS verifies under few keys, many times). A key seen once runs the
 * 257-doubling chain over one table of its odd multiples. The x coordinate is compared
 * without an inversion. Public inputs only: variable-time by design.
 */
import { invert } from '@noble/curves/abstract/modular';
import type { ProjConstructor, ProjPointType } from '@noble/curves/abstract/weierstrass';

type Affine = { x: bigint; y: bigint };
type Jac = { X: bigint; Y: bigint; Z: bigint };
/** Digits d[from .. from+len) applied to a table of odd multiples of one base. */
type Term = { digits: Int16Array; from: number; len: number; table: Affine[] };

const PIECES = 4;
const PIECE_BITS = 65;
const G_WINDOW = 8;
const P_WINDOW = 5;
const KEY_CACHE_SIZE = 256;
const INFINITY: Jac = { X: 1n, Y: 1n, Z: 0n };

/** Width-w NAF digits of k < 2^256, least significant first; nonzero digits are odd, |d| < 2^(w-1). */
function wnaf(k: bigint, w: number): Int16Array {
  const hex = k.toString(16).padStart(64, '0');
  const limbs = new Uint32Array(10);
  for (let i = 0; i < 8; i++) limbs[i] = parseInt(hex.slice(56 - 8 * i, 64 - 8 * i), 16);
  const bits = (from: number, n: number): number => {
    const lo = from >>> 5;
    const off = from & 31;
    let v = limbs[lo]! >>> off;
    if (off + n > 32) v |= limbs[lo + 1]! << (32 - off);
    return v & ((1 << n) - 1);
  };
  const out = new Int16Array(PIECES * PIECE_BITS);
  let carry = 0;
  for (let bit = 0; bit < 257; ) {
    if (bits(bit, 1) === carry) {
      bit++;
      continue;
    }
    let word = bits(bit, w) + carry;
    carry = (word >>> (w - 1)) & 1;
    word -= carry << w;
    out[bit] = word;
    bit += w;
  }
  return out;
}

export interface JointMultiplier {
  /** True when x(s·G + t·P) ≡ v (mod n); false also when the sum is the point at infinity. */
  xEqualsModN(s: bigint, t: bigint, P: ProjPointType<bigint>, v: bigint): boolean;
}

export function jointMultiplier(Point: ProjConstructor<bigint>, p: bigint, n: bigint): JointMultiplier {
  const md = (x: bigint): bigint => {
    const r = x % p;
    return r < 0n ? r + p : r;
  };

  /** dbl-2001-b for a = -3: 3M + 5S. */
  function dbl(q: Jac): Jac {
    const { X, Y, Z } = q;
    if (Z === 0n || Y === 0n) return INFINITY;
    const delta = (Z * Z) % p;
    const gamma = (Y * Y) % p;
    const beta = (X * gamma) % p;
    const alpha = md(3n * (X - delta) * (X + delta));
    const X3 = md(alpha * alpha - 8n * beta);
    const Z3 = md((Y + Z) * (Y + Z) - gamma - delta);
    const Y3 = md(alpha * (4n * beta - X3) - 8n * ((gamma * gamma) % p));
    return { X: X3, Y: Y3, Z: Z3 };
  }

  /** add-2007-bl, Jacobian + Jacobian: 11M + 5S; doubles when the points meet. */
  function add(q: Jac, o: Jac): Jac {
    if (q.Z === 0n) return o;
    if (o.Z === 0n) return q;
    const z1z1 = (q.Z * q.Z) % p;
    const z2z2 = (o.Z * o.Z) % p;
    const u1 = (q.X * z2z2) % p;
    const u2 = (o.X * z1z1) % p;
    const s1 = (((q.Y * o.Z) % p) * z2z2) % p;
    const s2 = (((o.Y * q.Z) % p) * z1z1) % p;
    const h = md(u2 - u1);
    const r = md(2n * (s2 - s1));
    if (h === 0n) return r === 0n ? dbl(q) : INFINITY;
    const i = md(4n * h * h);
    const j = (h * i) % p;
    const v = (u1 * i) % p;
    const X3 = md(r * r - j - 2n * v);
    const Y3 = md(r * (v - X3) - 2n * ((s1 * j) % p));
    const Z3 = (md((q.Z + o.Z) * (q.Z + o.Z) - z1z1 - z2z2) * h) % p;
    return { X: X3, Y: Y3, Z: Z3 };
  }

  /** madd-2007-bl, Jacobian + affine: 7M + 4S; doubles when the points meet. */
  function madd(q: Jac, a: Affine, negate: boolean): Jac {
    const y2 = negate ? p - a.y : a.y;
    if (q.Z === 0n) return { X: a.x, Y: y2, Z: 1n };
    const { X, Y, Z } = q;
    const zz = (Z * Z) % p;
    const u2 = (a.x * zz) % p;
    const s2 = (((y2 * Z) % p) * zz) % p;
    const h = md(u2 - X);
    const r = md(2n * (s2 - Y));
    if (h === 0n) return r === 0n ? dbl({ X: a.x, Y: y2, Z: 1n }) : INFINITY;
    const hh = (h * h) % p;
    const i = (4n * hh) % p;
    const j = (h * i) % p;
    const v = (X * i) % p;
    const X3 = md(r * r - j - 2n * v);
    const Y3 = md(r * (v - X3) - 2n * ((Y * j) % p));
    const Z3 = md((Z + h) * (Z + h) - zz - hh);
    return { X: X3, Y: Y3, Z: Z3 };
  }

  /** Jacobian points to affine with one inversion (Montgomery's trick); none may be infinity. */
  function toAffineAll(pts: Jac[]): Affine[] {
    const prefix: bigint[] = [];
    let acc = 1n;
    for (const q of pts) {
      prefix.push(acc);
      acc = (acc * q.Z) % p;
    }
    let inv = invert(acc, p);
    const out: Affine[] = new Array<Affine>(pts.length);
    for (let k = pts.length - 1; k >= 0; k--) {
      const q = pts[k]!;
      const zi = (inv * prefix[k]!) % p;
      inv = (inv * q.Z) % p;
      const zi2 = (zi * zi) % p;
      out[k] = { x: (q.X * zi2) % p, y: (((q.Y * zi2) % p) * zi) % p };
    }
    return out;
  }

  /** Odd multiples 1·B … (2^(w-1)-1)·B of each base, as affine tables. */
  function oddMultiples(bases: Jac[], w: number): Affine[][] {
    const count = 1 << (w - 2);
    const all: Jac[] = [];
    for (const b of bases) {
      const twice = dbl(b);
      let cur = b;
      all.push(cur);
      for (let k = 1; k < count; k++) all.push((cur = add(cur, twice)));
    }
    const flat = toAffineAll(all);
    return bases.map((_, j) => flat.slice(j * count, (j + 1) * count));
  }

  /** Tables for the bases Q, 2^65·Q, 2^130·Q, 2^195·Q. */
  function pieceTables(q: Affine, w: number): Affine[][] {
    const bases: Jac[] = [{ X: q.x, Y: q.y, Z: 1n }];
    for (let j = 1; j < PIECES; j++) {
      let b = bases[j - 1]!;
      for (let k = 0; k < PIECE_BITS; k++) b = dbl(b);
      bases.push(b);
    }
    return oddMultiples(bases, w);
  }

  function run(terms: Term[], len: number): Jac {
    let acc = INFINITY;
    for (let i = len - 1; i >= 0; i--) {
      acc = dbl(acc);
      for (const { digits, from, len: termLen, table } of terms) {
        if (i >= termLen) continue;
        const d = digits[from + i]!;
        if (d !== 0) acc = madd(acc, table[Math.abs(d) >> 1]!, d < 0);
      }
    }
    return acc;
  }

  const pieces = (digits: Int16Array, tables: Affine[][]): Term[] => tables.map((table, j) => ({ digits, from: j * PIECE_BITS, len: PIECE_BITS, table }));

  let gTables: Affine[][] | undefined;
  /** Public key (x as hex) → its piece tables, or null when seen once; Map order is LRU order. */
  const keys = new Map<string, Affine[][] | null>();

  function tablesFor(P: Affine): Affine[][] | undefined {
    const id = P.x.toString(16) + ':' + P.y.toString(16);
    const hit = keys.get(id);
    keys.delete(id);
    const tables = hit === undefined ? null : (hit ?? pieceTables(P, P_WINDOW));
    keys.set(id, tables);
    if (keys.size > KEY_CACHE_SIZE) keys.delete(keys.keys().next().value!);
    return tables ?? undefined;
  }

  return {
    xEqualsModN(s, t, P, v) {
      gTables ??= pieceTables(Point.BASE.toAffine(), G_WINDOW);
      const pa = P.toAffine();
      const ds = wnaf(s, G_WINDOW);
      const dt = wnaf(t, P_WINDOW);
      const cached = tablesFor(pa);
      const acc = cached
        ? run([...pieces(ds, gTables), ...pieces(dt, cached)], PIECE_BITS)
        : run([...pieces(ds, gTables), { digits: dt, from: 0, len: PIECES * PIECE_BITS, table: oddMultiples([{ X: pa.x, Y: pa.y, Z: 1n }], P_WINDOW)[0]! }], PIECES * PIECE_BITS);
      if (acc.Z === 0n) return false;
      // x = X/Z² ≡ v (mod n) with x < p: x is v or, when v + n < p, v + n.
      const zz = (acc.Z * acc.Z) % p;
      if ((v * zz) % p === acc.X) return true;
      return v + n < p && ((v + n) * zz) % p === acc.X;
    },
  };
}
