// Imported models: the ONNX fixtures written by bench/reference/export_fixtures.py (PyTorch's own
// models and outputs) imported into a library, then run through ONNX Runtime and compared with
// PyTorch's encodings, decodings and reconstructions of the same inputs.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { loadDataset } from '../../src/main/engine/data/datasets';
import { setPixels } from '../../src/main/engine/explore/explore';
import { importOnnxModel, readGraphFile, type OnnxImport } from '../../src/main/engine/imported/import-onnx';
import { reorderPixels } from '../../src/main/engine/imported/onnx-autoencoder';
import type { ImageShape } from '../../src/shared/network';
import { closeModel, openModelFolder, readLibraryManifest } from '../../src/main/engine/persistence/library-model';
import { createEngineHost } from '../../src/main/host/engine-host';

const FIXTURES = resolve('test/fixtures/onnx');
const fixture = (file: string) => join(FIXTURES, file);

interface PyTorchOutputs {
  kind: 'ae' | 'vae';
  imageShape: number[];
  /** Colour fixtures: [height, width, channels], inputs from sineImages, images kept every `every`-th value. */
  image?: [number, number, number];
  every?: number;
  latent: number;
  testIndices: number[];
  encodings: number[][];
  z: number[][];
  decodings: number[][];
  reconstructions: number[][];
}
const pytorch = JSON.parse(readFileSync(fixture('pytorch-outputs.json'), 'utf8')) as Record<string, PyTorchOutputs>;
const mnist = await loadDataset('mnist');
const sprites = await loadDataset('sprites');
const library = mkdtempSync(join(tmpdir(), 'le-onnx-'));

const options = (kind: string, extra: Partial<OnnxImport> = {}): OnnxImport => ({
  encoder: readGraphFile(fixture(`${kind}.encoder.onnx`)),
  decoder: readGraphFile(fixture(`${kind}.decoder.onnx`)),
  dataset: async () => mnist,
  datasetRef: 'mnist',
  name: kind,
  range: 'unit',
  ...extra,
});

/**
 * The largest difference from PyTorch's values, each relative to max(1, |value|): absolute for
 * images in [0, 1]; for codes as large as the conv AE's (|z| ≈ 13) float32 sums taken in another
 * order differ by ~1e-5 absolute, ~1e-6 of the value, which is float32's precision, not an error.
 */
function maxDiff(actual: Float32Array, expected: number[][]): number {
  const flat = expected.flat();
  assert.equal(actual.length, flat.length, 'same number of values');
  return flat.reduce((worst, v, i) => Math.max(worst, Math.abs(actual[i]! - v) / Math.max(1, Math.abs(v))), 0);
}

for (const kind of ['ae-mlp-8', 'vae-mlp-2', 'conv-ae-16']) {
  test(`${kind}: imported shapes, and encodings, decodings, reconstructions within 1e-5 of PyTorch's`, async () => {
    const expected = pytorch[kind]!;
    const dir = join(library, kind);
    const manifest = await importOnnxModel(options(kind), dir);
    assert.equal(manifest.family, expected.kind);
    assert.equal(manifest.latent, expected.latent);
    assert.deepEqual(manifest.encoder.inputShape.slice(1), expected.imageShape, 'image shape read from the graph');
    assert.equal(manifest.encoder.sha256, createHash('sha256').update(readFileSync(fixture(`${kind}.encoder.onnx`))).digest('hex'));
    assert.equal(manifest.decoder.sha256, createHash('sha256').update(readFileSync(fixture(`${kind}.decoder.onnx`))).digest('hex'));
    assert.deepEqual(readLibraryManifest(dir), manifest, 'the manifest on disk is the one returned');

    const opened = await openModelFolder(dir);
    try {
      const x = setPixels(mnist.test, expected.testIndices);
      const count = expected.testIndices.length;
      assert.ok(maxDiff(await opened.latent.encode(x, count), expected.encodings) <= 1e-5, 'encodings (μ for the VAE)');
      assert.ok(maxDiff(await opened.latent.decode(Float32Array.from(expected.z.flat()), expected.z.length), expected.decodings) <= 1e-5, 'decodings');
      assert.ok(maxDiff(await opened.latent.reconstruct(x, count), expected.reconstructions) <= 1e-5, 'reconstructions');
    } finally {
      closeModel(opened);
    }
  });
}

/** export_fixtures.py's sine_images without a generator, channels last: 0.5 + 0.5·sin(0.37·y + 0.23·x + 2.1·c + 1.3·n). */
function sineImages(count: number, { height, width, channels }: ImageShape): Float32Array {
  const out = new Float32Array(count * height * width * channels);
  let i = 0;
  for (let n = 0; n < count; n++) for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < channels; c++) out[i++] = 0.5 + 0.5 * Math.sin(0.37 * y + 0.23 * x + 2.1 * c + 1.3 * n);
  return out;
}

/** Every `every`-th value of each image (the fixture keeps those). */
const everyNth = (images: Float32Array, count: number, every: number) => {
  const width = images.length / count;
  return Array.from({ length: count }, (_, n) => Array.from(images.subarray(n * width, (n + 1) * width)).filter((_, i) => i % every === 0));
};

