// What the explorer views ask of a trained model, as plain functions: encode, decode, grids,
// prior samples, interpolation, PCA planes, inpainting, denoising and the VQ codebook.
// Images cross this boundary as bytes in base64 (src/shared/image8.ts).
import * as tf from '../backend/tf';
import { IMAGE_PIXELS } from '../../../shared/contract';
import { base64ToBytes, bytesToBase64, unitToBytes } from '../../../shared/image8';
import type { ImageSet } from '../data/datasets';
import { UserError } from '../errors';
import { addNoise } from '../models/ae';
import type { Autoencoder } from '../models/autoencoder';
import { MaskedAutoencoder } from '../models/mae';
import { countCodes, usageStats, VqVae } from '../models/vqvae';
import { normalQuantile } from './normal-quantile';

export function imagesOf(pixels: tf.Tensor2D): string[] {
  const values = pixels.dataSync();
  const images: string[] = [];
  for (let i = 0; i < pixels.shape[0]; i++) images.push(bytesToBase64(unitToBytes(values.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS))));
  return images;
}

/** An Image8 from a request → [1, 784] in [0, 1]; a wrong size is the caller's problem to fix. */
export function imageTensor(image: string, what = 'image'): tf.Tensor2D {
  let bytes: Uint8Array;
  try {
    bytes = base64ToBytes(image);
  } catch {
    throw new UserError(`${what} is not valid base64`);
  }
  if (bytes.length !== IMAGE_PIXELS) throw new UserError(`${what} must be ${IMAGE_PIXELS} bytes (28×28), got ${bytes.length}`);
  return tf.tensor2d(Float32Array.from(bytes, (b) => b / 255), [1, IMAGE_PIXELS]);
}

export function setImages(set: ImageSet, indices: number[]): { x: tf.Tensor2D; labels: number[] } {
  const out = new Float32Array(indices.length * IMAGE_PIXELS);
  indices.forEach((index, row) => {
    if (index >= set.count) throw new UserError(`image index ${index} is out of range (the set has ${set.count} images)`);
    const source = set.pixels.subarray(index * IMAGE_PIXELS, (index + 1) * IMAGE_PIXELS);
    for (let i = 0; i < IMAGE_PIXELS; i++) out[row * IMAGE_PIXELS + i] = source[i]! / 255;
  });
  return { x: tf.tensor2d(out, [indices.length, IMAGE_PIXELS]), labels: indices.map((i) => set.labels[i]!) };
}

function firstN(set: ImageSet, limit: number): number[] {
  return Array.from({ length: Math.min(limit, set.count) }, (_, i) => i);
}

/** Large sets go through the network in chunks, so a conv model's activations stay small. */
const CHUNK = 1000;

/** `f` over the first `limit` images of a set, a chunk at a time; the chunks' values concatenated. */
function inChunks(set: ImageSet, limit: number, f: (x: tf.Tensor2D) => tf.Tensor): number[] {
  const indices = firstN(set, limit);
  const values: number[] = [];
  for (let start = 0; start < indices.length; start += CHUNK) {
    // Read outside the tidy: tidy walks what it returns, element by element for a typed array
    // (~4 s for the 7.8M values of 10,000 VQ code vectors).
    const out = tf.tidy(() => f(setImages(set, indices.slice(start, start + CHUNK)).x));
    const chunk = out.dataSync();
    out.dispose();
    for (let i = 0; i < chunk.length; i++) values.push(chunk[i]!);
  }
  return values;
}

export function encodeSet(model: Autoencoder, set: ImageSet, limit: number): { dims: number; points: number[]; labels: number[] } {
  const points = inChunks(set, limit, (x) => model.encode(x));
  return { dims: model.latentDim, points, labels: Array.from(set.labels.subarray(0, Math.min(limit, set.count))) };
}

function latentTensor(model: Autoencoder, z: number[][]): tf.Tensor2D {
  const bad = z.findIndex((row) => row.length !== model.latentDim);
  if (bad >= 0) throw new UserError(`latent point ${bad} has ${z[bad]!.length} values but this model's latent space has ${model.latentDim}`);
  return tf.tensor2d(z, [z.length, model.latentDim]);
}

export function decodePoints(model: Autoencoder, z: number[][]): string[] {
  return tf.tidy(() => imagesOf(model.decode(latentTensor(model, z))));
}

export interface Plane {
  base: number[];
  axisU: number[];
  axisV: number[];
}

/** A point on a 2-D plane through the latent space (the identity plane for a 2-D latent). */
function onPlane(model: Autoencoder, u: number, v: number, plane?: Plane): number[] {
  if (plane) return plane.base.map((b, i) => b + u * plane.axisU[i]! + v * plane.axisV[i]!);
  if (model.latentDim !== 2) throw new UserError(`this model's latent space has ${model.latentDim} dimensions: give a plane (base and two axes) to draw a grid`);
  return [u, v];
}

