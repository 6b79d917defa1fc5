import { makeRng, shuffledIndices } from '../random';
import { imageBytesOf, type ImageSet } from './datasets';

/** pixel byte → float in [0, 1]. */
const UNIT = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/**
 * Each image set's pixels as floats in [0, 1], converted once per set (4 bytes a pixel: 188 MB for
 * MNIST's 60,000 training images): a batch is then copied row by row, ~4× faster than converting
 * its 100,352 pixels on every training step.
 */
const unitPixels = new WeakMap<Uint8Array, Float32Array>();

function unitPixelsOf(set: ImageSet): Float32Array {
  let floats = unitPixels.get(set.pixels);
  if (!floats) {
    floats = new Float32Array(set.pixels.length);
    for (let i = 0; i < floats.length; i++) floats[i] = UNIT[set.pixels[i]!]!;
    unitPixels.set(set.pixels, floats);
  }
  return floats;
}

/** The order in which an epoch visits the set: a permutation fixed by (seed, epoch), so runs replay. */
export function epochOrder(count: number, seed: number, epoch: number): Int32Array {
  return shuffledIndices(count, makeRng(`${seed}:epoch:${epoch}`));
}

/** How many images the batch at `start` holds: the last batch of an epoch may be short. */
function batchLength(order: Int32Array, start: number, size: number): number {
  if (!Number.isInteger(start) || start < 0 || start >= order.length) throw new RangeError(`batch start ${start} outside 0..${order.length - 1}`);
  return Math.min(size, order.length - start);
}

/**
 * Pixels of images order[start..start+size) as floats in [0, 1], row-major [n, pixels] (pixels =
 * height·width·channels of the set's images, 784 for MNIST). Pass `out` (sized for a full batch)
 * to reuse one buffer across batches; the result is then a view of it.
 */
export function gatherBatch(set: ImageSet, order: Int32Array, start: number, size: number, out?: Float32Array): Float32Array {
  const n = batchLength(order, start, size);
  const bytes = imageBytesOf(set);
  const target = out ?? new Float32Array(n * bytes);
  if (target.length < n * bytes) throw new RangeError(`batch buffer holds ${target.length} floats, needs ${n * bytes}`);
  const pixels = unitPixelsOf(set);
  for (let i = 0; i < n; i++) {
    const from = order[start + i]! * bytes;
    target.set(pixels.subarray(from, from + bytes), i * bytes);
  }
  return n * bytes === target.length ? target : target.subarray(0, n * bytes);
}

/** Labels of the same images as gatherBatch, as int32 (what tf.oneHot and friends take). */
export function gatherLabels(set: ImageSet, order: Int32Array, start: number, size: number, out?: Int32Array): Int32Array {
  const n = batchLength(order, start, size);
  const target = out ?? new Int32Array(n);
  if (target.length < n) throw new RangeError(`label buffer holds ${target.length} entries, needs ${n}`);
  for (let i = 0; i < n; i++) target[i] = set.labels[order[start + i]];
  return n === target.length ? target : target.subarray(0, n);
}
