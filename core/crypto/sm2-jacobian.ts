/**
 * Jacobian-coordinate point formulas on BigInt field arithmetic for short Weierstrass
 * curves with a = -3 (sm2p256v1): doubling (dbl-2001-b, 3M + 5S), addition (add-2007-bl),
 * mixed addition with an affine point (madd-2007-bl, 7M + 4S) and batch conversion to
 * affine with one inversion. Exceptional inputs (equal or opposite points, infinity) are
 * handled, so results are always right; such branches are taken only for inputs with
 * negligible probability in the multiplications that use these formulas.
 */
import { invert } from '@noble/curves/abstract/modular';

export type Affine = { x: bigint; y: bigint };
export type Jac = { X: bigint; Y: bigint; Z: bigint };

export const INFINITY: Jac = { X: 1n, Y: 1n, Z: 0n };

export interface JacobianArithmetic {
  dbl(q: Jac): Jac;
  add(q: Jac, o: Jac): Jac;
  madd(q: Jac, a: Affine, negate: boolean): Jac;
  toAffineAll(pts: Jac[]): Affine[];
}

export function jacobianArithmetic(p: bigint): JacobianArithmetic {
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

  return { dbl, add, madd, toAffineAll };
}