/**
 * An n×n grid of decodings, rows from top (high v) to bottom: at Gaussian quantiles of
 * 0.05…0.95 (the classic manifold figure) or evenly over a region [u0, u1] × [v0, v1].
 */
export function decodeGrid(model: Autoencoder, n: number, mode: 'quantiles' | 'region', region?: [number, number, number, number], plane?: Plane) {
  const steps = (a: number, b: number) => Array.from({ length: n }, (_, i) => (n === 1 ? (a + b) / 2 : a + ((b - a) * i) / (n - 1)));
  let xs: number[];
  let ys: number[];
  if (mode === 'quantiles') {
    xs = steps(0.05, 0.95).map(normalQuantile);
    ys = xs.slice().reverse();
  } else {
    if (!region) throw new UserError('a region grid needs region [u0, u1, v0, v1]');
    xs = steps(region[0], region[1]);
    ys = steps(region[2], region[3]).reverse();
  }
  const z = ys.flatMap((v) => xs.map((u) => onPlane(model, u, v, plane)));
  return { n, images: decodePoints(model, z), xs, ys };
}

export function samplePrior(model: Autoencoder, count: number, seed: number): { images: string[]; z: number[][] } {
  return tf.tidy(() => {
    const z = tf.randomNormal([count, model.latentDim], 0, 1, 'float32', seed) as tf.Tensor2D;
    return { images: imagesOf(model.decode(z)), z: z.arraySync() };
  });
}

export function reconstructImages(model: Autoencoder, set: ImageSet, indices: number[]): { originals: string[]; reconstructions: string[] } {
  return tf.tidy(() => {
    const { x } = setImages(set, indices);
    return { originals: imagesOf(x), reconstructions: imagesOf(model.reconstruct(x)) };
  });
}

/** Linear interpolation, or spherical (slerp) along the great circle between the two points. */
export function interpolatePoints(from: number[], to: number[], steps: number, mode: 'linear' | 'slerp'): number[][] {
  const norm = (v: number[]) => Math.hypot(...v);
  const omega = Math.acos(Math.min(1, Math.max(-1, from.reduce((s, a, i) => s + a * to[i]!, 0) / (norm(from) * norm(to) || 1))));
  return Array.from({ length: steps }, (_, k) => {
    const t = k / (steps - 1);
    if (mode === 'linear' || Math.sin(omega) < 1e-6) return from.map((a, i) => a + (to[i]! - a) * t);
    const [wa, wb] = [Math.sin((1 - t) * omega) / Math.sin(omega), Math.sin(t * omega) / Math.sin(omega)];
    return from.map((a, i) => wa * a + wb * to[i]!);
  });
}

export function interpolate(model: Autoencoder, from: number[], to: number[], steps: number, mode: 'linear' | 'slerp') {
  const z = interpolatePoints(from, to, steps, mode);
  return { z, images: decodePoints(model, z) };
}

/** The two main axes of the encodings (power iteration on the covariance), for a default plane. */
export function pcaPlane(model: Autoencoder, set: ImageSet, limit = 2000): { mean: number[]; axes: number[][]; explained: number[] } {
  return tf.tidy(() => {
    const { x } = setImages(set, firstN(set, limit));
    const z = model.encode(x);
    const mean = tf.mean(z, 0);
    const centred = z.sub(mean);
    let cov = tf.matMul(centred, centred, true, false).div(z.shape[0]) as tf.Tensor2D;
    const total = tf.sum(tf.diag(cov).reshape([-1])).dataSync()[0]! || 1;
    const axes: number[][] = [];
    const explained: number[] = [];
    for (let k = 0; k < Math.min(2, model.latentDim); k++) {
      let v = tf.ones([model.latentDim, 1]).div(Math.sqrt(model.latentDim)) as tf.Tensor2D;
      for (let i = 0; i < 100; i++) v = tf.matMul(cov, v).div(tf.norm(tf.matMul(cov, v)).add(1e-12));
      const lambda = tf.sum(v.mul(tf.matMul(cov, v))).dataSync()[0]!;
      axes.push(Array.from(v.dataSync()));
      explained.push(lambda / total);
      cov = cov.sub(tf.matMul(v, v, false, true).mul(lambda));
    }
    if (axes.length < 2) axes.push(new Array(model.latentDim).fill(0)); // a 1-D latent: the plane's second axis is empty
    return { mean: Array.from(mean.dataSync()), axes, explained };
  });
}

/** `model` as the family `type`, or a UserError naming what `what` needs (`needs`) and what the model is. */
export function requireFamily<T>(model: Autoencoder, type: new (...args: never[]) => T, needs: string, what: string): T {
  if (!(model instanceof type)) throw new UserError(`${what} needs ${needs}; ${model.recipe.name} is a ${model.family} model`);
  return model as T;
}

