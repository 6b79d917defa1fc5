// Masks for the masked autoencoder: 1 = visible, 0 = hidden, shape [B, pixels] over the model's
// images (height·width·channels); a pixel is hidden in all its channels at once. Drawn in
// JavaScript into one buffer: tf.randomUniform draws through seedrandom (~1.3 ms a batch) and the
// block and mixed kinds' tile and where ran ~9 and ~18 ms a batch on wasm. The comparisons are
// written without branches (`+(u >= ratio)`): a mispredicted branch per pixel doubled the loop's time.
import * as tf from '../backend/tf';
import type { ImageShape } from '../../../shared/network';
import type { MaskKind } from '../../../shared/recipes';
import { fillUniform } from '../random';

/** Block masks hide 4×4 squares (a 7×7 grid of blocks on MNIST), as MAE hides ViT patches. */
const BLOCK = 4;

/** The block each pixel position belongs to, row-major over the ⌈H/4⌉×⌈W/4⌉ grid, per image shape. */
const blockIndex = new Map<string, Uint32Array>();
function blocksOf({ height, width }: ImageShape): Uint32Array {
  const key = `${height}x${width}`;
  let index = blockIndex.get(key);
  if (!index) {
    const across = Math.ceil(width / BLOCK);
    index = Uint32Array.from({ length: height * width }, (_, p) => Math.floor(p / width / BLOCK) * across + Math.floor((p % width) / BLOCK));
    blockIndex.set(key, index);
  }
  return index;
}

/** Each pixel position hidden independently with probability `ratio` (mask ~ Bernoulli(1 − ratio)). */
function pixelMask(mask: Float32Array, draws: Float32Array, ratio: number): void {
  for (let p = 0; p < mask.length; p++) mask[p] = +(draws[p]! >= ratio);
}

/** Each 4×4 block hidden independently with probability `ratio` (the first draws, one per block). */
function blockMask(mask: Float32Array, draws: Float32Array, ratio: number, blocks: Uint32Array): void {
  for (let p = 0; p < mask.length; p++) mask[p] = +(draws[blocks[p]!]! >= ratio);
}

/**
 * Pixel or block masks [batch, height·width·channels] for images of `image`; 'mixed' picks one
 * kind per sample, half and half on average. Seeded: the same seed gives the same masks.
 */
export function sampleMask(kind: MaskKind, batch: number, ratio: number, seed: number, image: ImageShape): tf.Tensor2D {
  const positions = image.height * image.width;
  const { channels } = image;
  const blocks = blocksOf(image);
  // Per sample: one draw for the kind, then one per pixel position.
  const stride = 1 + positions;
  const uniforms = fillUniform(new Float32Array(batch * stride), seed);
  const plane = new Float32Array(positions);
  const mask = new Float32Array(batch * positions * channels);
  for (let i = 0; i < batch; i++) {
    const draws = uniforms.subarray(i * stride + 1, (i + 1) * stride);
    const target = channels === 1 ? mask.subarray(i * positions, (i + 1) * positions) : plane;
    if (kind === 'block' || (kind === 'mixed' && uniforms[i * stride]! < 0.5)) blockMask(target, draws, ratio, blocks);
    else pixelMask(target, draws, ratio);
    if (channels > 1) for (let p = 0; p < positions; p++) mask.fill(plane[p]!, (i * positions + p) * channels, (i * positions + p + 1) * channels);
  }
  return tf.tensor2d(mask, [batch, positions * channels]);
}
