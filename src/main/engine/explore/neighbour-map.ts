// Neighbour maps of a model's encodings: UMAP (McInnes, Healy & Melville 2018, via umap-js) and
// t-SNE (van der Maaten & Hinton 2008, via @keckelt/tsne), fitted a slice of iterations at a time
// so their host stays responsive, and their inverse: a point of the map back to a latent, so a
// probe on the map can be decoded. Both keep near latents near and say little about far ones,
// so one inverse (local interpolation among map neighbours) serves both.
import { TSNE } from '@keckelt/tsne';
import { UMAP } from 'umap-js';
import { METHOD_NAMES, TSNE_MAX_POINTS, type NeighbourMethod } from '../../../shared/neighbour-map';
import { UserError } from '../errors';
import { makeRng } from '../random';

/** Iterations between yields to the event loop (and progress reports): one t-SNE iteration is O(n²), about 0.4 s at 1,000 points on the loaded 2-core VM (BENCHMARKS.md), so one at a time. */
const SLICE: Record<NeighbourMethod, number> = { umap: 10, tsne: 1 };

/** t-SNE iterations (the library's schedule: early exaggeration ×4 for the first 100, momentum 0.5 until 250, then 0.8). */
const TSNE_ITERATIONS = 500;

export interface NeighbourMapOptions {
  /** Seeds the neighbour search and the layout: the same seed and points give the same map. */
  seed: number;
  /** UMAP's neighbourhood size (15, its default); t-SNE's perplexity is min(30, (n − 1) / 3). */
  nNeighbors?: number;
  /** Called after every slice of iterations with the iterations done and their total. */
  onProgress?: (epoch: number, epochs: number) => void;
  /** Aborting stops the fit at the next slice with a UserError (code 'conflict'). */
  signal?: AbortSignal;
}

/** One fit in progress: its total iterations, one more iteration, and the map so far. */
interface Stepper {
  epochs: number;
  step(): void;
  embedding(): number[][];
}

function umapStepper(points: number[][], { seed, nNeighbors = 15 }: NeighbourMapOptions): Stepper {
  const umap = new UMAP({ nComponents: 2, nNeighbors: Math.min(nNeighbors, points.length - 1), random: makeRng(`umap-${seed}`) });
  return { epochs: umap.initializeFit(points), step: () => umap.step(), embedding: () => umap.getEmbedding() };
}