/** MAE inpainting: visible pixels (mask byte ≥ 128) exactly as given, hidden ones predicted. */
export function inpaint(model: Autoencoder, image: string, mask: string) {
  const mae = requireFamily(model, MaskedAutoencoder, 'a masked autoencoder', 'inpainting');
  return tf.tidy(() => {
    const x = imageTensor(image);
    const visible = tf.cast(tf.greaterEqual(imageTensor(mask, 'mask'), 0.5), 'float32') as tf.Tensor2D;
    const hidden = tf.onesLike(visible).sub(visible);
    const output = mae.inpaint(x, visible);
    const error = tf.squaredDifference(output, x).mul(hidden) as tf.Tensor2D;
    const hiddenCount = tf.sum(hidden).dataSync()[0]!;
    return {
      masked: imagesOf(x.mul(visible))[0]!,
      output: imagesOf(output)[0]!,
      hiddenMse: hiddenCount > 0 ? tf.sum(error).dataSync()[0]! / hiddenCount : 0,
      errorMap: imagesOf(tf.sqrt(error))[0]!,
    };
  });
}

/** Denoising: the image with N(0, σ²) noise (clipped, seeded), and the model's reconstruction of it. */
export function denoise(model: Autoencoder, image: string, sigma: number, seed: number): { noisy: string; output: string } {
  return tf.tidy(() => {
    const noisy = addNoise(imageTensor(image), sigma, seed);
    return { noisy: imagesOf(noisy)[0]!, output: imagesOf(model.reconstruct(noisy))[0]! };
  });
}

export function quantize(model: Autoencoder, image: string): { codes: number[]; image: string } {
  const vq = requireFamily(model, VqVae, 'a VQ-VAE', 'quantising');
  return tf.tidy(() => {
    const codes = vq.quantize(imageTensor(image));
    return { codes: Array.from(codes.dataSync()), image: imagesOf(vq.decodeCodes(codes))[0]! };
  });
}

export function decodeCodes(model: Autoencoder, codes: number[]): string {
  const vq = requireFamily(model, VqVae, 'a VQ-VAE', 'decoding a code map');
  const size = vq.settings.codebookSize;
  const bad = codes.find((c) => c >= size);
  if (bad !== undefined) throw new UserError(`code ${bad} is out of range: this codebook has ${size} entries (0–${size - 1})`);
  return tf.tidy(() => imagesOf(vq.decodeCodes(tf.tensor2d([codes], [1, codes.length], 'int32')))[0]!);
}

/** Code maps already computed, per model and set: a click in the codebook view must not re-quantize 10k images. */
const codeMapCache = new WeakMap<VqVae, WeakMap<ImageSet, Map<number, Int32Array>>>();

/** Code maps of the first `limit` images of a set, [count, 49]. */
function codeMaps(vq: VqVae, set: ImageSet, limit: number): Int32Array {
  const perSet = codeMapCache.get(vq) ?? new WeakMap<ImageSet, Map<number, Int32Array>>();
  codeMapCache.set(vq, perSet);
  const perLimit = perSet.get(set) ?? new Map<number, Int32Array>();
  perSet.set(set, perLimit);
  let maps = perLimit.get(limit);
  if (!maps) {
    maps = Int32Array.from(inChunks(set, limit, (x) => vq.quantize(x)));
    perLimit.set(limit, maps);
  }
  return maps;
}

/** Every codebook entry as a tile (a code map filled with that code), with usage over a set. */
export function codebookStats(model: Autoencoder, set: ImageSet, limit: number) {
  const vq = requireFamily(model, VqVae, 'a VQ-VAE', 'the codebook view');
  const size = vq.settings.codebookSize;
  const usage = countCodes(codeMaps(vq, set, limit), size);
  const tiles = tf.tidy(() => imagesOf(vq.decodeCodes(tf.tile(tf.range(0, size, 1, 'int32').expandDims(1), [1, 49]) as tf.Tensor2D)));
  return { tiles, usage, ...usageStats(usage) };
}

/** The test images that use `code` most often. */
export function codeUsers(model: Autoencoder, set: ImageSet, code: number, count: number, limit = 10_000) {
  const vq = requireFamily(model, VqVae, 'a VQ-VAE', 'finding code users');
  const maps = codeMaps(vq, set, limit);
  const cells = maps.length / Math.min(limit, set.count);
  const perImage = Array.from({ length: maps.length / cells }, (_, i) => ({ index: i, count: maps.subarray(i * cells, (i + 1) * cells).filter((c) => c === code).length }));
  const top = perImage.filter((p) => p.count > 0).sort((a, b) => b.count - a.count || a.index - b.index).slice(0, count);
  const images = top.length ? tf.tidy(() => imagesOf(setImages(set, top.map((t) => t.index)).x)) : [];
  return { indices: top.map((t) => t.index), counts: top.map((t) => t.count), images };
}
