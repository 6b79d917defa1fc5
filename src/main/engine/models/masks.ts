// Masks for the masked autoencoder: 1 = visible, 0 = hidden, shape [B, 784]. Drawn in JavaScript
// into one buffer: tf.randomUniform draws through seedrandom (~1.3 ms a batch) and the block and
// mixed kinds' tile and where ran ~9 and ~18 ms a batch on wasm. The comparisons are written
// without branches (`+(u >= ratio)`): a mispredicted branch per pixel doubled the loop's time.
import * as tf from '../backend/tf';
import type { MaskKind } from '../../../shared/recipes';
import { fillUniform } from '../random';

const SIDE = 28;
const PIXELS = SIDE * SIDE;
/** Block masks hide 4×4 squares (a 7×7 grid of blocks), as MAE hides ViT patches. */
const BLOCK = 4;
const BLOCKS = SIDE / BLOCK;
/** The block each pixel belongs to, row-major over the 7×7 grid. */
const BLOCK_OF = Uint8Array.from({ length: PIXELS }, (_, p) => Math.floor(p / SIDE / BLOCK) * BLOCKS + Math.floor((p % SIDE) / BLOCK));

/** Each pixel hidden independently with probability `ratio` (mask ~ Bernoulli(1 − ratio)). */
function pixelMask(mask: Float32Array, draws: Float32Array, ratio: number): void {
  for (let p = 0; p < PIXELS; p++) mask[p] = +(draws[p]! >= ratio);
}

/** Each 4×4 block hidden independently with probability `ratio` (the first 49 draws). */
function blockMask(mask: Float32Array, draws: Float32Array, ratio: number): void {
  for (let p = 0; p < PIXELS; p++) mask[p] = +(draws[BLOCK_OF[p]!]! >= ratio);
}

/** Pixel or block masks; 'mixed' picks one kind per sample, half and half on average. */
export function sampleMask(kind: MaskKind, batch: number, ratio: number, seed: number): tf.Tensor2D {
  // Per sample: one draw for the kind, then one per pixel.
  const stride = 1 + PIXELS;
  const uniforms = fillUniform(new Float32Array(batch * stride), seed);
  const mask = new Float32Array(batch * PIXELS);
  for (let i = 0; i < batch; i++) {
    const draws = uniforms.subarray(i * stride + 1, (i + 1) * stride);
    const target = mask.subarray(i * PIXELS, (i + 1) * PIXELS);
    if (kind === 'block' || (kind === 'mixed' && uniforms[i * stride]! < 0.5)) blockMask(target, draws, ratio);
    else pixelMask(target, draws, ratio);
  }
  return tf.tensor2d(mask, [batch, PIXELS]);
}
