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
import { closeModel, openModelFolder, readLibraryManifest } from '../../src/main/engine/persistence/library-model';
import { createEngineHost } from '../../src/main/host/engine-host';

const FIXTURES = resolve('test/fixtures/onnx');
const fixture = (file: string) => join(FIXTURES, file);

interface PyTorchOutputs {
  kind: 'ae' | 'vae';
  imageShape: number[];
  latent: number;
  testIndices: number[];
  encodings: number[][];
  z: number[][];
  decodings: number[][];
  reconstructions: number[][];
}
const pytorch = JSON.parse(readFileSync(fixture('pytorch-outputs.json'), 'utf8')) as Record<string, PyTorchOutputs>;
const mnist = await loadDataset('mnist');
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

test('bad input: one line naming the file, tensor or op and the fix; nothing written', async () => {
  const badLibrary = mkdtempSync(join(tmpdir(), 'le-onnx-bad-'));
  const notOnnx = join(badLibrary, '..', `not-onnx-${process.pid}.onnx`);
  writeFileSync(notOnnx, 'this is not a protobuf');
  const cases: [Partial<OnnxImport>, RegExp][] = [
    [{ encoder: readGraphFile(notOnnx) }, /not-onnx-\d+\.onnx is not an ONNX model .*: export it from PyTorch with torch\.onnx\.export/],
    [{ encoder: readGraphFile(fixture('unknown-op.encoder.onnx')) }, /unknown-op\.encoder\.onnx: ONNX Runtime cannot run this graph: .*Frobnicate.*re-export it with standard ONNX ops/],
    [{ decoder: readGraphFile(fixture('vae-mlp-2.decoder.onnx')) }, /latent mismatch: .*ae-mlp-8\.encoder\.onnx output "z" has 8 values .*vae-mlp-2\.decoder\.onnx input "z" has shape \[batch, 2\].*takes \[batch, 8\]/],
    [{ encoder: readGraphFile(fixture('wrong-size.encoder.onnx')) }, /wrong-size\.encoder\.onnx: input "image" has shape \[batch, 1, 32, 32\] but MNIST digits images are 1×28×28.*export the encoder for \[batch, 1, 28, 28\]/],
    [{ encoder: readGraphFile(fixture('ae-mlp-8.decoder.onnx')) }, /ae-mlp-8\.decoder\.onnx: input "z" has shape \[batch, 8\] but MNIST digits images/],
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
