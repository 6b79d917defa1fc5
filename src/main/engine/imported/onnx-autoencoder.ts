// An autoencoder trained elsewhere (PyTorch, …) and imported as two ONNX graphs, run with ONNX
// Runtime's CPU provider in the engine process. It answers the latent views like a model
// trained here (LatentModel): images in [0, 1] as [count, pixels] channels last, latent means as
// [count, latent]. A graph that takes or gives channels first (PyTorch's NCHW) is fed and read
// through a transpose.
import * as ort from 'onnxruntime-node';
import { join } from 'node:path';
import { MNIST_SHAPE, type ImageShape } from '../../../shared/network';
import { readRegularFile } from '../data/regular-file';
import type { LatentModel } from '../explore/latent-model';
import type { ImportedManifest } from './imported-manifest';

/** An ONNX graph's input shape with the batch dimension set to `batch`. */
function withBatch(shape: ImportedManifest['encoder']['inputShape'], batch: number): number[] {
  return [batch, ...shape.slice(1).map(Number)];
}

/** Runs `session` on `values` ([count, width] row-major) in batches of the graph's fixed size, or all at once. */
export async function runInBatches(
  session: ort.InferenceSession,
  input: string,
  inputShape: ImportedManifest['encoder']['inputShape'],
  outputs: string[],
  values: Float32Array,
  count: number
): Promise<Float32Array[]> {
  const fixed = typeof inputShape[0] === 'number' ? inputShape[0] : count;
  const width = values.length / count;
  const parts: Float32Array[][] = outputs.map(() => []);
  for (let start = 0; start < count; start += fixed) {
    // A graph exported with a fixed batch (no dynamic_axes) gets full batches: the last is zero-padded.
    const slice = new Float32Array(fixed * width);
    slice.set(values.subarray(start * width, Math.min(count, start + fixed) * width));
    const result = await session.run({ [input]: new ort.Tensor('float32', slice, withBatch(inputShape, fixed)) });
    outputs.forEach((name, k) => {
      const data = result[name]!.data as Float32Array;
      const rows = Math.min(fixed, count - start);
      parts[k]!.push(data.slice(0, (data.length / fixed) * rows));
    });
    for (const tensor of Object.values(result)) tensor.dispose();
  }
  return parts.map((chunks) => {
    const out = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const chunk of chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  });
}

/**
 * `count` images, [count, height·width·channels], from one pixel order to the other ('hwc':
 * channels last, the app's; 'chw': channels first, PyTorch's). The same array when they agree or
 * the images are gray.
 */
export function reorderPixels(values: Float32Array, count: number, { height, width, channels }: ImageShape, from: 'chw' | 'hwc', to: 'chw' | 'hwc'): Float32Array {
  if (from === to || channels === 1) return values;
  const plane = height * width;
  const out = new Float32Array(values.length);
  for (let n = 0; n < count; n++) {
    const base = n * plane * channels;
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < channels; c++) {
        const [hwc, chw] = [base + p * channels + c, base + c * plane + p];
        if (from === 'hwc') out[chw] = values[hwc]!;
        else out[hwc] = values[chw]!;
      }
    }
  }
  return out;
}

export class OnnxAutoencoder implements LatentModel {
  readonly latentDim: number;
  /** The images the graphs were checked for at import (imports from before colour: 28×28 gray). */
  readonly image: ImageShape;

  private constructor(
    readonly manifest: ImportedManifest,
    private readonly encoder: ort.InferenceSession,
    private readonly decoder: ort.InferenceSession
  ) {
    this.latentDim = manifest.latent;
    this.image = manifest.image ?? MNIST_SHAPE;
  }

  /** Opens the graphs of an imported model's folder (checked at import; the manifest says how to run them). */
  static async open(dir: string, manifest: ImportedManifest): Promise<OnnxAutoencoder> {
    const encoder = await ort.InferenceSession.create(readRegularFile(join(dir, manifest.encoder.file)));
    // The dragged probe decodes one point at a time: waking a thread pool for it costs more than it
    // saves (bench, imported MLP: p95 0.2–0.3 ms on one thread, 2–4 ms with the default pool on 2 cores).
    const decoder = await ort.InferenceSession.create(readRegularFile(join(dir, manifest.decoder.file)), { intraOpNumThreads: 1 });
    return new OnnxAutoencoder(manifest, encoder, decoder);
  }

  /** [count, pixels] in [0, 1], channels last → the encoder's μ (or code), [count, latent]; the graph's own range and pixel order are applied first. */
  async encode(x: Float32Array, count: number): Promise<Float32Array> {
    const { encoder, range } = this.manifest;
    const ordered = reorderPixels(x, count, this.image, 'hwc', encoder.order ?? 'chw');
    const input = range === 'symmetric' ? ordered.map((v) => v * 2 - 1) : ordered;
    const [mu] = await runInBatches(this.encoder, encoder.input, encoder.inputShape, [encoder.mu], input, count);
    return mu!;
  }

  /** [count, latent] → the decoder's images as [count, pixels] channels last, mapped to [0, 1] from the graph's range. */
  async decode(z: Float32Array, count: number): Promise<Float32Array> {
    const { decoder, range } = this.manifest;
    const [output] = await runInBatches(this.decoder, decoder.input, decoder.inputShape, [decoder.output], z, count);
    const images = reorderPixels(output!, count, this.image, decoder.order ?? 'chw', 'hwc');
    // Shown images are [0, 1]; a [-1, 1] decoder's output is mapped back (clipped when drawn).
    return range === 'symmetric' ? images.map((v) => (v + 1) / 2) : images;
  }

  async reconstruct(x: Float32Array, count: number): Promise<Float32Array> {
    return this.decode(await this.encode(x, count), count);
  }

  /** Frees both sessions (ONNX Runtime's native memory). */
  async release(): Promise<void> {
    await Promise.all([this.encoder.release(), this.decoder.release()]);
  }
}
