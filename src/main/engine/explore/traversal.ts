// Latent traversals: one row per chosen latent dimension, the other dimensions held at a sample's
// code, so a row shows what that dimension alone does to the decoding.
import { UserError } from '../errors';
import type { Autoencoder } from '../models/autoencoder';
import { decodePoints } from './explore';

/** `steps` evenly spaced values from `from` to `to` (both included). */
function evenly(from: number, to: number, steps: number): number[] {
  return Array.from({ length: steps }, (_, i) => from + ((to - from) * i) / (steps - 1));
}

/**
 * A traversal grid around the latent point `z` [latent]: row r sets dimension `dims[r]` to
 * z[dims[r]] + o for each offset o of `steps` evenly spaced offsets over [range[0], range[1]] (latent
 * units), every other dimension as in `z`. Returns the offsets, each row's absolute values
 * [rows][steps], and the decodings row-major (rows · steps images). A UserError for a dimension
 * outside the latent space or a `z` of the wrong width.
 */
export async function traverse(model: Autoencoder, z: number[], dims: number[], range: [number, number], steps: number) {
  const bad = dims.find((d) => d >= model.latentDim);
  if (bad !== undefined) throw new UserError(`dimension ${bad} is out of range: this model's latent space has ${model.latentDim} (0–${model.latentDim - 1})`);
  const offsets = evenly(range[0], range[1], steps);
  const values = dims.map((d) => offsets.map((o) => z[d]! + o));
  const points = dims.flatMap((d, r) => values[r]!.map((v) => z.map((zi, i) => (i === d ? v : zi))));
  return { offsets, values, images: await decodePoints(model, points) };
}
