import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { csvParse } from 'd3-dsv';
import { PNG } from 'pngjs';
import { TABLEAU_10 } from '../../src/shared/class-colors';
import { requireRecipe, resolveSettings } from '../../src/main/engine/models/build';
import { RECIPES } from '../../src/shared/recipes';
import { decodeGif } from '../gif-frames';
import { parseSvg, svgElements, svgText } from '../svg-document';
import { writeIdxFolder } from './idx-fixture';
import { writeImageFolder } from './image-folder-fixture';

const BIN = resolve('bin/latent-explorer.js');
const scratch = mkdtempSync(join(tmpdir(), 'le-cli-'));

function cliWith(env: NodeJS.ProcessEnv, ...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, LATENT_EXPLORER_BACKEND: '', LATENT_EXPLORER_THREADS: '', ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const cli = (...args: string[]) => cliWith({}, ...args);

/** A bench records its figures as the machine's backend choices: a test's short bench keeps them in a scratch cache. */
const bench = (...args: string[]) => cliWith({ LATENT_EXPLORER_CACHE: join(scratch, 'bench-cache') }, 'bench', ...args);

/** What `--backend` accepts; the default may pick any of them that loads here. */
const BACKENDS = ['gpu', 'node', 'wasm', 'cpu'];

test('recipes lists every recipe with a description', () => {
  const { code, stdout } = cli('recipes');
  assert.equal(code, 0);
  for (const recipe of RECIPES) assert.match(stdout, new RegExp(`^${recipe.name}\\s+${recipe.family}\\s+\\S`, 'm'));
});

test('bad input: one-line error, non-zero exit, nothing written', () => {
  const out = join(scratch, 'never');
  const cases: [string[], RegExp][] = [
    [['--recipe', 'ae-mlp-9'], /unknown recipe "ae-mlp-9": valid recipes are ae-mlp-8, /],
    [['--recipe', 'ae-mlp-8', '--lr', '0'], /--lr: must be above 0: with a learning rate of 0 the weights never move \(got 0\)/],
    [['--recipe', 'mae-mlp-8', '--mask-ratio', '0'], /--mask-ratio: must be above 0: a mask ratio of 0 hides no pixel, .* always 0 .*\(got 0\)/],
    [['--recipe', 'vae-mlp-2', '--kl-weight', '0'], /--kl-weight: must be above 0: with β = 0 nothing pulls the codes toward the prior/],
    [['--recipe', 'dae-mlp-8', '--noise-sigma', '0'], /--noise-sigma: must be above 0: σ = 0 adds no noise/],
    [['--recipe', 'dropout-ae-mlp-8', '--dropout-rate', '0'], /--dropout-rate: must be above 0: a rate of 0 drops nothing/],
    [['--recipe', 'ae-mlp-8', '--lr', 'fast'], /--lr.*expected a number, got "fast"/],
    [['--recipe', 'ae-mlp-8', '--latent', '0'], /--latent: must be a whole number from 1 to 512 \(got 0\)/],
    [['--recipe', 'ae-mlp-8', '--batch', '0'], /--batch: must be a whole number from 1 to 4096 \(got 0\)/],
    [['--recipe', 'ae-mlp-8', '--limit', '99999999'], /--limit: must be a whole number from 0 to 10000000 \(got 99999999\)/],
    [['--recipe', 'ae-mlp-8', '--epochs', '2.5'], /--epochs: must be a whole number from 1 to 1000 \(got 2.5\)/],
    [['--recipe', 'ae-mlp-8', '--dataset', join(scratch, 'no-such-data')], /unknown dataset .*no-such-data/],
    [['--recipe', 'ae-mlp-8', '--backend', 'tpu'], /option '--backend <name>' argument 'tpu' is invalid. Allowed choices are gpu, node, wasm, cpu/],
    [['--recipe', 'ae-mlp-8', '--mask-ratio', '0.5'], /Mask ratio is not a setting of ae-mlp-8 \(an Autoencoder\): leave it out, or pick a recipe that has it: mae-mlp-8, /],
    [['--recipe', 'vae-mlp-2', '--codebook-size', '64'], /Codebook size is not a setting of vae-mlp-2 \(a Variational AE\).*vqvae-conv/],
    [['--recipe', 'ae-mlp-8', '--bogus'], /unknown option '--bogus'/],
  ];
  for (const [args, pattern] of cases) {
    const { code, stderr } = cli('train', '--out', out, '--epochs', '1', ...args);
    assert.equal(code, 2, `usage errors exit with 2: ${args.join(' ')}`);
    assert.match(stderr, pattern, args.join(' '));
    assert.equal(stderr.trim().split('\n').length, 1, `one line for ${args.join(' ')}: ${stderr}`);
    assert.ok(!existsSync(out), `nothing written for ${args.join(' ')}`);
  }
});

test('a bad LATENT_EXPLORER_THREADS is named, with the range to use', () => {
  for (const value of ['0', 'two', '9']) {
    const { code, stderr } = cliWith({ LATENT_EXPLORER_THREADS: value }, 'train', '--recipe', 'ae-mlp-8', '--out', join(scratch, 'never'));
    assert.notEqual(code, 0);
    assert.match(stderr.trim(), new RegExp(`^.*LATENT_EXPLORER_THREADS=${value} is not a thread count: use a whole number from 1 to 8$`));
  }
});

test('serve refuses an unknown backend before it builds or listens, from the flag or the environment', () => {
  const cases: [NodeJS.ProcessEnv, string[], RegExp][] = [
    [{}, ['--backend', 'tpu'], /option '--backend <name>' argument 'tpu' is invalid. Allowed choices are gpu, node, wasm, cpu/],
    [{ LATENT_EXPLORER_BACKEND: 'tpu' }, [], /unknown LATENT_EXPLORER_BACKEND=tpu: use one of gpu, node, wasm, cpu/],
  ];
  for (const [env, args, pattern] of cases) {
    const result = spawnSync(process.execPath, [BIN, 'serve', '--port', '0', ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
    assert.equal(result.status, 2, `exit 2, not a server: ${result.stderr}`);
    assert.equal(result.stdout, '', 'no URL printed');
    assert.match(result.stderr, pattern);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  }
});

test('the wasm backend on two threads trains to the same numbers as on one', () => {
  const runs = ['1', '2'].map((threads) => {
    const { code, stdout, stderr } = cliWith({ LATENT_EXPLORER_BACKEND: 'wasm', LATENT_EXPLORER_THREADS: threads }, 'train', '--recipe', 'vae-mlp-20', '--epochs', '1', '--limit', '1000', '--out', join(scratch, `threads-${threads}`), '--json');
    assert.equal(code, 0, stderr);
    return stdout.trim().split('\n').map((l) => JSON.parse(l));
  });
  assert.deepEqual(runs.map((lines) => lines[0].threads), [1, 2]);
  const epoch = (lines: { type: string; trainLoss: number; testLoss: number }[]) => lines.find((l) => l.type === 'epoch')!;
  assert.ok(Number.isFinite(epoch(runs[0]!).trainLoss));
  assert.deepEqual([epoch(runs[1]!).trainLoss, epoch(runs[1]!).testLoss], [epoch(runs[0]!).trainLoss, epoch(runs[0]!).testLoss]);
});

test('bench times training and inference, and its counts are checked', () => {
  const { code, stdout, stderr } = bench('--no-torch', '--recipes', 'ae-mlp-8', '--warmup', '2', '--spans', '2', '--steps', '3', '--json');
  assert.equal(code, 0, stderr);
  const result = JSON.parse(stdout);
  // Whichever backend the default picks on this machine; the wasm one names its threads.
  assert.ok(BACKENDS.includes(result.backend.name), result.backend.name);
  if (result.backend.name === 'wasm') assert.ok(result.backend.threads >= 1);
  const [row] = result.rows;
  assert.equal(row.recipe, 'ae-mlp-8');
  for (const key of ['trainSamplesPerSec', 'decodeP50Ms', 'decodeP95Ms', 'encode10kMs']) assert.ok(row[key] > 0, key);
  assert.equal(row.tensorsAfter, row.tensorsBefore);
  assert.equal(row.torchSamplesPerSec, null);
  assert.equal(result.rows.filter((r: { defaultPick: boolean }) => r.defaultPick).length, 1, 'one row is the default pick');
  // Where TensorFlow loaded, it is measured on one thread per op as well, in a bench process of its own.
  const rows = result.rows as { backend: string; tensorFlowThreads?: number; trainSamplesPerSec: number }[];
  if (rows.some((r) => r.backend === 'node')) assert.ok(rows.some((r) => r.backend === 'node' && r.tensorFlowThreads === 1 && r.trainSamplesPerSec > 0));
  assert.equal(result.imported, null, 'the imported model is left out where --recipes does not name it');
  const bad = bench('--no-torch', '--steps', '0');
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /--steps.*expected a whole number from 1 up, got "0"/);
  const unknown = bench('--no-torch', '--recipes', 'ae-mlp-8,onnx');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr.trim(), /^latent-explorer: error: --recipes: unknown recipe "onnx": valid recipes are ae-mlp-8, .*, or imported \(the imported PyTorch model's decode latency\)$/);
});

test("calibrate (train's own) prints the calibration's figure on one backend, and refuses incomplete settings in one line", () => {
  const settings = resolveSettings(requireRecipe('ae-mlp-8'), {});
  const { code, stdout, stderr } = cli('calibrate', '--recipe', 'ae-mlp-8', '--settings', JSON.stringify(settings), '--backend', 'wasm');
  assert.equal(code, 0, stderr);
  assert.ok((JSON.parse(stdout) as { samplesPerSec: number }).samplesPerSec > 0);
  const bad = cli('calibrate', '--recipe', 'ae-mlp-8', '--settings', '{"batch": 128}', '--backend', 'wasm');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr.trim(), /^latent-explorer: error: --settings: not a complete set of training settings in JSON \(as `train --json` prints them\)$/);
  assert.doesNotMatch(cli('--help').stdout, /calibrate/, 'not offered to users');
});

test('bench --recipes imported measures the imported PyTorch model alone', () => {
  const { code, stdout, stderr } = bench('--no-torch', '--recipes', 'imported');
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^imported vae-mlp-2 \(PyTorch → ONNX\): decode one point p50\/p95 [\d.]+\/[\d.]+ ms \(ONNX Runtime, CPU\)$/m);
  assert.doesNotMatch(stdout, /^recipe\s+backend/m, 'no recipe was trained');
});

test('train --json streams epochs, eval reports the same test loss, history exports CSV', () => {
  const out = join(scratch, 'vae');
  const { code, stdout, stderr } = cli('train', '--recipe', 'vae-mlp-2', '--epochs', '2', '--limit', '600', '--out', out, '--json');
  assert.equal(code, 0, stderr);
  const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines[0].type, 'start');
  assert.ok(BACKENDS.includes(lines[0].backend), lines[0].backend);
  const epochs = lines.filter((l) => l.type === 'epoch');
  assert.equal(epochs.length, 2);
  for (const e of epochs) {
    for (const key of ['epoch', 'trainLoss', 'testLoss', 'samplesPerSec']) assert.equal(typeof e[key], 'number', key);
    assert.deepEqual(Object.keys(e.terms).sort(), ['kl', 'reconstruction']);
  }
  assert.equal(lines.at(-1).type, 'end');
  assert.equal(lines.at(-1).status, 'done');

  const evaluated = cli('eval', out, '--json');
  assert.equal(evaluated.code, 0, evaluated.stderr);
  const report = JSON.parse(evaluated.stdout);
  assert.equal(report.recipe, 'vae-mlp-2');
  assert.ok(Math.abs(report.testLoss - epochs[1].testLoss) < 1e-3 * report.testLoss, `${report.testLoss} vs ${epochs[1].testLoss}`);
  assert.deepEqual(Object.keys(report.terms).sort(), ['kl', 'reconstruction']);
  assert.ok(report.layers.length >= 4 && report.totalParams > 0);

  const csv = cli('history', out);
  assert.equal(csv.stdout.trim().split('\n').length, 3);

  const again = cli('train', '--recipe', 'vae-mlp-2', '--epochs', '1', '--out', out);
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /already exists and is not empty/);
  const files = readdirSync(out).map((name) => name.replace(/-[a-z0-9]+-[0-9a-f]+\.bin$/, '-….bin')).sort();
  assert.deepEqual(files, ['epoch-maps-….bin', 'epoch-maps.json', 'history.csv', 'manifest.json', 'weights-….bin'], 'the existing model is untouched');
});

