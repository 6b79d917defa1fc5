// Importing a PyTorch-trained autoencoder exported as two ONNX graphs (encoder, decoder): every
// shape is read from the graphs and checked against the dataset and each other, both graphs are
// run once on a batch, and only then is the model folder written (all at once, by a rename).
import * as ort from 'onnxruntime-node';
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { ImageShape } from '../../../shared/network';
import { readRegularFile } from '../data/regular-file';
import type { Dataset } from '../data/datasets';
import { UserError } from '../errors';
import { imagePixels } from '../models/network';
import { writeFileAtomic } from '../persistence/model-folder';
import { MANIFEST_FILE, MANIFEST_FORMAT } from '../persistence/manifest';
import { APP_NAME, APP_VERSION } from '../version';
import type { ImportedManifest } from './imported-manifest';
import { runInBatches } from './onnx-autoencoder';

/** An ONNX file's bytes and what to call it in messages and the manifest (its path, or an uploaded file's name). */
export interface GraphSource {
  source: string;
  bytes: Uint8Array;
}

/** Reads an ONNX file named on the command line; a message naming it when it cannot be read. */
export function readGraphFile(path: string): GraphSource {
  const source = resolve(path);
  try {
    return { source, bytes: readRegularFile(source) };
  } catch (error) {
    throw new UserError(`${source} cannot be read: ${(error as Error).message}`, 'not-found');
  }
}

export interface OnnxImport {
  encoder: GraphSource;
  decoder: GraphSource;
  /**
   * The images the model was trained on (their title and counts go in the manifest; the map
   * encodes them), loaded only once both files have opened as ONNX graphs.
   */
  dataset: () => Promise<Dataset>;
  /** The dataset as the user named it (a bundled name or a folder), kept in the manifest. */
  datasetRef: string;
  name: string;
  /** The images' range in the graphs: [0, 1] or [-1, 1]. */
  range: ImportedManifest['range'];
  /** A VAE's two encoder outputs by name, μ first, where their names do not say which is which. */
  outputs?: [string, string];
  /** The images' shape where the graphs leave it symbolic (--image 32x32x3); by default the dataset's. */
  image?: ImageShape;
}

/** One line of ONNX Runtime's message, without its source-file prefix. */
function runtimeMessage(error: unknown): string {
  return String((error as Error).message ?? error).split('\n')[0]!.replace(/^\[[^\]]*\]\s*/, '').trim();
}

async function openGraph({ source: path, bytes }: GraphSource): Promise<{ session: ort.InferenceSession; bytes: Uint8Array }> {
  try {
    return { session: await ort.InferenceSession.create(bytes), bytes };
  } catch (error) {
    const message = runtimeMessage(error);
    if (/protobuf parsing failed|Invalid model|ModelProto/i.test(message)) {
      throw new UserError(`${path} is not an ONNX model (${message}): export it from PyTorch with torch.onnx.export(module, example_input, "${basename(path)}")`);
    }
    throw new UserError(`${path}: ONNX Runtime cannot run this graph: ${message}; re-export it with standard ONNX ops (torch.onnx.export, opset 13 or later) or replace that op`);
  }
}

type Metadata = ort.InferenceSession.ValueMetadata;

function tensorShape(path: string, what: string, meta: Metadata): ReadonlyArray<number | string> {
  if (!meta.isTensor || meta.type !== 'float32') {
    throw new UserError(`${path}: ${what} "${meta.name}" is ${meta.isTensor ? meta.type : 'not a tensor'}, not float32: export the model in float32 (model.float()) before torch.onnx.export`);
  }
  return meta.shape;
}

const pretty = (shape: ReadonlyArray<number | string>) => `[${shape.join(', ')}]`;

/** "32×32×3": an image shape as messages name it. */
const shapeName = ({ height, width, channels }: ImageShape) => `${height}×${width}×${channels}`;

type Dim = number | string;

