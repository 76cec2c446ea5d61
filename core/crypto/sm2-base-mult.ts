/**
 * k·G for SM2 signing, encryption and key derivation: a fixed-window comb over 32 byte
 * windows with a table of v·2^(8j)·G (v = 1..255, affine, built once per process on first
 * use: 8,160 points, ~1 MB), one mixed Jacobian addition per window. It keeps the shape of
 * noble's constant-time multiply: every window does one addition, into a decoy accumulator
 * when its digit is 0, and the accumulators start from a fixed point Q0 (subtracted at the
 * end) so no addition starts from infinity. Like noble, it is constant-time in its sequence
 * of operations, not in BigInt's own timing or table addressing. Checked against noble's
 * multiply (test/crypto/sm2-base-mult.test.ts) and by the GM/T worked examples.
 */
import { invert } from '@noble/curves/abstract/modular';
import { jacobianArithmetic, type Affine, type Jac } from './sm2-jacobian.ts';

const WINDOWS = 32;
const ENTRIES = 255;

export interface BaseMultiplier {
  /** k·G in affine coordinates for 1 ≤ k < n. */
  multiply(k: bigint): Affine;
}

export function baseMultiplier(G: Affine, p: bigint): BaseMultiplier {
  const { dbl, madd, toAffineAll } = jacobianArithmetic(p);
  let table: Affine[] | undefined;
  let q0: Affine | undefined;

  function build(): Affine[] {
    const all: Jac[] = [];
    let base: Jac = { X: G.x, Y: G.y, Z: 1n };
    for (let j = 0; j < WINDOWS; j++) {
      const baseAffine = toAffineAll([base])[0]!;
      let cur = base;
      all.push(cur);
      for (let v = 2; v <= ENTRIES; v++) all.push((cur = madd(cur, baseAffine, false)));
      for (let b = 0; b < 8; b++) base = dbl(base);
    }
    // Q0 = 2^256·G, a fixed point no window entry equals.
    const flat = toAffineAll([...all, base]);
    q0 = flat.pop()!;
    return flat;
  }

  return {
    multiply(k) {
      table ??= build();
      const start = q0!;
      let acc: Jac = { X: start.x, Y: start.y, Z: 1n };
      let decoy: Jac = acc;
      const hex = k.toString(16).padStart(64, '0');
      for (let j = 0; j < WINDOWS; j++) {
        const v = parseInt(hex.slice(62 - 2 * j, 64 - 2 * j), 16);
        if (v !== 0) acc = madd(acc, table[j * ENTRIES + v - 1]!, false);
        else decoy = madd(decoy, table[j * ENTRIES]!, false);
      }
      const sum = madd(acc, start, true);
      const zi = invert(sum.Z, p);
      const zi2 = (zi * zi) % p;
      return { x: (sum.X * zi2) % p, y: (((sum.Y * zi2) % p) * zi) % p };
    },
  };
}
