// The command line for models trained elsewhere and for scripting: import (ONNX), encode (CSV),
// decode (PNG / JSON) on trained and imported models alike, export (safetensors).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { PNG } from 'pngjs';
import { writeImageFolder } from './image-folder-fixture';

const BIN = resolve('bin/latent-explorer.js');
const FIXTURES = resolve('test/fixtures/onnx');
const scratch = mkdtempSync(join(tmpdir(), 'le-cli-onnx-'));
const models = join(scratch, 'models');

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, LATENT_EXPLORER_BACKEND: '', LATENT_EXPLORER_THREADS: '' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Each command fails with a non-zero exit and one line matching its pattern. */
function assertRefused(cases: [string[], RegExp][]): void {
  for (const [args, pattern] of cases) {
    const { code, stderr } = cli(...args);
    assert.notEqual(code, 0, args.join(' '));
    assert.match(stderr, pattern);
    assert.equal(stderr.trim().split('\n').length, 1, 'one line');
  }
}

const importArgs = (kind: string, ...more: string[]) => ['import', '--encoder', join(FIXTURES, `${kind}.encoder.onnx`), '--decoder', join(FIXTURES, `${kind}.decoder.onnx`), '--models', models, ...more];

test('import: a model into the library folder, named from its file; a second import of the name is refused', () => {
  const imported = cli(...importArgs('vae-mlp-2'));
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stdout, /imported vae-mlp-2 \(VAE, 2-D latent, μ "mu", log σ² "logvar"; images \[batch, 784\] in \[0, 1\], MNIST digits\)/);
  const manifest = JSON.parse(readFileSync(join(models, 'vae-mlp-2', 'manifest.json'), 'utf8'));
  assert.equal(manifest.kind, 'imported');
  assert.match(manifest.encoder.sha256, /^[0-9a-f]{64}$/);
  const again = cli(...importArgs('vae-mlp-2'));
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /^latent-explorer: error: a model named "vae-mlp-2" already exists: choose another name\n$/);
});

test('import: bad input is one line with a non-zero exit, and nothing is written', () => {
  const before = readdirSync(models);
  const cases: [string[], RegExp][] = [
    [['import', '--encoder', join(FIXTURES, 'ae-mlp-8.encoder.onnx'), '--decoder', join(FIXTURES, 'conv-ae-16.decoder.onnx'), '--models', models, '--name', 'mixed'], /latent mismatch: .*has 8 values per image.*\[batch, 16\]/],
    [[...importArgs('ae-mlp-8'), '--range', '0,255'], /--range.*expected 0,1 \(images in \[0, 1\]\) or -1,1/],
    [[...importArgs('ae-mlp-8'), '--outputs', 'mu,logvar'], /has one output \(z\), so it is a plain AE: import it without --outputs/],
  ];
  assertRefused(cases);
  assert.deepEqual(readdirSync(models), before, 'nothing written');
});

test('import: a 32×32 RGB conv AE (symbolic height and width) with --dataset sprites and --image; its shape checked', () => {
  const imported = cli(...importArgs('conv-rgb-32', '--dataset', 'sprites', '--image', '32x32x3', '--name', 'rgb'));
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stdout, /imported rgb \(AE, 8-D latent, code "z"; images \[batch, 3, 32, 32\] in \[0, 1\], Sprites/);
  const manifest = JSON.parse(readFileSync(join(models, 'rgb', 'manifest.json'), 'utf8'));
  assert.deepEqual(manifest.image, { height: 32, width: 32, channels: 3 });
  const out = join(scratch, 'rgb.png');
  const decoded = cli('decode', join(models, 'rgb'), '--z', '0,0,0,0,0,0,0,0;1,-1,1,-1,1,-1,1,-1', '--out', out);
  assert.equal(decoded.code, 0, decoded.stderr);
  const png = PNG.sync.read(readFileSync(out));
  assert.deepEqual([png.width, png.height], [64, 32], 'two 32×32 images side by side');
  const before = readdirSync(models);
  const cases: [string[], RegExp][] = [
    [importArgs('conv-rgb-32', '--name', 'rgb-on-mnist'), /conv-rgb-32\.encoder\.onnx: input "image" has shape \[batch, 3, height, width\] \(28×28×3 images\) but MNIST digits images are 28×28×1/],
    [importArgs('conv-rgb-32', '--dataset', 'sprites', '--image', '64x64x3', '--name', 'rgb-64'), /^latent-explorer: error: --image 64×64×3 but Sprites .* images are 32×32×3: import with the --dataset the model was trained on/],
    [importArgs('conv-rgb-32', '--dataset', 'sprites', '--image', '32x32x4'), /--image.*expected HEIGHTxWIDTHxCHANNELS with 1 \(gray\) or 3 \(RGB\) channels/],
  ];
  assertRefused(cases);
  assert.deepEqual(readdirSync(models), before, 'nothing written');
});