/**
 * One image's dimensions in a graph's tensor (without the batch) and their pixel order, from its
 * rank: [pixels] (flat, as PyTorch's flatten of C×H×W), [H, W] (gray), [C, H, W] (PyTorch's NCHW)
 * or [H, W, C] (channels last: only when the last dimension is 1 or 3 and the first is not).
 * `image` fills the symbolic dimensions. Null for another rank.
 */
function imageDims(dims: readonly Dim[], image: ImageShape): { dims: Dim[]; order: 'chw' | 'hwc' } | null {
  const { height, width, channels } = image;
  const isChannels = (d: Dim | undefined) => d === 1 || d === 3;
  const wanted: Record<number, Dim[]> = { 1: [imagePixels(image)], 2: [height, width], 3: [channels, height, width] };
  const order = dims.length === 3 && isChannels(dims[2]) && !isChannels(dims[0]) ? 'hwc' : 'chw';
  const shape = order === 'hwc' ? [height, width, channels] : wanted[dims.length];
  return shape ? { dims: dims.map((d, i) => (typeof d === 'number' ? d : shape[i]!)), order } : null;
}

/** The image shape fixed dims say, where they say all of it (null for a flat tensor, whose pixels could be any shape). */
function shapeOfDims(dims: readonly Dim[], order: 'chw' | 'hwc'): ImageShape | null {
  const n = dims.map(Number);
  if (dims.length === 2) return { height: n[0]!, width: n[1]!, channels: 1 };
  if (dims.length === 3) return order === 'hwc' ? { height: n[0]!, width: n[1]!, channels: n[2]! } : { height: n[1]!, width: n[2]!, channels: n[0]! };
  return null;
}

const sameShape = (a: ImageShape, b: ImageShape) => a.height === b.height && a.width === b.width && a.channels === b.channels;

/**
 * The encoder's input shape with its image dimensions fixed, its pixel order, and the image shape
 * it takes: flat [B, pixels], or [B, C, H, W], [B, H, W], [B, H, W, C]. Fixed dimensions are read
 * from the graph, symbolic ones from `given` (the user's --image) or else the dataset's shape; the
 * result must agree with both.
 */
function imageInput(path: string, meta: Metadata, dataset: Dataset, given: ImageShape | undefined): { inputShape: Dim[]; order: 'chw' | 'hwc'; image: ImageShape } {
  const shape = tensorShape(path, 'input', meta);
  const reference = given ?? dataset.shape;
  const read = imageDims(shape.slice(1), reference);
  if (!read) {
    throw new UserError(`${path}: input "${meta.name}" has shape ${pretty(shape)}; the encoder must take a batch of images, [batch, pixels] or [batch, channels, height, width]: export it with such an example input`);
  }
  const inputShape = [shape[0]!, ...read.dims];
  const fixedPixels = read.dims.reduce<number>((n, d) => n * Number(d), 1);
  const image = shapeOfDims(read.dims, read.order) ?? (fixedPixels === imagePixels(reference) ? reference : null);
  const { height, width, channels } = reference;
  const example = read.dims.length === 1 ? `[batch, ${imagePixels(reference)}]` : `[batch, ${channels}, ${height}, ${width}]`;
  if (!image || !sameShape(image, reference)) {
    const what = image ? `${shapeName(image)} images` : `${fixedPixels} values per image`;
    const against = given ? `--image says ${shapeName(given)}` : `${dataset.title} images are ${shapeName(reference)} (${imagePixels(reference)} values)`;
    const fix = given ? 'give the --image the graph was exported for' : `import it with the --dataset it was trained on, or export the encoder for ${example}`;
    throw new UserError(`${path}: input "${meta.name}" has shape ${pretty(shape)} (${what}) but ${against}: ${fix}`);
  }
  if (given && !sameShape(given, dataset.shape)) {
    throw new UserError(`--image ${shapeName(given)} but ${dataset.title} images are ${shapeName(dataset.shape)}: import with the --dataset the model was trained on (its images ${shapeName(given)})`);
  }
  return { inputShape, order: read.order, image };
}

