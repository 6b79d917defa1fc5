// Round trip to PyTorch: models trained here (the bundled ones), exported as safetensors, loaded
// with load_state_dict (strict) into the reference classes by bench/reference/export_fixtures.py,
// decode the same latent points to the same images. Needs python3 with torch (Debian's python3-torch).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { initBackend } from '../../src/main/engine/backend/backend';
import { latentModelOf } from '../../src/main/engine/explore/latent-model';
import { loadModelFolder, saveModelFolder } from '../../src/main/engine/persistence/model-folder';
import { pytorchSafetensors } from '../../src/main/engine/persistence/pytorch-export';
import { encodeSafetensors } from '../../src/main/engine/persistence/safetensors';
import { buildModel, requireRecipe, resolveSettings } from '../../src/main/engine/models/build';
import { createEngineHost } from '../../src/main/host/engine-host';

await initBackend();
const SCRIPT = resolve('bench/reference/export_fixtures.py');
const scratch = mkdtempSync(join(tmpdir(), 'le-export-'));
const PYTHON = ['/usr/bin/python3', 'python3'].find((python) => spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0);

test('python3 with torch is present for the round trip (Debian: apt-get install python3-torch)', () => {
  assert.ok(PYTHON, 'neither /usr/bin/python3 nor python3 imports torch');
});

for (const folder of ['mnist-vae-2d', 'mnist-dae']) {
  test(`${folder}: exported to safetensors, PyTorch's reference class decodes as we do (≤ 1e-5)`, async () => {
    const { model } = loadModelFolder(resolve('resources/models', folder));
    try {
      const { bytes } = pytorchSafetensors(model);
      const weights = join(scratch, `${folder}.safetensors`);
      writeFileSync(weights, bytes);
      const z = Array.from({ length: 5 }, (_, i) => Array.from({ length: model.latentDim }, (_, d) => Math.sin(i * 3 + d) * 1.5));
      const zFile = join(scratch, `${folder}.z.json`);
      writeFileSync(zFile, JSON.stringify(z));
      const ours = await latentModelOf(model).decode(Float32Array.from(z.flat()), z.length);
      const run = spawnSync(PYTHON!, [SCRIPT, 'roundtrip', weights, zFile], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      const theirs = (JSON.parse(run.stdout) as number[][]).flat();
      assert.equal(theirs.length, ours.length);
      const worst = theirs.reduce((m, v, i) => Math.max(m, Math.abs(v - ours[i]!)), 0);
      assert.ok(worst <= 1e-5, `max abs difference ${worst}`);
    } finally {
      model.params.dispose();
    }
  });
}

// Recipes without a reference class, and reference recipes at other image shapes: the module
// written beside the weights, loaded by PyTorch, encodes and decodes as we do. Freshly built
// models (seeded PyTorch-default init): the weights are arbitrary, which is what a layout check wants.
const WRITTEN: [string, { height: number; width: number; channels: number }][] = [
  ['ae-conv', { height: 28, width: 28, channels: 1 }],
  ['vae-conv', { height: 32, width: 32, channels: 3 }],
  ['dae-conv', { height: 20, width: 12, channels: 3 }],
  ['mae-conv', { height: 16, width: 16, channels: 1 }],
  ['vae-conv-2', { height: 28, width: 28, channels: 1 }],
  ['ae-mlp-8', { height: 32, width: 32, channels: 3 }],
  ['vae-mlp-8', { height: 28, width: 28, channels: 1 }],
  ['ae-mlp-128-fashion', { height: 28, width: 28, channels: 1 }],
  ['dropout-ae-mlp-8', { height: 28, width: 28, channels: 1 }],
];
for (const [recipe, image] of WRITTEN) {
  test(`${recipe} at ${image.height}×${image.width}×${image.channels}: the written PyTorch module encodes and decodes as we do (≤ 1e-5)`, async () => {
    const model = buildModel(requireRecipe(recipe), resolveSettings(requireRecipe(recipe), { seed: 3 }), image);
    try {
      const fileName = `${recipe}-${image.channels}.safetensors`;
      const { bytes, construct, module } = pytorchSafetensors(model, fileName);
      assert.equal(construct, 'Model()');
      assert.equal(module!.fileName, `${recipe.replace(/\W/g, '_')}_${image.channels}.py`);
      writeFileSync(join(scratch, fileName), bytes);
      writeFileSync(join(scratch, module!.fileName), module!.text);
      const pixels = image.height * image.width * image.channels;
      const latent = model.latentDim;
      const z = Array.from({ length: 3 }, (_, i) => Array.from({ length: latent }, (_, d) => Math.sin(i * 3 + d) * 1.5));
      const x = Array.from({ length: 3 }, (_, i) => Array.from({ length: pixels }, (_, p) => 0.5 + 0.5 * Math.sin(0.37 * p + 1.3 * i)));
      writeFileSync(join(scratch, `${recipe}.z.json`), JSON.stringify(z));
      writeFileSync(join(scratch, `${recipe}.x.json`), JSON.stringify(x));
      const latentModel = latentModelOf(model);
      const ours = { decodings: await latentModel.decode(Float32Array.from(z.flat()), 3), encodings: await latentModel.encode(Float32Array.from(x.flat()), 3) };
      const run = spawnSync(PYTHON!, [SCRIPT, 'module', join(scratch, fileName), join(scratch, `${recipe}.z.json`), join(scratch, `${recipe}.x.json`)], { encoding: 'utf8', maxBuffer: 64 << 20 });
      assert.equal(run.status, 0, run.stderr);
      const theirs = JSON.parse(run.stdout) as Record<'decodings' | 'encodings', number[][]>;
      for (const key of ['decodings', 'encodings'] as const) {
        const values = theirs[key].flat();
        assert.equal(values.length, ours[key].length, key);
        // Relative to max(1, |v|): float32 sums taken in another order differ by float32's precision of the value.
        const worst = values.reduce((m, v, i) => Math.max(m, Math.abs(v - ours[key][i]!) / Math.max(1, Math.abs(v))), 0);
        assert.ok(worst <= 1e-5, `${key}: max difference ${worst}`);
      }
    } finally {
      model.params.dispose();
    }
  });
}

test('safetensors layout as specified: u64 header length, JSON header, raw little-endian float32', () => {
  const bytes = encodeSafetensors([{ name: 'a.weight', shape: [2, 1], values: Float32Array.of(1.5, -2) }], { class: 'X' });
  const view = new DataView(bytes.buffer);
  const length = Number(view.getBigUint64(0, true));
  const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + length)).toString('utf8'));
  assert.deepEqual(header, { __metadata__: { class: 'X' }, 'a.weight': { dtype: 'F32', shape: [2, 1], data_offsets: [0, 8] } });
  assert.equal((8 + length) % 8, 0, 'data aligned to 8 bytes');
  assert.deepEqual([view.getFloat32(8 + length, true), view.getFloat32(12 + length, true)], [1.5, -2]);
  assert.equal(bytes.length, 8 + length + 8);
});

