// Masks for the masked autoencoder: 1 = visible, 0 = hidden, shape [B, 784].
import * as tf from '../tf';
import type { MaskKind } from '../../../shared/recipes';

const SIDE = 28;
/** Block masks hide 4×4 squares (a 7×7 grid of blocks), as MAE hides ViT patches. */
const BLOCK = 4;

/** Each pixel hidden independently with probability `ratio` (mask ~ Bernoulli(1 − ratio)). */
function pixelMask(batch: number, ratio: number, seed: number): tf.Tensor2D {
  return tf.tidy(() => tf.cast(tf.greaterEqual(tf.randomUniform([batch, SIDE * SIDE], 0, 1, 'float32', seed), ratio), 'float32') as tf.Tensor2D);
}

/** Each 4×4 block hidden independently with probability `ratio`. */
function blockMask(batch: number, ratio: number, seed: number): tf.Tensor2D {
  return tf.tidy(() => {
    const blocks = SIDE / BLOCK;
    const keep = tf.cast(tf.greaterEqual(tf.randomUniform([batch, blocks, 1, blocks, 1], 0, 1, 'float32', seed), ratio), 'float32');
    return tf.tile(keep, [1, 1, BLOCK, 1, BLOCK]).reshape([batch, SIDE * SIDE]);
  });
}

/** Pixel or block masks; 'mixed' picks one kind per sample, half and half on average. */
export function sampleMask(kind: MaskKind, batch: number, ratio: number, seed: number): tf.Tensor2D {
  if (kind === 'pixel') return pixelMask(batch, ratio, seed);
  if (kind === 'block') return blockMask(batch, ratio, seed);
  return tf.tidy(() => {
    const useBlocks = tf.less(tf.randomUniform([batch, 1], 0, 1, 'float32', seed + 1), 0.5);
    return tf.where(tf.tile(useBlocks, [1, SIDE * SIDE]), blockMask(batch, ratio, seed + 2), pixelMask(batch, ratio, seed + 3));
  });
}