/** Which of a VAE encoder's two outputs is μ and which log σ², from their names or the user's `outputs`. */
function posteriorOutputs(path: string, names: readonly string[], outputs?: [string, string]): { mu: string; logvar: string } {
  if (outputs) {
    const missing = outputs.find((name) => !names.includes(name));
    if (missing) throw new UserError(`${path} has no output "${missing}" (its outputs are ${names.join(', ')}): name μ and log σ² with --outputs MU,LOGVAR`);
    return { mu: outputs[0], logvar: outputs[1] };
  }
  const mu = names.filter((n) => /(^|[^a-z])(mu|mean)([^a-z]|$)/i.test(n));
  const logvar = names.filter((n) => /log.?(var|sigma)|logvar/i.test(n));
  if (mu.length !== 1 || logvar.length !== 1 || mu[0] === logvar[0]) {
    throw new UserError(`${path} has two outputs (${names.join(', ')}) whose names do not say which is μ and which log σ²: import with --outputs MU,LOGVAR`);
  }
  return { mu: mu[0]!, logvar: logvar[0]! };
}

async function probe(path: string, run: () => Promise<Float32Array[]>): Promise<Float32Array[]> {
  try {
    return await run();
  } catch (error) {
    throw new UserError(`${path}: running the graph on one batch failed (${runtimeMessage(error)}): export it with a dynamic batch axis (dynamic_axes={"input": {0: "batch"}}) and fixed image and latent sizes`);
  }
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * Checks an encoder/decoder pair and writes it as the model folder `dir` (which must not exist):
 * encoder.onnx, decoder.onnx and manifest.json. Every problem is a UserError naming the file, the
 * tensor or op and the fix, and then nothing is written.
 */
export async function importOnnxModel(options: OnnxImport, dir: string): Promise<ImportedManifest> {
  const [encoderPath, decoderPath] = [options.encoder.source, options.decoder.source];
  const encoder = await openGraph(options.encoder);
  const decoder = await openGraph(options.decoder);
  try {
    const dataset = await options.dataset();
    const [encoderInput, ...extraInputs] = encoder.session.inputMetadata;
    if (!encoderInput || extraInputs.length > 0) throw new UserError(`${encoderPath} has ${encoder.session.inputNames.length} inputs: the encoder must take one, the batch of images`);
    const { inputShape: imageShape, order: encoderOrder, image } = imageInput(encoderPath, encoderInput, dataset, options.image);
    const pixels = imagePixels(image);
    const outputNames = encoder.session.outputNames;
    if (outputNames.length > 2) throw new UserError(`${encoderPath} has ${outputNames.length} outputs (${outputNames.join(', ')}): an encoder returns the code (AE) or μ and log σ² (VAE)`);
    for (const meta of encoder.session.outputMetadata) tensorShape(encoderPath, 'output', meta);
    const posterior = outputNames.length === 2 ? posteriorOutputs(encoderPath, outputNames, options.outputs) : { mu: outputNames[0]! };
    if (options.outputs && outputNames.length === 1) throw new UserError(`${encoderPath} has one output (${outputNames[0]}), so it is a plain AE: import it without --outputs`);

    const batch = typeof imageShape[0] === 'number' ? imageShape[0] : 1;
    const encoded = await probe(encoderPath, () =>
      runInBatches(encoder.session, encoderInput.name, imageShape, Object.values(posterior), new Float32Array(batch * pixels), batch)
    );
    const latent = encoded[0]!.length / batch;
    if ('logvar' in posterior && encoded[1]!.length / batch !== latent) {
      throw new UserError(`${encoderPath}: μ "${posterior.mu}" has ${latent} values per image but log σ² "${posterior.logvar}" has ${encoded[1]!.length / batch}: they must match`);
    }

    const [decoderInput, ...extraDecoderInputs] = decoder.session.inputMetadata;
    if (!decoderInput || extraDecoderInputs.length > 0) throw new UserError(`${decoderPath} has ${decoder.session.inputNames.length} inputs: the decoder must take one, the batch of latent points`);
    const zShape = tensorShape(decoderPath, 'input', decoderInput);
    const zWidth = zShape.slice(1).reduce<number | null>((n, d) => (n === null || typeof d !== 'number' ? null : n * d), 1);
    if (zShape.length !== 2 || (zWidth !== null && zWidth !== latent)) {
      throw new UserError(
        `latent mismatch: ${encoderPath} output "${posterior.mu}" has ${latent} values per image but ${decoderPath} input "${decoderInput.name}" has shape ${pretty(zShape)}: import the encoder and decoder of the same model, whose decoder takes [batch, ${latent}]`
      );
    }
    if (decoder.session.outputNames.length !== 1) throw new UserError(`${decoderPath} has ${decoder.session.outputNames.length} outputs: the decoder must return one, the batch of images`);
    const decoderOutput = decoder.session.outputMetadata[0]!;
    const outputShape = tensorShape(decoderPath, 'output', decoderOutput);
    const decoderShape: (number | string)[] = [zShape[0]!, latent];
    const decoderBatch = typeof zShape[0] === 'number' ? zShape[0] : 1;
    const [decoded] = await probe(decoderPath, () =>
      runInBatches(decoder.session, decoderInput.name, decoderShape, [decoderOutput.name], new Float32Array(decoderBatch * latent), decoderBatch)
    );
    const decodedPixels = decoded!.length / decoderBatch;
    const output = imageDims(outputShape.slice(1), image);
    const outputImage = output && shapeOfDims(output.dims, output.order);
    if (decodedPixels !== pixels || (outputImage && !sameShape(outputImage, image))) {
      const what = outputImage ? `${shapeName(outputImage)} images` : `${decodedPixels} values per image`;
      throw new UserError(
        `${decoderPath}: output "${decoderOutput.name}" (shape ${pretty(outputShape)}) gives ${what} but ${encoderPath} takes ${shapeName(image)} images (${pixels} values): import the encoder and decoder of the same model`
      );
    }
    const manifest: ImportedManifest = {
      format: MANIFEST_FORMAT,
      kind: 'imported',
      app: { name: APP_NAME, version: APP_VERSION },
      name: options.name,
      family: 'logvar' in posterior ? 'vae' : 'ae',
      dataset: {
        ref: options.datasetRef,
        name: dataset.name,
        title: dataset.title,
        classes: dataset.classes,
        trainCount: dataset.train.count,
        testCount: dataset.test.count,
      },
      createdAt: new Date().toISOString(),
      range: options.range,
      latent,
      image,
      encoder: { file: 'encoder.onnx', source: encoderPath, sha256: sha256(encoder.bytes), bytes: encoder.bytes.length, input: encoderInput.name, inputShape: imageShape, ...posterior, order: encoderOrder },
      // A decoder's output of unstated layout (flat, symbolic) is read in the encoder's pixel order.
      decoder: { file: 'decoder.onnx', source: decoderPath, sha256: sha256(decoder.bytes), bytes: decoder.bytes.length, input: decoderInput.name, inputShape: decoderShape, output: decoderOutput.name, order: output?.dims.length === 3 ? output.order : encoderOrder },
    };
    // Written beside its final place and renamed: the library never lists a half-written import.
    const temp = join(dirname(dir), `.import-${basename(dir)}-${process.pid}`);
    mkdirSync(temp, { recursive: true });
    try {
      writeFileAtomic(join(temp, manifest.encoder.file), encoder.bytes);
      writeFileAtomic(join(temp, manifest.decoder.file), decoder.bytes);
      writeFileAtomic(join(temp, MANIFEST_FILE), JSON.stringify(manifest, null, 1));
      renameSync(temp, dir);
    } catch (error) {
      rmSync(temp, { recursive: true, force: true });
      throw error;
    }
    return manifest;
  } finally {
    await Promise.all([encoder.session.release(), decoder.session.release()]);
  }
}