/** A standard normal draw from a uniform generator (Box–Muller). */
function normalFrom(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

function tsneStepper(points: number[][], { seed }: NeighbourMapOptions): Stepper {
  if (points.length > TSNE_MAX_POINTS) throw new UserError(`a t-SNE map takes at most ${TSNE_MAX_POINTS.toLocaleString('en')} points (its exact fit grows as n²), got ${points.length.toLocaleString('en')}: ask for fewer`);
  // The library draws its initial layout from Math.random through gaussRandom: seeded here instead.
  const rng = makeRng(`tsne-${seed}`);
  const tsne = new TSNE({ dim: 2, perplexity: Math.min(30, (points.length - 1) / 3), epsilon: 10 });
  tsne.gaussRandom = () => normalFrom(rng);
  tsne.initDataRaw(points);
  return { epochs: TSNE_ITERATIONS, step: () => void tsne.step(), embedding: () => (tsne.getSolution() as number[][]).map((p) => [p[0]!, p[1]!]) };
}

/**
 * A 2-D `method` map of `points` ([n][latent], n ≥ 2): one [x, y] per point, in map units.
 * Seeded; yields to the event loop every slice of iterations, reporting progress; a UserError
 * when cancelled through `signal`, given fewer than two points, or (t-SNE) more than TSNE_MAX_POINTS.
 */
export async function fitNeighbourMap(method: NeighbourMethod, points: number[][], options: NeighbourMapOptions): Promise<number[][]> {
  const name = METHOD_NAMES[method];
  if (points.length < 2) throw new UserError(`a ${name} map needs at least two points, got ${points.length}`);
  const fit = method === 'umap' ? umapStepper(points, options) : tsneStepper(points, options);
  for (let epoch = 0; epoch < fit.epochs; ) {
    if (options.signal?.aborted) throw new UserError(`the ${name} map was cancelled`, 'conflict');
    for (const end = Math.min(fit.epochs, epoch + SLICE[method]); epoch < end; epoch++) fit.step();
    options.onProgress?.(epoch, fit.epochs);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return fit.embedding();
}

/** Neighbours the inverse map averages, and the forward estimate averages in latent space. */
const INVERSE_NEIGHBOURS = 8;
/** Refinement steps toward the probe's point (each kept only if it brings the latent's map point nearer). */
const REFINE_STEPS = 3;

/** The `k` rows of `rows` nearest to `q` (Euclidean), nearest first, with squared distances. */
function nearestRows(rows: number[][], q: ArrayLike<number>, k: number): { i: number; d2: number }[] {
  const best: { i: number; d2: number }[] = [];
  rows.forEach((row, i) => {
    let d2 = 0;
    for (let d = 0; d < row.length; d++) d2 += (row[d]! - q[d]!) ** 2;
    if (best.length === k && d2 >= best[k - 1]!.d2) return;
    // After rows at the same distance: ties keep the rows' order.
    const at = best.findIndex((b) => b.d2 > d2);
    best.splice(at === -1 ? best.length : at, 0, { i, d2 });
    if (best.length > k) best.pop();
  });
  return best;
}

/** Σ w_i·rows[i] / Σ w_i with w = 1/d² over `neighbours`; the row itself when one lies at distance 0. */
function inverseDistanceMean(rows: number[][], neighbours: { i: number; d2: number }[]): number[] {
  const exact = neighbours.find((n) => n.d2 === 0);
  if (exact) return rows[exact.i]!.slice();
  const total = neighbours.reduce((sum, n) => sum + 1 / n.d2, 0);
  const out = new Array<number>(rows[0]!.length).fill(0);
  for (const n of neighbours) for (let d = 0; d < out.length; d++) out[d]! += rows[n.i]![d]! / n.d2 / total;
  return out;
}

/**
 * The local linear map from map offsets to latent offsets around `neighbours` (weights 1/d²): J
 * [latent][2] minimising Σ w_i ‖(l_i − l̄) − J (e_i − ē)‖². Null when the neighbours' map points
 * are collinear (no 2-D fit).
 */
function localJacobian(embedding: number[][], latents: number[][], neighbours: { i: number; d2: number }[]): number[][] | null {
  const w = neighbours.map((n) => 1 / Math.max(n.d2, 1e-12));
  const total = w.reduce((a, b) => a + b, 0);
  const eBar = [0, 1].map((k) => neighbours.reduce((s, n, j) => s + w[j]! * embedding[n.i]![k]!, 0) / total);
  const dims = latents[0]!.length;
  const lBar = Array.from({ length: dims }, (_, d) => neighbours.reduce((s, n, j) => s + w[j]! * latents[n.i]![d]!, 0) / total);
  // Weighted covariance of the map offsets (2×2) and cross-covariance latent × map (dims×2).
  let [a, b, c] = [0, 0, 0];
  const cross = Array.from({ length: dims }, () => [0, 0]);
  neighbours.forEach((n, j) => {
    const [du, dv] = [embedding[n.i]![0]! - eBar[0]!, embedding[n.i]![1]! - eBar[1]!];
    [a, b, c] = [a + w[j]! * du * du, b + w[j]! * du * dv, c + w[j]! * dv * dv];
    for (let d = 0; d < dims; d++) {
      const dl = latents[n.i]![d]! - lBar[d]!;
      cross[d]![0]! += w[j]! * dl * du;
      cross[d]![1]! += w[j]! * dl * dv;
    }
  });
  const det = a * c - b * b;
  if (!(Math.abs(det) > 1e-12 * Math.max(1, a * c))) return null;
  return cross.map(([x, y]) => [(x! * c - y! * b) / det, (y! * a - x! * b) / det]);
}

/**
 * The inverse map: a point `probe` [x, y] of a neighbour map (UMAP or t-SNE) → a latent [latent]. First the
 * INVERSE_NEIGHBOURS samples projected nearest to the probe are averaged in latent space with
 * weights 1/d² (d: their distance to the probe in the map), so the probe on a sample's own
 * projected point returns that sample's latent exactly and moves smoothly between samples. Then,
 * unless `refine` is false, that latent is refined toward the plane: its own map point is estimated
 * the same way in the other direction (the 1/d²-weighted map points of its INVERSE_NEIGHBOURS nearest
 * latents), and up to REFINE_STEPS Gauss–Newton steps z ← z + J (probe − f(z)) move it, J being the
 * local linear map from map to latent offsets fitted (weighted least squares) to the probe's map
 * neighbours; a step is kept only when it brings f(z) nearer the probe. Neither map has an exact inverse;
 * this is local interpolation corrected so that the latent maps back near where the probe is.
 * `embedding` [n][2] and `latents` [n][latent] are the same samples in the same order. Also returns
 * the nearest sample's index (in the map) and the latent distance from the result to that sample's
 * latent (how far off the data the decoded latent lies), and `mapResidual`: ‖probe − f(z)‖ in map units.
 */
export function inverseNeighbourMap(
  probe: [number, number],
  embedding: number[][],
  latents: number[][],
  { refine = true }: { refine?: boolean } = {}
): { z: number[]; nearest: number; latentDistance: number; mapResidual: number } {
  const inMap = nearestRows(embedding, probe, INVERSE_NEIGHBOURS);
  const nearest = inMap[0]!;
  const forward = (z: number[]) => inverseDistanceMean(embedding, nearestRows(latents, z, INVERSE_NEIGHBOURS));
  const residual = (z: number[]) => {
    const p = forward(z);
    return [probe[0] - p[0]!, probe[1] - p[1]!];
  };
  let z = inverseDistanceMean(latents, inMap);
  let r = residual(z);
  const jacobian = refine && nearest.d2 > 0 ? localJacobian(embedding, latents, inMap) : null;
  for (let step = 0; jacobian && step < REFINE_STEPS; step++) {
    const candidate = z.map((v, d) => v + jacobian[d]![0]! * r[0]! + jacobian[d]![1]! * r[1]!);
    const next = residual(candidate);
    if (Math.hypot(next[0]!, next[1]!) >= Math.hypot(r[0]!, r[1]!)) break;
    [z, r] = [candidate, next];
  }
  const latentDistance = Math.hypot(...z.map((v, d) => v - latents[nearest.i]![d]!));
  return { z, nearest: nearest.i, latentDistance, mapResidual: Math.hypot(r[0]!, r[1]!) };
}