test('conv-rgb-32 (NCHW, symbolic height and width): 32×32×3 from the dataset or --image, and PyTorch\'s outputs within 1e-5', async () => {
  const expected = pytorch['conv-rgb-32']!;
  const [height, width, channels] = expected.image!;
  const image = { height, width, channels };
  for (const [name, extra] of [['rgb-from-dataset', {}], ['rgb-from-option', { image }]] as const) {
    const dir = join(library, name);
    const manifest = await importOnnxModel(options('conv-rgb-32', { dataset: async () => sprites, datasetRef: 'sprites', name, ...extra }), dir);
    assert.deepEqual(manifest.image, image, 'the manifest records the image shape');
    assert.deepEqual(manifest.encoder.inputShape, ['batch', ...expected.imageShape], 'symbolic height and width fixed');
    assert.deepEqual([manifest.encoder.order, manifest.decoder.order], ['chw', 'chw']);
    const opened = await openModelFolder(dir);
    try {
      assert.deepEqual(opened.latent.image, image);
      const x = sineImages(4, image);
      const every = expected.every!;
      assert.ok(maxDiff(await opened.latent.encode(x, 4), expected.encodings) <= 1e-5, 'encodings: the images reach the graph channels first');
      const decoded = await opened.latent.decode(Float32Array.from(expected.z.flat()), expected.z.length);
      assert.equal(decoded.length, expected.z.length * height * width * channels);
      assert.ok(maxDiff(Float32Array.from(everyNth(decoded, expected.z.length, every).flat()), expected.decodings) <= 1e-5, 'decodings come back channels last');
      assert.ok(maxDiff(Float32Array.from(everyNth(await opened.latent.reconstruct(x, 4), 4, every).flat()), expected.reconstructions) <= 1e-5, 'reconstructions');
    } finally {
      closeModel(opened);
    }
  }
});

test('pixel order: channels last ↔ channels first and back is the identity; gray is left as it is', () => {
  const image = { height: 2, width: 3, channels: 3 };
  const hwc = Float32Array.from({ length: 2 * 18 }, (_, i) => i);
  const chw = reorderPixels(hwc, 2, image, 'hwc', 'chw');
  // Image 1, channel 2, row 1, column 0: channels last at 18 + (1·3 + 0)·3 + 2, channels first at 18 + 2·6 + 3.
  assert.equal(chw[18 + 2 * 6 + 3], hwc[18 + (1 * 3 + 0) * 3 + 2]);
  assert.deepEqual(reorderPixels(chw, 2, image, 'chw', 'hwc'), hwc);
  const gray = Float32Array.of(1, 2, 3, 4);
  assert.equal(reorderPixels(gray, 1, { height: 2, width: 2, channels: 1 }, 'hwc', 'chw'), gray);
});

test('bad input: one line naming the file, tensor or op and the fix; nothing written', async () => {
  const badLibrary = mkdtempSync(join(tmpdir(), 'le-onnx-bad-'));
  const notOnnx = join(badLibrary, '..', `not-onnx-${process.pid}.onnx`);
  writeFileSync(notOnnx, 'this is not a protobuf');
  const cases: [Partial<OnnxImport>, RegExp][] = [
    [{ encoder: readGraphFile(notOnnx) }, /not-onnx-\d+\.onnx is not an ONNX model .*: export it from PyTorch with torch\.onnx\.export/],
    [{ encoder: readGraphFile(fixture('unknown-op.encoder.onnx')) }, /unknown-op\.encoder\.onnx: ONNX Runtime cannot run this graph: .*Frobnicate.*re-export it with standard ONNX ops/],
    [{ decoder: readGraphFile(fixture('vae-mlp-2.decoder.onnx')) }, /latent mismatch: .*ae-mlp-8\.encoder\.onnx output "z" has 8 values .*vae-mlp-2\.decoder\.onnx input "z" has shape \[batch, 2\].*takes \[batch, 8\]/],
    [{ encoder: readGraphFile(fixture('wrong-size.encoder.onnx')) }, /wrong-size\.encoder\.onnx: input "image" has shape \[batch, 1, 32, 32\] \(32×32×1 images\) but MNIST digits images are 28×28×1 \(784 values\): import it with the --dataset it was trained on, or export the encoder for \[batch, 1, 28, 28\]/],
    [{ encoder: readGraphFile(fixture('ae-mlp-8.decoder.onnx')) }, /ae-mlp-8\.decoder\.onnx: input "z" has shape \[batch, 8\] \(8 values per image\) but MNIST digits images/],
    // Colour: the RGB encoder against a gray dataset, the flat MLP against an RGB one, a --image the graph contradicts, a --image the dataset contradicts, decoders of another shape.
    [{ ...options('conv-rgb-32') }, /conv-rgb-32\.encoder\.onnx: input "image" has shape \[batch, 3, height, width\] \(28×28×3 images\) but MNIST digits images are 28×28×1 \(784 values\): import it with the --dataset it was trained on/],
    [{ dataset: async () => sprites, datasetRef: 'sprites' }, /ae-mlp-8\.encoder\.onnx: input "image" has shape \[batch, 784\] \(784 values per image\) but Sprites .* images are 32×32×3 \(3072 values\): .*export the encoder for \[batch, 3072\]/],
    [{ ...options('conv-rgb-32'), dataset: async () => sprites, image: { height: 32, width: 32, channels: 1 } }, /conv-rgb-32\.encoder\.onnx: input "image" has shape \[batch, 3, height, width\] \(32×32×3 images\) but --image says 32×32×1: give the --image the graph was exported for/],
    [{ ...options('conv-rgb-32'), image: { height: 32, width: 32, channels: 3 } }, /^--image 32×32×3 but MNIST digits images are 28×28×1: import with the --dataset the model was trained on/],
    [{ ...options('conv-rgb-32'), dataset: async () => sprites, decoder: readGraphFile(fixture('conv-ae-16.decoder.onnx')) }, /latent mismatch: .*conv-rgb-32\.encoder\.onnx output "z" has 8 values/],
    [{ decoder: readGraphFile(fixture('conv-rgb-32.decoder.onnx')) }, /conv-rgb-32\.decoder\.onnx: output "image" \(shape \[batch, 3, 32, 32\]\) gives 32×32×3 images but .*ae-mlp-8\.encoder\.onnx takes 28×28×1 images \(784 values\): import the encoder and decoder of the same model/],
    [{ ...options('vae-mlp-2'), outputs: ['mean', 'logvar'] }, /has no output "mean" \(its outputs are mu, logvar\): name μ and log σ² with --outputs MU,LOGVAR/],
  ];
  for (const [change, pattern] of cases) {
    await assert.rejects(importOnnxModel(options('ae-mlp-8', change), join(badLibrary, 'model')), (error: Error) => {
      assert.match(error.message, pattern);
      assert.equal(error.message.includes('\n'), false, 'one line');
      return true;
    });
  }
  assert.throws(() => readGraphFile(join(badLibrary, 'missing.onnx')), /missing\.onnx cannot be read/);
  assert.deepEqual(readdirSync(badLibrary), [], 'nothing written');
});

