// A UMAP map of a model's encodings (McInnes, Healy & Melville 2018, via umap-js), fitted a few
// epochs at a time so its host stays responsive, and its inverse: a point of the map back to a
// latent, so a probe on the map can be decoded.
import { UMAP } from 'umap-js';
import { UserError } from '../errors';
import { makeRng } from '../random';

/** Optimisation epochs between yields to the event loop (and progress reports). */
const EPOCHS_PER_SLICE = 10;

export interface UmapOptions {
  /** Seeds the neighbour search and the layout: the same seed and points give the same map. */
  seed: number;
  /** UMAP's neighbourhood size (15, its default). */
  nNeighbors?: number;
  /** Called after every slice of epochs with the epochs done and their total. */
  onProgress?: (epoch: number, epochs: number) => void;
  /** Aborting stops the fit at the next slice with a UserError (code 'conflict'). */
  signal?: AbortSignal;
}

/**
 * A 2-D UMAP embedding of `points` ([n][latent], n ≥ 2): one [x, y] per point, in map units.
 * Seeded; yields to the event loop every EPOCHS_PER_SLICE epochs, reporting progress; a UserError
 * when cancelled through `signal` or given fewer than two points.
 */
export async function fitUmap(points: number[][], options: UmapOptions): Promise<number[][]> {
  if (points.length < 2) throw new UserError(`a UMAP map needs at least two points, got ${points.length}`);
  const umap = new UMAP({ nComponents: 2, nNeighbors: Math.min(options.nNeighbors ?? 15, points.length - 1), random: makeRng(`umap-${options.seed}`) });
  const epochs = umap.initializeFit(points);
  for (let epoch = 0; epoch < epochs; ) {
    if (options.signal?.aborted) throw new UserError('the UMAP map was cancelled', 'conflict');
    for (const end = Math.min(epochs, epoch + EPOCHS_PER_SLICE); epoch < end; epoch++) umap.step();
    options.onProgress?.(epoch, epochs);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return umap.getEmbedding();
}

/** Neighbours the inverse map averages. */
const INVERSE_NEIGHBOURS = 8;

/**
 * The inverse map: a point `probe` [x, y] of the UMAP plane → a latent [latent]. The
 * INVERSE_NEIGHBOURS samples projected nearest to the probe are averaged in latent space with
 * weights 1/d² (d: their distance to the probe in the map), so the probe on a sample's own
 * projected point returns that sample's latent exactly and moves smoothly between samples.
 * `embedding` [n][2] and `latents` [n][latent] are the same samples in the same order. Also returns
 * the nearest sample's index and the latent distance from the result to it (how far off the data
 * the decoded latent lies). UMAP has no exact inverse; this one is local interpolation.
 */
export function inverseUmap(probe: [number, number], embedding: number[][], latents: number[][]): { z: number[]; nearest: number; latentDistance: number } {
  const byDistance = embedding.map((p, i) => ({ i, d2: (p[0]! - probe[0]) ** 2 + (p[1]! - probe[1]) ** 2 })).sort((a, b) => a.d2 - b.d2);
  const nearest = byDistance[0]!;
  const dims = latents[0]!.length;
  let z: number[];
  if (nearest.d2 === 0) z = latents[nearest.i]!.slice();
  else {
    const neighbours = byDistance.slice(0, INVERSE_NEIGHBOURS);
    const total = neighbours.reduce((s, n) => s + 1 / n.d2, 0);
    z = new Array<number>(dims).fill(0);
    for (const n of neighbours) for (let d = 0; d < dims; d++) z[d]! += (latents[n.i]![d]! / n.d2) / total;
  }
  const latentDistance = Math.hypot(...z.map((v, d) => v - latents[nearest.i]![d]!));
  return { z, nearest: nearest.i, latentDistance };
}