test('encode: latent means with labels as CSV, for an imported and a trained model', () => {
  for (const [dir, dims] of [[join(models, 'vae-mlp-2'), 2], [resolve('resources/models/mnist-dae'), 8]] as const) {
    const out = join(scratch, 'encodings.csv');
    const { code, stderr } = cli('encode', dir, '--out', out, '--limit', '25');
    assert.equal(code, 0, stderr);
    const [header, ...rows] = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(header, ['index', 'label', 'class', ...Array.from({ length: dims }, (_, d) => `z${d + 1}`)].join(','));
    assert.equal(rows.length, 25);
    assert.ok(rows.every((row) => row.split(',').length === 3 + dims && row.split(',').slice(3).every((v) => Number.isFinite(Number(v)))));
    assert.equal(rows[0]!.split(',')[1], '7', 'the first MNIST test image is a 7');
  }
});

test('decode: a point to a PNG and to JSON pixels, the same image either way', () => {
  const out = join(scratch, 'decoded.png');
  const { code, stdout, stderr } = cli('decode', join(models, 'vae-mlp-2'), '--z', '0.5,-1;2,0', '--out', out, '--json');
  assert.equal(code, 0, stderr);
  const png = PNG.sync.read(readFileSync(out));
  assert.deepEqual([png.width, png.height], [56, 28], 'two points side by side');
  const { images } = JSON.parse(stdout) as { images: number[][] };
  assert.equal(images.length, 2);
  for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) assert.equal(png.data[(y * 56 + x) * 4], images[0]![y * 28 + x]);
  assert.notDeepEqual(images[0], images[1]);
  const wrong = cli('decode', join(models, 'vae-mlp-2'), '--z', '1,2,3', '--json');
  assert.match(wrong.stderr, /latent point 0 has 3 values but this model's latent space has 2/);
  assert.equal(wrong.code, 2);
  const malformed = cli('decode', join(models, 'vae-mlp-2'), '--z', '1,abc', '--json');
  assert.equal(malformed.code, 2, 'a malformed point is a usage error like any other');
  assert.match(malformed.stderr.trim(), /^latent-explorer: error: option '--z <values>' argument '1,abc' is invalid\. expected comma-separated numbers .*got "abc"\.$/);
});

test('export: safetensors for a recipe with a PyTorch class; onnx and recipes without one are refused', () => {
  const out = join(scratch, 'vae.safetensors');
  const exported = cli('export', resolve('resources/models/mnist-vae-2d'), '--format', 'safetensors', '--out', out);
  assert.equal(exported.code, 0, exported.stderr);
  assert.match(exported.stdout, /model = VAE\(hidden=256, latent=2\); model\.load_state_dict/);
  assert.ok(existsSync(out));
  assert.match(cli('export', resolve('resources/models/mnist-vae-2d'), '--format', 'onnx').stderr, /--format onnx is not offered: .*torch\.onnx\.export/);
  assert.match(cli('export', resolve('resources/models/mnist-vqvae'), '--out', join(scratch, 'vq.safetensors')).stderr, /recipe vqvae-conv \(vqvae\) has no PyTorch export/);
  assert.equal(existsSync(join(scratch, 'vq.safetensors')), false);
  assert.match(cli('export', join(models, 'vae-mlp-2'), '--out', join(scratch, 'imported.safetensors')).stderr, /holds a model imported from ONNX, not one trained here/);
});

test('export: a conv recipe on 16×16 RGB images writes the weights and a PyTorch module beside them', async () => {
  const folder = join(scratch, 'rgb-images');
  await writeImageFolder(folder, 2, 10, { width: 16, height: 16, channels: 3 });
  const model = join(scratch, 'vae-conv-rgb');
  const trained = cli('train', '--recipe', 'vae-conv', '--dataset', folder, '--epochs', '1', '--out', model, '--json');
  assert.equal(trained.code, 0, trained.stderr);
  const out = join(scratch, 'exported', 'vae-conv-rgb.safetensors');
  const exported = cli('export', model, '--out', out);
  assert.equal(exported.code, 0, exported.stderr);
  assert.match(exported.stdout, /In PyTorch \(vae_conv_rgb\.py has the class\): from vae_conv_rgb import Model; model = Model\(\); model\.load_state_dict/);
  const module = readFileSync(join(scratch, 'exported', 'vae_conv_rgb.py'), 'utf8');
  assert.match(module, /vae-conv \(vae\), trained in Latent Explorer, as a PyTorch module for 16×16×3 images/);
  assert.match(module, /self\.conv1 = nn\.Conv2d\(3, 32, 3, stride=2\)/);
  const header = JSON.parse(readFileSync(out).subarray(8, 8 + Number(readFileSync(out).readBigUInt64LE(0))).toString('utf8'));
  assert.deepEqual(header['encoder.conv1.weight'].shape, [32, 3, 3, 3], 'Conv2d weight [out, in, k, k]');
  assert.deepEqual(header['decoder.deconv2.weight'].shape, [64, 32, 3, 3], 'ConvTranspose2d weight [in, out, k, k]');
  assert.equal(header.__metadata__.module, 'vae_conv_rgb.py');
});
