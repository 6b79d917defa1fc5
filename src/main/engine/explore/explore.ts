// What the explorer views ask of a model, as plain functions: encode, decode, grids, prior
// samples, interpolation, PCA planes, inpainting, denoising and the VQ codebook. The latent views
// take any model (trained here or imported from ONNX, see latent-model.ts) and are asynchronous;
// the family-specific tools (inpainting, the codebook) need a model trained here.
// Images cross this boundary as bytes in base64 (src/shared/image8.ts).
import * as tf from '../backend/tf';
import type { ImageShape } from '../../../shared/network';
import { base64ToBytes, bytesToBase64, unitToBytes } from '../../../shared/image8';
import { familyWithArticle } from '../../../shared/recipes';
import { imageBytesOf, type ImageSet } from '../data/datasets';
import { shapeText } from '../data/image-folder';
import { UserError } from '../errors';
import { addNoise } from '../models/ae';
import type { Autoencoder } from '../models/autoencoder';
import { MaskedAutoencoder } from '../models/mae';
import { imagePixels } from '../models/network';
import { countCodes, usageStats, VqVae } from '../models/vqvae';
import { latentModelOf, type LatentModel } from './latent-model';
import { normalQuantile } from './normal-quantile';

/** A model the latent views can explore: one trained here, or any LatentModel (an imported one). */
export type Explorable = Autoencoder | LatentModel;

function latentOf(model: Explorable): LatentModel {
  return 'params' in model ? latentModelOf(model) : model;
}

/** [count, pixels] values in [0, 1] (pixels = height·width·channels, channels last) → `count` Image8 strings. */
export function imagesOfValues(values: Float32Array, count: number): string[] {
  const size = count ? values.length / count : 0;
  return Array.from({ length: count }, (_, i) => bytesToBase64(unitToBytes(values.subarray(i * size, (i + 1) * size))));
}

export function imagesOf(pixels: tf.Tensor2D): string[] {
  return imagesOfValues(pixels.dataSync() as Float32Array, pixels.shape[0]);
}

/**
 * An Image8 from a request → [1, pixels] in [0, 1], for a model of images `shape`. Throws a
 * UserError for bad base64 or another number of bytes (the caller's problem to fix).
 */
export function imageTensor(image: string, shape: ImageShape, what = 'image'): tf.Tensor2D {
  let bytes: Uint8Array;
  try {
    bytes = base64ToBytes(image);
  } catch {
    throw new UserError(`${what} is not valid base64`);
  }
  const pixels = imagePixels(shape);
  if (bytes.length !== pixels) throw new UserError(`${what} must be ${pixels} bytes (${shapeText(shape)}), got ${bytes.length}`);
  return tf.tensor2d(Float32Array.from(bytes, (b) => b / 255), [1, pixels]);
}

/** The set's images at `indices` as [indices.length, pixels] floats in [0, 1]. */
export function setPixels(set: ImageSet, indices: number[]): Float32Array {
  const size = imageBytesOf(set);
  const out = new Float32Array(indices.length * size);
  indices.forEach((index, row) => {
    if (index >= set.count) throw new UserError(`image index ${index} is out of range (the set has ${set.count} images)`);
    const source = set.pixels.subarray(index * size, (index + 1) * size);
    for (let i = 0; i < size; i++) out[row * size + i] = source[i]! / 255;
  });
  return out;
}

export function setImages(set: ImageSet, indices: number[]): { x: tf.Tensor2D; labels: number[] } {
  return { x: tf.tensor2d(setPixels(set, indices), [indices.length, imageBytesOf(set)]), labels: indices.map((i) => set.labels[i]!) };
}

function firstN(set: ImageSet, limit: number): number[] {
  return Array.from({ length: Math.min(limit, set.count) }, (_, i) => i);
}

/** Large sets go through the network in chunks, so a conv model's activations stay small. */
const CHUNK = 1000;

/** `f` over the first `limit` images of a set, a chunk at a time; the chunks' values concatenated. */
async function inChunks(set: ImageSet, limit: number, f: (x: Float32Array, count: number) => ArrayLike<number> | Promise<ArrayLike<number>>): Promise<number[]> {
  const indices = firstN(set, limit);
  const values: number[] = [];
  for (let start = 0; start < indices.length; start += CHUNK) {
    const chunkIndices = indices.slice(start, start + CHUNK);
    const chunk = await f(setPixels(set, chunkIndices), chunkIndices.length);
    for (let i = 0; i < chunk.length; i++) values.push(chunk[i]!);
  }
  return values;
}