test('an own IDX folder of 47 classes trains, and encode names every class by its own name', () => {
  const data = join(scratch, 'idx-47');
  mkdirSync(data);
  writeIdxFolder(data, 470, 1000, false, 47);
  const out = join(scratch, 'vae-47');
  const trained = cli('train', '--recipe', 'vae-mlp-2', '--dataset', data, '--epochs', '1', '--out', out);
  assert.equal(trained.code, 0, trained.stderr);
  const csvFile = join(scratch, 'codes-47.csv');
  const encoded = cli('encode', out, '--out', csvFile, '--limit', '1000');
  assert.equal(encoded.code, 0, encoded.stderr);
  const rows = csvParse(readFileSync(csvFile, 'utf8'));
  assert.equal(rows.length, 1000);
  const perClass = new Map<string, number>();
  for (const row of rows) perClass.set(row.class!, (perClass.get(row.class!) ?? 0) + 1);
  assert.deepEqual([...perClass.keys()].sort((a, b) => Number(a) - Number(b)), Array.from({ length: 47 }, (_, c) => String(c)));
  assert.equal([...perClass.values()].reduce((a, b) => a + b, 0), 1000);
});

test('dataset loads an image folder with a size, describes it, and reads its cache the second time; a conv recipe refuses a size it cannot take; a bad folder is one line', async () => {
  const data = join(scratch, 'pets');
  await writeImageFolder(data, 3, 6, { width: 40, height: 30, channels: 3, format: 'jpeg' });
  const env = { LATENT_EXPLORER_CACHE: join(scratch, 'cache') };
  const first = cliWith(env, 'dataset', `${data}#16`, '--json');
  assert.equal(first.code, 0, first.stderr);
  const summary = JSON.parse(first.stdout);
  assert.deepEqual(summary.shape, { height: 16, width: 16, channels: 3 });
  assert.deepEqual([summary.train, summary.test], [15, 3]);
  assert.deepEqual(summary.classes, { 'class-00': 6, 'class-01': 6, 'class-02': 6 });
  assert.equal(summary.bytes, 18 * 16 * 16 * 3);
  assert.match(summary.description, /18 PNG\/JPEG images of 16×16 RGB, 3 classes/);
  const again = cliWith(env, 'dataset', `${data}#16`);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /pets: 15 train \+ 3 test images of 16×16 RGB, 3 classes/);
  assert.match(again.stdout, /decoded images cached/);

  const refused = cliWith(env, 'train', '--recipe', 'vae-conv', '--dataset', `${data}#18`, '--epochs', '1', '--out', join(scratch, 'refused'));
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /^latent-explorer: error: recipe vae-conv needs image sides that are multiples of 4 \(two stride-2 convolutions\), but pets's are 18×18: pick that size for an image folder \(folder#20x20\)/);
  assert.equal(refused.stderr.trim().split('\n').length, 1);
  assert.equal(existsSync(join(scratch, 'refused')), false, 'nothing written');

  const empty = join(scratch, 'no-images');
  mkdirSync(empty);
  const bad = cliWith(env, 'dataset', empty);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /no PNG or JPEG images in the folder/);
});

