// What the latent views ask of any model, trained here (tfjs) or imported (ONNX Runtime, which
// only runs asynchronously): batches of plain floats in, batches out.
import * as tf from '../backend/tf';
import type { ImageShape } from '../../../shared/network';
import type { Autoencoder } from '../models/autoencoder';

export interface LatentModel {
  /** Width of the latent vector `encode` returns and `decode` takes. */
  readonly latentDim: number;
  /** The images it reads and writes; `pixels` below = height·width·channels (784 for 28×28 gray). */
  readonly image: ImageShape;
  /**
   * Latent means (μ for a VAE, the code for an AE) of `count` images.
   * @param x [count, pixels] row-major (channels last), pixels in [0, 1]
   * @returns [count, latentDim] row-major
   */
  encode(x: Float32Array, count: number): Promise<Float32Array>;
  /**
   * Decoded images of `count` latent points.
   * @param z [count, latentDim] row-major
   * @returns [count, pixels] row-major, pixels in [0, 1] (values outside are clipped when shown)
   */
  decode(z: Float32Array, count: number): Promise<Float32Array>;
  /** decode(encode(x)), [count, pixels] → [count, pixels], both in [0, 1]. */
  reconstruct(x: Float32Array, count: number): Promise<Float32Array>;
}

const adapters = new WeakMap<Autoencoder, LatentModel>();

/**
 * Image values (pixels · images) one pass through a model handles at most: a larger batch goes a
 * block of rows at a time, so that a conv decoder's activations for 4096 images of 64×64 RGB (a
 * 64×64 manifold) never exist at once (~10 GB, past the wasm backend's memory).
 */
const BLOCK_VALUES = 1 << 20;

/** A model trained here as a LatentModel (one adapter per model; it holds no tensors of its own). */
export function latentModelOf(model: Autoencoder): LatentModel {
  let adapter = adapters.get(model);
  if (!adapter) {
    const { height, width, channels } = model.recipe.image;
    const block = Math.max(1, Math.floor(BLOCK_VALUES / (height * width * channels)));
    const through = (f: (t: tf.Tensor2D) => tf.Tensor2D, values: Float32Array, count: number) => {
      const width = values.length / count;
      let data: Float32Array | null = null;
      for (let start = 0; start < count; start += block) {
        const rows = Math.min(block, count - start);
        const out = tf.tidy(() => f(tf.tensor2d(values.subarray(start * width, (start + rows) * width), [rows, width])));
        const part = out.dataSync() as Float32Array;
        out.dispose();
        if (rows === count) return Promise.resolve(part);
        data ??= new Float32Array((part.length / rows) * count);
        data.set(part, (part.length / rows) * start);
      }
      return Promise.resolve(data ?? new Float32Array(0));
    };
    adapter = {
      latentDim: model.latentDim,
      image: model.recipe.image,
      encode: (x, count) => through((t) => model.encode(t), x, count),
      decode: (z, count) => through((t) => model.decode(t), z, count),
      reconstruct: (x, count) => through((t) => model.reconstruct(t), x, count),
    };
    adapters.set(model, adapter);
  }
  return adapter;
}