/**
 * Most latent values one answer may carry (8 M numbers, ~150 MB of JSON): 10,000 encodings of a
 * 784-wide VQ-VAE map fit, while 70,000 of a 12,544-wide one (code dimension 256) would need 7 GB
 * in the engine before the reply could even be written.
 */
export const MAX_REPLY_VALUES = 1 << 23;

/** Refuses, before any work, an answer of `count` latent vectors of `dims` values that would exceed MAX_REPLY_VALUES. */
function assertReplySize(what: string, count: number, dims: number): void {
  if (count * dims <= MAX_REPLY_VALUES) return;
  throw new UserError(
    `${what}: ${count} × ${dims} latent values is more than one answer may hold (${MAX_REPLY_VALUES}); ask for at most ${Math.floor(MAX_REPLY_VALUES / dims)}`,
    'too-large'
  );
}

/**
 * The latent vectors of the first `limit` images of a set (latent means for a VAE): `points` is
 * [n × dims] row-major, n = min(limit, set.count); with a set of known factors, their levels as
 * `factors` [n × factors] row-major. Throws a 'too-large' UserError when that many values exceed
 * MAX_REPLY_VALUES.
 */
export async function encodeSet(model: Explorable, set: ImageSet, limit: number): Promise<{ dims: number; points: number[]; labels: number[]; factors?: number[] }> {
  const latent = latentOf(model);
  const n = Math.min(limit, set.count);
  const perImage = set.factors && set.count ? set.factors.length / set.count : 0;
  assertReplySize('encoding', n, latent.latentDim + perImage);
  const points = await inChunks(set, limit, (x, count) => latent.encode(x, count));
  const labels = Array.from(set.labels.subarray(0, n));
  return { dims: latent.latentDim, points, labels, ...(set.factors && { factors: Array.from(set.factors.subarray(0, n * perImage)) }) };
}

/** Latent points → [count × latentDim] floats; a point of the wrong width is the caller's to fix. */
function latentValues(latentDim: number, z: number[][]): Float32Array {
  const bad = z.findIndex((row) => row.length !== latentDim);
  if (bad >= 0) throw new UserError(`latent point ${bad} has ${z[bad]!.length} values but this model's latent space has ${latentDim}`);
  return Float32Array.from(z.flat());
}

/** Decoded images (Image8) of latent points, each of the model's latent width. */
export async function decodePoints(model: Explorable, z: number[][]): Promise<string[]> {
  const latent = latentOf(model);
  return imagesOfValues(await latent.decode(latentValues(latent.latentDim, z), z.length), z.length);
}

export interface Plane {
  base: number[];
  axisU: number[];
  axisV: number[];
}

/** A point on a 2-D plane through the latent space (the identity plane for a 2-D latent). */
function onPlane(latentDim: number, u: number, v: number, plane?: Plane): number[] {
  if (plane) return plane.base.map((b, i) => b + u * plane.axisU[i]! + v * plane.axisV[i]!);
  if (latentDim !== 2) throw new UserError(`this model's latent space has ${latentDim} dimensions: give a plane (base and two axes) to draw a grid`);
  return [u, v];
}

/**
 * An n×n grid of decodings, rows from top (high v) to bottom: at Gaussian quantiles of
 * 0.05…0.95 (the classic manifold figure) or evenly over a region [u0, u1] × [v0, v1]. With
 * `rows` = [first, count] only those rows are decoded (count·n images, row-major), so a large grid
 * can be asked a part at a time; `xs` and `ys` are always the whole grid's. A UserError for rows
 * outside the grid.
 */
export async function decodeGrid(model: Explorable, n: number, mode: 'quantiles' | 'region', region?: [number, number, number, number], plane?: Plane, rows: [number, number] = [0, n]) {
  if (rows[0] + rows[1] > n) throw new UserError(`rows ${rows[0]}–${rows[0] + rows[1] - 1} are outside a ${n}×${n} grid (rows 0–${n - 1})`);
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
  const latentDim = latentOf(model).latentDim;
  const z = ys.slice(rows[0], rows[0] + rows[1]).flatMap((v) => xs.map((u) => onPlane(latentDim, u, v, plane)));
  return { n, images: await decodePoints(model, z), xs, ys };
}

/**
 * Draws `offset` … `offset + count − 1` of the seeded sequence z ~ N(0, I) and their decodings: a
 * seed's draws are the same however they are asked in parts (the generator fills rows in order).
 * 'too-large' UserError as encodeSet for very wide latents.
 */