test('the engine hands the same file to the window (models.export), and refuses imported models', async () => {
  const host = await createEngineHost({ modelsDir: mkdtempSync(join(tmpdir(), 'le-export-host-')), bundledDir: resolve('resources/models') });
  const { model } = loadModelFolder(resolve('resources/models/mnist-vae-2d'));
  try {
    const exported = await host.call('models.export', { id: 'bundled/mnist-vae-2d', format: 'safetensors' });
    assert.equal(exported.fileName, 'mnist-vae-2d.safetensors');
    assert.equal(exported.construct, 'VAE(hidden=256, latent=2)');
    assert.deepEqual(Buffer.from(exported.data, 'base64'), Buffer.from(pytorchSafetensors(model).bytes));
    await assert.rejects(host.call('models.export', { id: 'bundled/mnist-vqvae', format: 'safetensors' }), /recipe vqvae-conv \(vqvae\) has no PyTorch export/);
  } finally {
    model.params.dispose();
    await host.dispose();
  }
});

test('the engine hands a conv model to the window with its written module (models.export)', async () => {
  const modelsDir = mkdtempSync(join(tmpdir(), 'le-export-conv-'));
  const recipe = requireRecipe('ae-conv');
  const model = buildModel(recipe, resolveSettings(recipe, {}));
  mkdirSync(join(modelsDir, 'conv'));
  const now = new Date(0).toISOString();
  const dataset = { ref: 'mnist', name: 'mnist', title: 'MNIST digits', classes: [], trainCount: 60000, testCount: 10000 };
  saveModelFolder(join(modelsDir, 'conv'), model, { app: { name: 'latent-explorer', version: 'test' }, name: 'conv', dataset, backend: 'test', createdAt: now, updatedAt: now, status: 'done', history: [], metrics: null });
  model.params.dispose();
  const host = await createEngineHost({ modelsDir, bundledDir: resolve('resources/models') });
  try {
    const exported = await host.call('models.export', { id: 'user/conv', format: 'safetensors' });
    assert.deepEqual([exported.fileName, exported.construct, exported.module?.fileName], ['conv.safetensors', 'Model()', 'conv.py']);
    assert.match(exported.module!.text, /model\.load_state_dict\(safetensors\.torch\.load_file\("conv\.safetensors"\)\)/);
  } finally {
    await host.dispose();
  }
});

test('the VQ-VAE is refused, saying which recipes export', () => {
  const { model } = loadModelFolder(resolve('resources/models/mnist-vqvae'));
  try {
    assert.throws(() => pytorchSafetensors(model), /recipe vqvae-conv \(vqvae\) has no PyTorch export: its codebook quantisation is not written as a module; export an AE, DAE, MAE or VAE recipe$/);
  } finally {
    model.params.dispose();
  }
});

