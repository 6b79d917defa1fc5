// Directions in latent space: from one class's mean code to another's ("3 → 8"), or from one
// sample's code to another's, applied to any code with a strength.
import * as tf from '../backend/tf';
import type { Params } from '../../../shared/contract';
import type { ImageSet } from '../data/datasets';
import { UserError } from '../errors';
import type { Autoencoder } from '../models/autoencoder';
import { decodePoints, encodeSet, setImages } from './explore';

/** One end of a direction: the mean code of a class over the set, or one image's code. */
type DirectionEnd = Params<'model.direction'>['from'];

/** The mean code of class `c` over the first `limit` images of the set (encoded in chunks). */
async function classMean(model: Autoencoder, set: ImageSet, limit: number, c: number): Promise<number[]> {
  const { dims, points, labels } = await encodeSet(model, set, limit);
  const mean = new Array<number>(dims).fill(0);
  let count = 0;
  labels.forEach((label, i) => {
    if (label !== c) return;
    count++;
    for (let d = 0; d < dims; d++) mean[d]! += points[i * dims + d]!;
  });
  if (count === 0) throw new UserError(`class ${c} has no images among the first ${limit} of this set`);
  return mean.map((v) => v / count);
}

async function endCode(model: Autoencoder, set: ImageSet, limit: number, end: DirectionEnd): Promise<number[]> {
  if (end.class !== undefined) return classMean(model, set, limit, end.class);
  const { index } = end;
  if (index === undefined) throw new UserError('a direction end needs a class or an image index');
  return tf.tidy(() => Array.from(model.encode(setImages(set, [index]).x).dataSync()));
}

/**
 * The direction `to − from` in latent space [latent], between two ends: class means over the first
 * `limit` images of `set` (e.g. the mean code of the 8s minus that of the 3s, as in "3 → 8"), or
 * two images' codes (the posterior mean for a VAE), or one of each. Returns the two ends' codes
 * too. A UserError for an index outside the set or a class with no images in it.
 */
export async function latentDirection(model: Autoencoder, set: ImageSet, from: DirectionEnd, to: DirectionEnd, limit: number) {
  const a = await endCode(model, set, limit, from);
  const b = await endCode(model, set, limit, to);
  return { from: a, to: b, direction: b.map((v, i) => v - a[i]!) };
}

/**
 * `z + s · direction` for each strength s (unitless: 1 moves by the whole direction), decoded.
 * Returns the points [strengths][latent] and their images. A UserError when `z` or `direction`
 * does not have the latent width.
 */
export async function applyDirection(model: Autoencoder, z: number[], direction: number[], strengths: number[]) {
  if (direction.length !== model.latentDim) throw new UserError(`the direction has ${direction.length} values but this model's latent space has ${model.latentDim}`);
  const points = strengths.map((s) => z.map((v, i) => v + s * direction[i]!));
  return { z: points, images: await decodePoints(model, points) };
}