export async function samplePrior(model: Explorable, count: number, seed: number, offset = 0): Promise<{ images: string[]; z: number[][] }> {
  const latent = latentOf(model);
  assertReplySize('sampling', count, latent.latentDim);
  const z = tf.tidy(() => (tf.randomNormal([offset + count, latent.latentDim], 0, 1, 'float32', seed).slice(offset, count) as tf.Tensor2D).arraySync());
  return { images: await decodePoints(latent, z), z };
}

/** The set's images at `indices` and the model's reconstructions of them (Image8 each). */
export async function reconstructImages(model: Explorable, set: ImageSet, indices: number[]): Promise<{ originals: string[]; reconstructions: string[] }> {
  const x = setPixels(set, indices);
  return { originals: imagesOfValues(x, indices.length), reconstructions: imagesOfValues(await latentOf(model).reconstruct(x, indices.length), indices.length) };
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

/** `steps` latent points from `from` to `to` (linear or slerp) and their decodings. */
export async function interpolate(model: Explorable, from: number[], to: number[], steps: number, mode: 'linear' | 'slerp') {
  const z = interpolatePoints(from, to, steps, mode);
  return { z, images: await decodePoints(model, z) };
}

/**
 * The two main axes of the encodings of the first `limit` images, for a default plane: power
 * iteration on the covariance C = Z_cᵀZ_c / n, applied as Z_cᵀ(Z_c v) / n so that the [d, d]
 * matrix is never formed (d = 12,544 for a VQ-VAE with code dimension 256: 630 MB). `explained`
 * is each axis's share of the total variance trace(C).
 */
export async function pcaPlane(model: Explorable, set: ImageSet, limit = 2000): Promise<{ mean: number[]; axes: number[][]; explained: number[] }> {
  const latent = latentOf(model);
  const n = Math.min(limit, set.count);
  return principalPlane(Float32Array.from(await inChunks(set, n, (x, count) => latent.encode(x, count))), n, latent.latentDim);
}

/**
 * The two main axes of `n` latent vectors of width `d` (`encoded`, [n × d] row-major): their mean
 * (d numbers), two unit axes (d numbers each; the second all zeros for a 1-D latent) and each
 * axis's share of the total variance. Power iteration as in `pcaPlane`, which calls it.
 */
export function principalPlane(encoded: Float32Array, n: number, d: number): { mean: number[]; axes: number[][]; explained: number[] } {
  return d <= COVARIANCE_MAX_DIM ? planeByCovariance(encoded, n, d) : planeByData(encoded, n, d);
}

/**
 * Up to this latent width the power iteration runs in JavaScript on the d × d covariance (one
 * product on the backend, then d² per step): as ~10 backend ops per step on the data it cost ~1 s
 * on tfjs-node for 2,000 points, once per epoch of every training run (the epoch maps). Wider
 * (a VQ-VAE's 784-wide codes), d² per step in JavaScript costs more than the backend's products.
 */
const COVARIANCE_MAX_DIM = 256;

/** `principalPlane` by power iteration in JavaScript on the covariance. */
function planeByCovariance(encoded: Float32Array, n: number, d: number): { mean: number[]; axes: number[][]; explained: number[] } {
  const [meanTensor, covTensor] = tf.tidy(() => {
    const z = tf.tensor2d(encoded, [n, d]);
    const mean = tf.mean(z, 0);
    const centred = z.sub(mean);
    // Transposed explicitly: the wasm backend's product with a transposed first operand is ~50× slower.
    return [mean, tf.matMul(centred.transpose(), centred).div(n)];
  });
  const mean = Array.from(meanTensor!.dataSync());
  const cov = Float64Array.from(covTensor!.dataSync());
  tf.dispose([meanTensor!, covTensor!]);
  let total = 0;
  for (let i = 0; i < d; i++) total += cov[i * d + i]!;
  total ||= 1;
  const found: { v: Float64Array; lambda: number }[] = [];
  const dotProduct = (a: Float64Array, b: Float64Array) => {
    let sum = 0;
    for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
    return sum;
  };
  // C v with the axes already found deflated out: (C − Σ λ_k v_k v_kᵀ) v.
  const covTimes = (v: Float64Array) => {
    const out = new Float64Array(d);
    for (let i = 0; i < d; i++) out[i] = dotProduct(cov.subarray(i * d, (i + 1) * d), v);
    for (const axis of found) {
      const along = axis.lambda * dotProduct(axis.v, v);
      for (let i = 0; i < d; i++) out[i]! -= along * axis.v[i]!;
    }
    return out;
  };
  for (let k = 0; k < Math.min(2, d); k++) {
    let v = new Float64Array(d).fill(1 / Math.sqrt(d));
    // At most 100 steps, fewer once the axis no longer moves (within float32's precision).
    for (let i = 0, moved = Infinity; i < 100 && moved > 1e-9; i++) {
      const cv = covTimes(v);
      const norm = Math.sqrt(dotProduct(cv, cv)) + 1e-12;
      const next = cv.map((x) => x / norm);
      moved = next.reduce((most, x, j) => Math.max(most, Math.abs(x - v[j]!)), 0);
      v = next;
    }
    found.push({ v, lambda: dotProduct(v, covTimes(v)) });
  }
  const axes = found.map(({ v }) => Array.from(v));
  if (axes.length < 2) axes.push(new Array(d).fill(0)); // a 1-D latent: the plane's second axis is empty
  return { mean, axes, explained: found.map(({ lambda }) => lambda / total) };
}

/** `principalPlane` by power iteration on the backend, on the centred data. */
function planeByData(encoded: Float32Array, n: number, d: number): { mean: number[]; axes: number[][]; explained: number[] } {
  return tf.tidy(() => {
    const z = tf.tensor2d(encoded, [n, d]);
    const mean = tf.mean(z, 0);
    const centred = z.sub(mean);
    const total = tf.sum(tf.square(centred)).dataSync()[0]! / n || 1;
    const found: { v: tf.Tensor2D; lambda: number }[] = [];
    // C v with the axes already found deflated out: (C − Σ λ_k v_k v_kᵀ) v.
    const covTimes = (v: tf.Tensor2D) =>
      found.reduce((acc, axis) => acc.sub(axis.v.mul(tf.sum(axis.v.mul(v)).mul(axis.lambda))), tf.matMul(centred, tf.matMul(centred, v), true, false).div(n)) as tf.Tensor2D;
    for (let k = 0; k < Math.min(2, d); k++) {
      let v = tf.ones([d, 1]).div(Math.sqrt(d)) as tf.Tensor2D;
      for (let i = 0; i < 100; i++) {
        v = tf.tidy(() => {
          const cv = covTimes(v);
          return cv.div(tf.norm(cv).add(1e-12)) as tf.Tensor2D;
        });
      }
      found.push({ v, lambda: tf.sum(v.mul(covTimes(v))).dataSync()[0]! });
    }
    const axes = found.map(({ v }) => Array.from(v.dataSync()));
    if (axes.length < 2) axes.push(new Array(d).fill(0)); // a 1-D latent: the plane's second axis is empty
    return { mean: Array.from(mean.dataSync()), axes, explained: found.map(({ lambda }) => lambda / total) };
  });
}

/** `model` as the family `type`, or a UserError naming what `what` needs (`needs`) and what the model is. */
export function requireFamily<T>(model: Autoencoder, type: new (...args: never[]) => T, needs: string, what: string): T {
  if (!(model instanceof type)) throw new UserError(`${what} needs ${needs}; ${model.recipe.name} is ${familyWithArticle(model.family)}`);
  return model as T;
}

/**
 * MAE inpainting: visible pixels (mask byte ≥ 128) exactly as given, hidden ones predicted. `mask`
 * has one byte per pixel position (height·width: 784 on MNIST); a colour pixel is hidden or shown
 * in all its channels. Returns Image8s of the model's shape and the MSE over hidden values.
 */
export function inpaint(model: Autoencoder, image: string, mask: string) {
  const mae = requireFamily(model, MaskedAutoencoder, 'a masked autoencoder', 'inpainting');
  const shape = mae.recipe.image;
  return tf.tidy(() => {
    const x = imageTensor(image, shape);
    const positions = tf.greaterEqual(imageTensor(mask, { ...shape, channels: 1 }, 'mask'), 0.5);
    const visible = tf.cast(tf.tile(positions.reshape([1, -1, 1]), [1, 1, shape.channels]).reshape([1, -1]), 'float32') as tf.Tensor2D;
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
export async function denoise(model: Explorable, image: string, sigma: number, seed: number): Promise<{ noisy: string; output: string }> {
  const latent = latentOf(model);
  const noisy = tf.tidy(() => {
    const x = imageTensor(image, latent.image);
    return addNoise(x, tf.randomNormal(x.shape, 0, sigma, 'float32', seed)).dataSync() as Float32Array;
  });
  return { noisy: imagesOfValues(noisy, 1)[0]!, output: imagesOfValues(await latent.reconstruct(noisy, 1), 1)[0]! };
}

export function quantize(model: Autoencoder, image: string): { codes: number[]; image: string } {
  const vq = requireFamily(model, VqVae, 'a VQ-VAE', 'quantising');
  return tf.tidy(() => {
    const codes = vq.quantize(imageTensor(image, vq.recipe.image));
    return { codes: Array.from(codes.dataSync()), image: imagesOf(vq.decodeCodes(codes))[0]! };
  });
}

export function decodeCodes(model: Autoencoder, codes: number[]): string {
  const vq = requireFamily(model, VqVae, 'a VQ-VAE', 'decoding a code map');
  const size = vq.settings.codebookSize;
  const bad = codes.find((c) => c >= size);
  if (bad !== undefined) throw new UserError(`code ${bad} is out of range: this codebook has ${size} entries (0–${size - 1})`);
  const [height, width] = vq.mapSize;
  if (codes.length !== height * width) throw new UserError(`a code map of this model has ${height}×${width} = ${height * width} codes, got ${codes.length}`);
  return tf.tidy(() => imagesOf(vq.decodeCodes(tf.tensor2d([codes], [1, codes.length], 'int32')))[0]!);
}

/** Code maps already computed, per model and set: a click in the codebook view must not re-quantize 10k images. */
const codeMapCache = new WeakMap<VqVae, WeakMap<ImageSet, Map<number, Int32Array>>>();

/** Code maps of the first `limit` images of a set, [count, cells] (cells = the map's height·width, 49 for 28×28 images). */
async function codeMaps(vq: VqVae, set: ImageSet, limit: number): Promise<Int32Array> {
  const perSet = codeMapCache.get(vq) ?? new WeakMap<ImageSet, Map<number, Int32Array>>();
  codeMapCache.set(vq, perSet);
  const perLimit = perSet.get(set) ?? new Map<number, Int32Array>();
  perSet.set(set, perLimit);
  let maps = perLimit.get(limit);
  if (!maps) {
    maps = Int32Array.from(
      await inChunks(set, limit, (x, count) => {
        const codes = tf.tidy(() => vq.quantize(tf.tensor2d(x, [count, x.length / count])));
        const values = codes.dataSync();
        codes.dispose();
        return values;
      })
    );
    perLimit.set(limit, maps);
  }
  return maps;
}

/** Codebook tiles decoded per chunk. */
const TILE_CHUNK = 256;

/**
 * Codebook entries as tiles (a code map filled with that code), with usage over a set: every
 * entry, or with `tiles` = [first, count] entries first … first + count − 1 that exist (a large
 * codebook of large images is asked a part at a time, its size learnt from the first part's
 * usage). A UserError for a first entry outside the codebook.
 */
export async function codebookStats(model: Autoencoder, set: ImageSet, limit: number, tiles?: [number, number]) {
  const vq = requireFamily(model, VqVae, 'a VQ-VAE', 'the codebook view');
  const size = vq.settings.codebookSize;
  const first = tiles?.[0] ?? 0;
  if (first >= size) throw new UserError(`entry ${first} is outside this codebook of ${size} (0–${size - 1})`);
  const count = Math.min(tiles?.[1] ?? size, size - first);
  const usage = countCodes(await codeMaps(vq, set, limit), size);
  // A chunk of tiles at a time: the decoder's activations for 4096 tiles at once need gigabytes.
  const images: string[] = [];
  for (let start = first; start < first + count; start += TILE_CHUNK) {
    const codes = Math.min(TILE_CHUNK, first + count - start);
    images.push(...tf.tidy(() => imagesOf(vq.decodeCodes(tf.tile(tf.range(start, start + codes, 1, 'int32').expandDims(1), [1, vq.mapSize[0] * vq.mapSize[1]]) as tf.Tensor2D))));
  }
  return { tiles: images, usage, ...usageStats(usage) };
}

/** The test images that use `code` most often. */
export async function codeUsers(model: Autoencoder, set: ImageSet, code: number, count: number, limit = 10_000) {
  const vq = requireFamily(model, VqVae, 'a VQ-VAE', 'finding code users');
  const maps = await codeMaps(vq, set, limit);
  const cells = maps.length / Math.min(limit, set.count);
  const perImage = Array.from({ length: maps.length / cells }, (_, i) => ({ index: i, count: maps.subarray(i * cells, (i + 1) * cells).filter((c) => c === code).length }));
  const top = perImage.filter((p) => p.count > 0).sort((a, b) => b.count - a.count || a.index - b.index).slice(0, count);
  const images = top.length ? tf.tidy(() => imagesOf(setImages(set, top.map((t) => t.index)).x)) : [];
  return { indices: top.map((t) => t.index), counts: top.map((t) => t.count), images };
}