test('dataset describes a folder of 300 classes, each with its own count', async () => {
  const data = join(scratch, 'many-classes');
  await writeImageFolder(data, 300, 3, { width: 8, height: 8, channels: 3 });
  const result = cliWith({ LATENT_EXPLORER_CACHE: join(scratch, 'cache-300') }, 'dataset', data, '--json');
  assert.equal(result.code, 0, result.stderr);
  const summary = JSON.parse(result.stdout);
  assert.equal(Object.keys(summary.classes).length, 300);
  assert.deepEqual(Object.values(summary.classes), new Array(300).fill(3));
  assert.equal(summary.classes['class-299'], 3);
  assert.equal(summary.train + summary.test, 900);
});

test('figure writes the manifold, samples and reconstructions as PNG grids', () => {
  const out = join(scratch, 'fig');
  assert.equal(cli('train', '--recipe', 'vae-mlp-20', '--epochs', '1', '--limit', '300', '--out', out).code, 0);
  // --n 8: the manifold's side, the samples' and reconstructions' columns; samples without it: the recipe's 4×18.
  for (const [kind, n, width, height] of [['manifold', ['--n', '8'], 8 * 28, 8 * 28], ['samples', ['--n', '8'], 8 * 28, 4 * 28], ['samples', [], 18 * 28, 4 * 28], ['reconstructions', ['--n', '8'], 8 * 28, 2 * 28]] as const) {
    const file = join(scratch, `${kind}.png`);
    const { code, stderr } = cli('figure', out, '--kind', kind, ...n, '--out', file);
    assert.equal(code, 0, stderr);
    const png = PNG.sync.read(readFileSync(file));
    assert.deepEqual([png.width, png.height], [width, height], `${kind} ${n.join(' ')}`);
  }
  assert.match(cli('figure', out, '--kind', 'nope', '--out', join(scratch, 'x.png')).stderr, /--kind must be one of manifold, samples, reconstructions/);
});