test('a VAE whose outputs are named by --outputs imports the same as by their names', async () => {
  const manifest = await importOnnxModel(options('vae-mlp-2', { name: 'named', outputs: ['mu', 'logvar'] }), join(library, 'named'));
  assert.equal(manifest.encoder.mu, 'mu');
  assert.equal(manifest.encoder.logvar, 'logvar');
});

test('the engine lists imported models beside trained ones and explores them', async () => {
  const host = await createEngineHost({ modelsDir: library, bundledDir: resolve('resources/models') });
  try {
    const models = await host.call('models.list', {});
    const imported = models.find((m) => m.id === 'user/vae-mlp-2')!;
    assert.equal(imported.imported, true);
    assert.equal(imported.family, 'vae');
    assert.equal(imported.latent, 2);
    assert.equal(models.find((m) => m.id === 'bundled/mnist-vae-2d')!.imported, false);
    const { images } = await host.call('model.decode', { id: 'user/vae-mlp-2', z: [[0, 0], [1, -1]] });
    assert.equal(images.length, 2);
    assert.notEqual(images[0], images[1], 'different points decode to different images');
    const grid = await host.call('model.grid', { id: 'user/vae-mlp-2', n: 3, mode: 'quantiles' });
    assert.equal(grid.images.length, 9);
    const encoded = await host.call('model.encode', { id: 'user/conv-ae-16', split: 'test', limit: 50 });
    assert.equal(encoded.points.length, 50 * 16);
    const pca = await host.call('model.pca', { id: 'user/conv-ae-16' });
    assert.equal(pca.axes[0]!.length, 16);
    const upload = (file: string) => ({ fileName: file, data: readFileSync(fixture(file)).toString('base64') });
    const summary = await host.call('models.import', { name: 'uploaded', dataset: 'mnist', range: 'unit', encoder: upload('ae-mlp-8.encoder.onnx'), decoder: upload('ae-mlp-8.decoder.onnx') });
    assert.deepEqual([summary.id, summary.imported, summary.family, summary.latent], ['user/uploaded', true, 'ae', 8]);
    await assert.rejects(
      host.call('models.import', { name: 'mismatched', dataset: 'mnist', range: 'unit', encoder: upload('ae-mlp-8.encoder.onnx'), decoder: upload('vae-mlp-2.decoder.onnx') }),
      /latent mismatch: ae-mlp-8\.encoder\.onnx output "z" has 8 values per image but vae-mlp-2\.decoder\.onnx input "z"/
    );
    await assert.rejects(host.call('models.export', { id: 'user/vae-mlp-2', format: 'safetensors' }), /export to PyTorch needs a model trained here; user\/vae-mlp-2 was imported from ONNX/);
    await assert.rejects(host.call('model.codebook', { id: 'user/vae-mlp-2', limit: 10 }), /the codebook view needs a model trained here; user\/vae-mlp-2 was imported from ONNX/);
  } finally {
    await host.dispose();
  }
});
