// A 2-D view of a d-dimensional latent space: plane coordinates (u, v) of a point z are
// ((z − origin)·axisU, (z − origin)·axisV) with orthonormal axes. For a 2-D latent the plane is the
// space itself, so every view works the same whatever the latent width.
import type { Result } from '../../../shared/contract';

export interface LatentPlane {
  dims: number;
  origin: number[];
  axisU: number[];
  axisV: number[];
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>, offset = 0) => {
  let s = 0;
  for (let i = 0; i < b.length; i++) s += a[offset + i]! * b[i]!;
  return s;
};

function unit(v: number[]): number[] {
  const n = Math.hypot(...v);
  return n > 1e-12 ? v.map((x) => x / n) : v.map(() => 0);
}

export function identityPlane(): LatentPlane {
  return { dims: 2, origin: [0, 0], axisU: [1, 0], axisV: [0, 1] };
}

/** The plane of latent dimensions i (u) and j (v) of a `dims`-wide latent: plane coordinates (z_i, z_j). */
export function axisPlane(dims: number, i: number, j: number): LatentPlane {
  const basis = (d: number) => Array.from({ length: dims }, (_, k) => (k === d ? 1 : 0));
  return { dims, origin: new Array<number>(dims).fill(0), axisU: basis(i), axisV: basis(j) };
}

/** The plane of the encodings' two main axes through their mean (the second made exactly orthogonal to the first). */
export function planeFromPca({ mean, axes }: Result<'model.pca'>): LatentPlane {
  const axisU = unit(axes[0]!);
  const along = dot(axes[1]!, axisU);
  const axisV = unit(axes[1]!.map((x, i) => x - along * axisU[i]!));
  return { dims: mean.length, origin: mean, axisU, axisV };
}

export function project(plane: LatentPlane, z: ArrayLike<number>, offset = 0): [number, number] {
  let u = 0;
  let v = 0;
  for (let i = 0; i < plane.dims; i++) {
    const c = z[offset + i]! - plane.origin[i]!;
    u += c * plane.axisU[i]!;
    v += c * plane.axisV[i]!;
  }
  return [u, v];
}

/** Plane coordinates of `count` points stored row-major, `dims` values each. */
export function projectAll(plane: LatentPlane, points: ArrayLike<number>, count: number): Float32Array {
  const out = new Float32Array(count * 2);
  for (let p = 0; p < count; p++) {
    const [u, v] = project(plane, points, p * plane.dims);
    out[p * 2] = u;
    out[p * 2 + 1] = v;
  }
  return out;
}

/** z moved within the plane through it to plane coordinates (u, v); its components off the plane stay. */
export function moveTo(plane: LatentPlane, z: number[], u: number, v: number): number[] {
  const [u0, v0] = project(plane, z);
  return z.map((x, i) => x + (u - u0) * plane.axisU[i]! + (v - v0) * plane.axisV[i]!);
}

/** The plane through z as model.grid wants it: base + u·axisU + v·axisV has plane coordinates (u, v). */
export function gridPlaneThrough(plane: LatentPlane, z: number[]): { base: number[]; axisU: number[]; axisV: number[] } {
  return { base: moveTo(plane, z, 0, 0), axisU: plane.axisU, axisV: plane.axisV };
}

/**
 * Where a 2-D latent's probe starts instead of the prior's mean (0, 0) when that lies outside the
 * encodings' extent: their mean, so a model whose codes sit away from the origin (early in training,
 * or an AE) opens with the probe on the map, not clipped at its edge; null when (0, 0) is inside.
 * `points`: count × 2 values.
 */
export function probeOffOrigin(points: ArrayLike<number>, count: number): number[] | null {
  if (count === 0) return null;
  const low = [Infinity, Infinity];
  const high = [-Infinity, -Infinity];
  const sum = [0, 0];
  for (let i = 0; i < count; i++) {
    for (const d of [0, 1]) {
      const x = points[i * 2 + d]!;
      low[d] = Math.min(low[d]!, x);
      high[d] = Math.max(high[d]!, x);
      sum[d] += x;
    }
  }
  const originInside = [0, 1].every((d) => low[d]! <= 0 && 0 <= high[d]!);
  return originInside ? null : sum.map((s) => s / count);
}