test('figure --kind interpolation|traversal writes an animated GIF, a PNG sequence and a strip that decode back to the same frames', () => {
  const gif = join(scratch, 'interpolation.gif');
  const frames = join(scratch, 'frames');
  const strip = join(scratch, 'strip.png');
  const { code, stderr } = cli('figure', 'resources/models/mnist-vae-2d', '--kind', 'interpolation', '--n', '10', '--gif', gif, '--frames', frames, '--out', strip, '--size', '84', '--fps', '5');
  assert.equal(code, 0, stderr);
  const decoded = decodeGif(readFileSync(gif));
  assert.deepEqual([decoded.width, decoded.height, decoded.frames.length, decoded.loop], [84, 84, 10, 0]);
  assert.deepEqual(new Set(decoded.delays), new Set([20]), '5 fps: 20 hundredths of a second a frame');
  const files = readdirSync(frames).sort();
  assert.deepEqual(files, Array.from({ length: 10 }, (_, i) => `frame-${String(i + 1).padStart(3, '0')}.png`));
  const stripPng = PNG.sync.read(readFileSync(strip));
  assert.deepEqual([stripPng.width, stripPng.height], [10 * 28, 28]);
  files.forEach((file, k) => {
    const png = PNG.sync.read(readFileSync(join(frames, file)));
    assert.deepEqual([png.width, png.height], [84, 84]);
    // The GIF is exact (256 grays): each frame is its PNG's pixels, and each scales the strip's tile 3×.
    assert.deepEqual(decoded.frames[k], Uint8Array.from({ length: 84 * 84 }, (_, p) => png.data[p * 4]!), `GIF frame ${k} = ${file}`);
    const [x, y] = [40, 50];
    assert.equal(png.data[(y * 84 + x) * 4], stripPng.data[(Math.floor(y / 3) * stripPng.width + k * 28 + Math.floor(x / 3)) * 4]);
  });
  assert.notDeepEqual(decoded.frames[0], decoded.frames[9], 'the interpolation moves');

  const traversal = join(scratch, 'traversal.gif');
  assert.equal(cli('figure', 'resources/models/mnist-vae-2d', '--kind', 'traversal', '--dim', '1', '--n', '7', '--gif', traversal).code, 0);
  const t = decodeGif(readFileSync(traversal));
  assert.deepEqual([t.width, t.height, t.frames.length], [112, 112, 7], 'the default frame size');

  const refusals: [string[], RegExp][] = [
    [['--kind', 'traversal', '--dim', '2', '--gif', traversal], /--dim 2 is out of range: this model's latent space has 2 dimensions \(0–1\)/],
    [['--kind', 'interpolation', '--fps', '60', '--gif', traversal], /--size\/--fps: frame rate must be from 1 to 50/],
    [['--kind', 'interpolation', '--size', '8', '--gif', traversal], /frame size must be a whole number of pixels from 28 to 1024, got 8/],
    [['--kind', 'interpolation', '--from', '10000', '--gif', traversal], /test image 10000 does not exist: the test set has 10000 images/],
    [['--kind', 'samples', '--gif', traversal], /--gif and --frames are for the moving figures/],
    [['--kind', 'interpolation'], /say what to write: --out FILE.png, --svg FILE.svg, --gif FILE.gif or --frames DIR/],
  ];
  for (const [args, message] of refusals) {
    const refused = cli('figure', 'resources/models/mnist-vae-2d', ...args);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, message);
    assert.equal(refused.stderr.trim().split('\n').length, 1);
  }
});

