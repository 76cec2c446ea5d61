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
import type { ProjConstructor, ProjPointType } from '@noble/curves/abstract/weierstrass';
import { INFINITY, jacobianArithmetic, type Affine, type Jac } from './sm2-jacobian.ts';

/** Digits d[from .. from+len) applied to a table of odd multiples of one base. */
type Term = { digits: Int16Array; from: number; len: number; table: Affine[] };

const PIECES = 4;
const PIECE_BITS = 65;
const G_WINDOW = 8;
const P_WINDOW = 5;
const KEY_CACHE_SIZE = 256;

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
  const { dbl, add, madd, toAffineAll } = jacobianArithmetic(p);

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
