import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadDataset, requireShape } from '../../src/main/engine/data/datasets';
import { loadImageFolder, NO_LABELS } from '../../src/main/engine/data/image-folder';
import { UserError } from '../../src/main/engine/errors';
import { MNIST_SHAPE } from '../../src/shared/network';
import { fixturePixels, writeImage, writeImageFolder } from './image-folder-fixture';

const root = mkdtempSync(join(tmpdir(), 'le-image-folder-'));
after(() => rmSync(root, { recursive: true, force: true }));
const tempDir = (name: string) => {
  const dir = join(root, name);
  mkdirSync(dir);
  return dir;
};
process.env.LATENT_EXPLORER_CACHE = tempDir('cache');

async function assertUserError(promise: Promise<unknown>, ...patterns: RegExp[]) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof UserError, `expected UserError, got ${String(error)}`);
    assert.doesNotMatch(error.message, /\n/, 'one line');
    for (const p of patterns) assert.match(error.message, p);
    return true;
  });
}

function perClass(labels: ArrayLike<number>, classes: number): number[] {
  const counts = new Array(classes).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]!]++;
  return counts;
}

test('an ImageFolder of RGB PNGs and JPEGs with mixed sizes, a gray image, a corrupt file, an empty and a one-image class, a link loop', async () => {
  const dir = tempDir('mixed');
  await writeImageFolder(dir, 3, 10, { width: 32, height: 32, channels: 3 });
  await writeImage(join(dir, 'class-01', 'wide.jpg'), { width: 48, height: 20, channels: 3, seed: 5, format: 'jpeg' });
  await writeImage(join(dir, 'class-02', 'deeper', 'gray.png'), { width: 32, height: 32, channels: 1, seed: 9 });
  writeFileSync(join(dir, 'class-00', 'broken.png'), 'not a png at all');
  mkdirSync(join(dir, 'empty-class'));
  await writeImage(join(dir, 'lonely', 'one.png'), { width: 32, height: 32, channels: 3, seed: 77 });
  await writeImage(join(dir, 'loose.png'), { width: 32, height: 32, channels: 3, seed: 1 });
  symlinkSync('..', join(dir, 'class-00', 'loop'));
  writeFileSync(join(dir, 'class-00', 'notes.txt'), 'not an image');

  const cacheDir = tempDir('cache-mixed');
  const progress: string[] = [];
  const images = await loadImageFolder(dir, undefined, cacheDir, (stage, done, total) => done === total && progress.push(`${stage} ${total}`));
  assert.equal(images.cached, false);
  assert.deepEqual(images.classes, ['class-00', 'class-01', 'class-02', 'lonely']);
  assert.deepEqual(images.shape, { height: 32, width: 32, channels: 3 }, 'the most common size; RGB because most images are');
  assert.equal(images.train.count + images.test.count, 33, '30 + wide + gray + lonely; the corrupt one skipped');
  assert.deepEqual(progress, ['reading sizes 34', 'decoding 33'], 'sizes of every file, then the readable ones decoded');
  assert.equal(images.train.pixels.length, images.train.count * 32 * 32 * 3, 'one compact copy');
  assert.deepEqual(perClass(images.test.labels, 4), [2, 2, 2, 0], 'a fifth of each class is test; a one-image class none');
  for (const pattern of [
    /1 unreadable image skipped: class-00\/broken\.png \(/,
    /1 of 33 images resized to 32×32/,
    /1 gray images converted to RGB/,
    /class "empty-class" left out: no images/,
    /1 class has one image only/,
    /class-00\/loop: a symbolic link back to a folder already read \(a loop\), skipped/,
    /1 images directly in the folder were left out/,
    /split: per class, the 20% of images first in SHA-256 order/,
  ]) {
    assert.match(images.description, pattern);
  }

  const again = await loadImageFolder(dir, undefined, cacheDir);
  assert.equal(again.cached, true, 'the second load reads the cache');
  assert.deepEqual([again.classes, again.shape, again.description], [images.classes, images.shape, images.description]);
  assert.ok(Buffer.from(again.train.pixels).equals(Buffer.from(images.train.pixels)) && Buffer.from(again.test.labels).equals(Buffer.from(images.test.labels)));

  const fresh = await loadImageFolder(dir, undefined, tempDir('cache-mixed-2'));
  assert.equal(fresh.cached, false);
  assert.ok(Buffer.from(fresh.train.pixels).equals(Buffer.from(images.train.pixels)), 'decoding and the split are deterministic');

  await writeImage(join(dir, 'class-02', 'new.png'), { width: 32, height: 32, channels: 3, seed: 3 });
  assert.equal((await loadImageFolder(dir, undefined, cacheDir)).cached, false, 'a changed folder is decoded again');
});

test('pixels come through exactly: a 32×32 RGB PNG as it was written, a gray folder as one channel', async () => {
  const dir = tempDir('exact');
  const image = { width: 32, height: 32, channels: 3 as const, seed: 11 };
  for (let i = 0; i < 2; i++) await writeImage(join(dir, `a${i}.png`), image);
  const rgb = await loadImageFolder(dir, undefined, tempDir('cache-exact'));
  assert.deepEqual(rgb.classes, [NO_LABELS], 'a flat folder has no labels: one class');
  assert.ok(Buffer.from(rgb.test.pixels).equals(Buffer.from(fixturePixels(image))));

  const grayDir = tempDir('gray');
  await writeImageFolder(grayDir, 2, 3, { width: 20, height: 24, channels: 1 });
  const gray = await loadImageFolder(grayDir, undefined, tempDir('cache-gray'));
  assert.deepEqual(gray.shape, { height: 24, width: 20, channels: 1 });
  const first = Buffer.from(gray.train.pixels.subarray(0, 480));
  const classZero = [0, 7, 14].map((seed) => Buffer.from(fixturePixels({ width: 20, height: 24, channels: 1, seed })));
  assert.ok(classZero.some((image) => image.equals(first)), 'train image 0 is one of class-00’s, byte for byte');
});

test('47 classes of 28×28 gray images: every class in train and test, each its own name; trains with the MNIST-shaped recipes', async () => {
  const dir = tempDir('emnist-like');
  await writeImageFolder(dir, 47, 5, { width: 28, height: 28, channels: 1 });
  const data = await loadDataset(dir);
  assert.equal(data.classes.length, 47);
  assert.equal(data.classes[46], 'class-46');
  assert.deepEqual(perClass(data.train.labels, 47), new Array(47).fill(4));
  assert.deepEqual(perClass(data.test.labels, 47), new Array(47).fill(1));
  assert.deepEqual(data.shape, MNIST_SHAPE);
  assert.deepEqual([...data.train.labels.subarray(0, 3)], [0, 1, 2], 'interleaved class by class');
  requireShape(data, MNIST_SHAPE, 'model mnist-vae');
});

test('300 classes: labels past one byte (uint16), every class its own count in train and test, cached and read back the same; a cache of the old format is rebuilt, not misread', async () => {
  const dir = tempDir('300-classes');
  await writeImageFolder(dir, 300, 5, { width: 8, height: 8, channels: 1 });
  const cacheDir = tempDir('cache-300');
  const images = await loadImageFolder(dir, undefined, cacheDir);
  assert.equal(images.classes.length, 300);
  assert.ok(images.train.labels instanceof Uint16Array, 'two bytes a label');
  assert.deepEqual(perClass(images.train.labels, 300), new Array(300).fill(4));
  assert.deepEqual(perClass(images.test.labels, 300), new Array(300).fill(1));
  assert.equal(Math.max(...images.test.labels), 299, 'the last class keeps its own label');

  const again = await loadImageFolder(dir, undefined, cacheDir);
  assert.equal(again.cached, true);
  assert.deepEqual([...again.train.labels], [...images.train.labels]);
  assert.deepEqual([...again.test.labels], [...images.test.labels]);

  // The same bytes under the format before uint16 labels: the reader must not take them.
  const [file] = readdirSync(join(cacheDir, 'image-folders'));
  const path = join(cacheDir, 'image-folders', file!);
  const bytes = readFileSync(path);
  bytes.writeUInt32LE(1, 4);
  writeFileSync(path, bytes);
  const rebuilt = await loadImageFolder(dir, undefined, cacheDir);
  assert.equal(rebuilt.cached, false, 'decoded again');
  assert.deepEqual([...rebuilt.train.labels], [...images.train.labels]);
});

test('a size picked in the reference (folder#H, folder#HxW) resizes every image; a model of another shape refuses the dataset in one line', async () => {
  const dir = tempDir('sized');
  await writeImageFolder(dir, 3, 4, { width: 64, height: 48, channels: 3, format: 'jpeg' });
  const data = await loadDataset(`${dir}#16x20`);
  assert.deepEqual(data.shape, { height: 16, width: 20, channels: 3 });
  assert.equal(data.train.pixels.length, data.train.count * 16 * 20 * 3);
  assert.deepEqual((await loadDataset(`${dir}#24`)).shape, { height: 24, width: 24, channels: 3 });
  assert.deepEqual((await loadDataset(dir)).shape, { height: 48, width: 64, channels: 3 }, 'default: the most common size');
  assert.throws(() => requireShape(data, MNIST_SHAPE, 'model mnist-vae'), /model mnist-vae takes 28×28 gray images but sized's are 16×20 RGB: give a dataset of that shape \(an image folder at that size: folder#28x28\)/);
  await assertUserError(loadDataset(`${dir}#0`), /the size must be 1 to 256 pixels a side/);
  await assertUserError(loadDataset(`${dir}#999`), /the size must be 1 to 256/);
});

test('a large image is scaled down by default to 64 a side, its aspect kept', async () => {
  const dir = tempDir('large');
  for (let i = 0; i < 3; i++) await writeImage(join(dir, `big-${i}.png`), { width: 200, height: 100, channels: 3, seed: i });
  const data = await loadDataset(dir);
  assert.deepEqual(data.shape, { height: 32, width: 64, channels: 3 });
  assert.match(data.description!, /sides at most 64/);
});

test('bad folders: empty, empty classes, too few readable images, a class of one image only; one line each, nothing written there', async () => {
  const empty = tempDir('empty');
  await assertUserError(loadDataset(empty), /empty: no PNG or JPEG images in the folder; put images in it/);
  const emptyClasses = tempDir('empty-classes');
  mkdirSync(join(emptyClasses, 'cats'));
  mkdirSync(join(emptyClasses, 'dogs'));
  await assertUserError(loadDataset(emptyClasses), /its sub-folders \(cats, dogs\) hold no PNG or JPEG images/);

  const mostlyBroken = tempDir('mostly-broken');
  await writeImageFolder(mostlyBroken, 0, 2, { width: 8, height: 8, channels: 3 });
  for (let i = 0; i < 5; i++) writeFileSync(join(mostlyBroken, `bad-${i}.jpg`), Buffer.from([0xff, 0xd8, 0xff, 0xe0, i]));
  await assertUserError(loadDataset(mostlyBroken), /only 2 of 7 images could be read \(bad-0\.jpg \(Input file has corrupt header/, /fix or remove the unreadable files/);

  const single = tempDir('single');
  await writeImage(join(single, 'only.png'), { width: 8, height: 8, channels: 3, seed: 0 });
  await assertUserError(loadDataset(single), /only 1 of 1 images could be read|too few images for a train and a test split/);
  assert.deepEqual(readdirSync(single), ['only.png'], 'nothing written into the folder');

  const oneEach = tempDir('one-each');
  for (const name of ['a', 'b']) await writeImage(join(oneEach, name, 'x.png'), { width: 8, height: 8, channels: 3, seed: 1 });
  await assertUserError(loadDataset(oneEach), /too few images for a train and a test split \(2 train, 0 test\); add images/);
});