test('figure --svg writes the grid for print: well-formed SVG, one embedded PNG tile per image, a caption naming model, data and settings', () => {
  for (const [kind, args, tiles, settings] of [
    ['manifold', ['--n', '5'], 25, /5×5 decodings at the prior's Gaussian quantiles/],
    ['samples', ['--seed', '3'], 72, /prior samples z ~ N\(0, I\), seed 3/],
    ['interpolation', ['--n', '6', '--slerp'], 6, /Interpolation from test image 0 to \d+, 6 steps \(slerp\)/],
  ] as const) {
    const file = join(scratch, `${kind}.svg`);
    const { code, stderr } = cli('figure', 'resources/models/mnist-vae-2d', '--kind', kind, ...args, '--svg', file);
    assert.equal(code, 0, stderr);
    const doc = parseSvg(readFileSync(file, 'utf8'));
    const images = svgElements(doc, 'image', 'tiles');
    assert.equal(images.length, tiles, kind);
    for (const image of images) {
      const png = PNG.sync.read(Buffer.from(image.getAttribute('href')!.replace(/^data:image\/png;base64,/, ''), 'base64'));
      assert.deepEqual([png.width, png.height], [28, 28]);
    }
    assert.match(svgText(doc, 'desc'), /mnist-vae-2d.* \(vae-mlp-2\), 2-D latent, on mnist/);
    assert.match(svgText(doc, 'desc'), settings);
  }
});

test('eval --posterior --nll: per-dimension statistics and the importance-weighted NLL of a VAE; other models are refused in one line', () => {
  const { code, stdout, stderr } = cli('eval', 'resources/models/mnist-vae-2d', '--posterior', '--nll', '--samples', '20', '--limit', '50', '--json');
  assert.equal(code, 0, stderr);
  const { posterior, likelihood } = JSON.parse(stdout);
  assert.equal(posterior.count, 50);
  assert.equal(posterior.kl.length, 2);
  assert.deepEqual(posterior.activeUnits, [0, 1]);
  assert.equal(likelihood.samples, 20);
  assert.ok(likelihood.nll <= likelihood.negElbo && likelihood.nll > 0);
  const refused = cli('eval', 'resources/models/mnist-ae-2d', '--nll', '--limit', '5');
  assert.equal(refused.code, 2);
  assert.match(refused.stderr.trim(), /^latent-explorer: error: the likelihood estimate needs a VAE; ae-mlp-2 is an Autoencoder$/);
});

test('eval --factors: the mutual information of each latent dimension with each sprite factor, and the MIG; a dataset without factors is refused in one line', () => {
  const out = join(scratch, 'sprites-vae');
  const trained = cli('train', '--recipe', 'vae-conv', '--dataset', 'sprites', '--epochs', '1', '--limit', '100', '--batch', '50', '--latent', '3', '--out', out, '--json');
  assert.equal(trained.code, 0, trained.stderr);
  const { code, stdout, stderr } = cli('eval', out, '--factors', '--limit', '300', '--json');
  assert.equal(code, 0, stderr);
  const { factors } = JSON.parse(stdout);
  assert.equal(factors.count, 300);
  assert.deepEqual(factors.factors, ['shape', 'scale', 'rotation', 'x', 'y', 'colour']);
  assert.equal(factors.mi.length, 3);
  const gaps = factors.factors.map((_: string, f: number) => {
    const [first, second] = factors.mi.map((row: number[]) => row[f]!).sort((a: number, b: number) => b - a);
    return first - second;
  });
  assert.deepEqual(factors.gaps, gaps);
  assert.ok(Math.abs(factors.mig - gaps.reduce((a: number, b: number) => a + b, 0) / gaps.length) < 1e-12);
  const table = cli('eval', out, '--factors', '--limit', '300');
  assert.match(table.stdout, /^dim\s+shape\s+scale\s+rotation\s+x\s+y\s+colour$/m);
  assert.match(table.stdout, /^MIG \d\.\d{4} /m);
  const refused = cli('eval', 'resources/models/mnist-vae-2d', '--factors', '--limit', '5');
  assert.equal(refused.code, 2);
  assert.match(refused.stderr.trim(), /^latent-explorer: error: MNIST digits has no known factors of variation .*sprites$/);
});

test('serve --scene refuses a malformed scene file with one line before starting anything', () => {
  const file = join(scratch, 'broken.scene.json');
  writeFileSync(file, JSON.stringify({ format: 'latent-explorer.scene', version: 1, view: { name: 'latent-space' } }));
  const cases: [string, RegExp][] = [
    [file, /broken\.scene\.json: Not a usable scene \(savedAt: .*\); nothing was changed/],
    [join(scratch, 'absent.scene.json'), /cannot read the scene file .*absent\.scene\.json/],
    [scratch, /is not a file: give a scene file/],
  ];
  for (const [path, message] of cases) {
    const { code, stdout, stderr } = cli('serve', '--scene', path);
    assert.equal(code, 2, stderr);
    assert.match(stderr, message);
    assert.equal(stderr.trim().split('\n').length, 1, stderr);
    assert.equal(stdout, '', 'no server started');
  }
});

test('figure --kind map-epochs: one class-coloured frame per trained epoch, GIF and PNG sequence alike; a model without recorded maps is refused', () => {
  const out = join(scratch, 'map-epochs-model');
  const trained = cli('train', '--recipe', 'ae-mlp-8', '--epochs', '3', '--limit', '300', '--out', out);
  assert.equal(trained.code, 0, trained.stderr);
  // The banner in human mode: the pick first, each skipped backend on its own line, none past 100 columns.
  const banner = trained.stderr.split('\n').slice(0, trained.stderr.split('\n').findIndex((line) => line.startsWith('ae-mlp-8 on ')));
  assert.match(banner[0]!, /^Backend: (gpu|node|wasm|cpu) \(/);
  assert.ok(banner.includes('Skipped:'), trained.stderr);
  for (const line of banner) assert.ok(line.length <= 100, `banner line of ${line.length} characters: ${line}`);
  // The epoch lines wrap to the terminal as well: an epoch line and its indented continuation.
  const lines = trained.stderr.split('\n');
  const epochLines = lines.slice(banner.length + 1).filter((line) => line.startsWith('epoch ') || line.startsWith('  '));
  assert.equal(epochLines.filter((line) => line.startsWith('epoch ')).length, 3, trained.stderr);
  for (const line of epochLines) assert.ok(line.length <= 100, `epoch line of ${line.length} characters: ${line}`);
  const gif = join(scratch, 'map-epochs.gif');
  const frames = join(scratch, 'map-epochs-frames');
  const { code, stdout, stderr } = cli('figure', out, '--kind', 'map-epochs', '--gif', gif, '--frames', frames, '--size', '160', '--fps', '2');
  assert.equal(code, 0, stderr);
  assert.match(stdout, /latent map of the first 2000 test images \(each epoch’s PCA plane\) after epochs 1–3/);
  const decoded = decodeGif(readFileSync(gif));
  assert.deepEqual([decoded.width, decoded.height, decoded.frames.length, decoded.loop], [160, 160, 3, 0]);
  assert.deepEqual(new Set(decoded.delays), new Set([50]), '2 fps');
  const files = readdirSync(frames).sort();
  assert.deepEqual(files, ['frame-001.png', 'frame-002.png', 'frame-003.png']);
  files.forEach((file, k) => {
    const png = PNG.sync.read(readFileSync(join(frames, file)));
    assert.deepEqual([png.width, png.height], [160, 160]);
    // Exact: the GIF's colours are the PNG's, pixel for pixel (a palette of the map's own colours).
    const rgb = (data: Uint8Array) => Uint8Array.from({ length: 160 * 160 * 3 }, (_, i) => data[Math.floor(i / 3) * 4 + (i % 3)]!);
    assert.deepEqual(rgb(decoded.rgba[k]!), rgb(png.data), `GIF frame ${k} = ${file}`);
    const colours = new Set(Array.from({ length: 160 * 160 }, (_, p) => `#${[0, 1, 2].map((c) => png.data[p * 4 + c]!.toString(16).padStart(2, '0')).join('')}`));
    for (const colour of TABLEAU_10) assert.ok(colours.has(colour), `${file} shows class colour ${colour}`);
  });
  assert.notDeepEqual(decoded.rgba[0], decoded.rgba[2], 'the map moves across epochs');

  const old = cli('figure', 'resources/models/mnist-vae-2d', '--kind', 'map-epochs', '--gif', join(scratch, 'never.gif'));
  assert.equal(old.code, 2);
  assert.match(old.stderr, /^latent-explorer: error: \S+mnist-vae-2d has no per-epoch maps: it was trained before Latent Explorer recorded them; train a new model \(latent-explorer train --recipe vae-mlp-2 --out NEW_FOLDER\) to record a map after every epoch\n$/);
  assert.equal(existsSync(join(scratch, 'never.gif')), false);
  assert.match(cli('figure', out, '--kind', 'map-epochs', '--out', join(scratch, 'never.png')).stderr, /--kind map-epochs writes --gif FILE\.gif and --frames DIR, not --out or --svg/);
  assert.match(cli('figure', out, '--kind', 'map-epochs', '--gif', gif, '--size', '8').stderr, /--size\/--fps: frame size must be a whole number of pixels from 28 to 1024, got 8/);
});
