import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { UserError } from '../../src/main/engine/errors';
import { parseIdxImages, parseIdxLabels, readIdxImages, readIdxLabels } from '../../src/main/engine/data/idx';
import { idxBytes, imagesBytes, labelsBytes } from './idx-fixture';

/** Asserts a UserError whose one-line message matches every pattern. */
function assertUserError(fn: () => unknown, ...patterns: RegExp[]) {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof UserError, `expected UserError, got ${String(error)}`);
    assert.doesNotMatch(error.message, /\n/);
    for (const p of patterns) assert.match(error.message, p);
    return true;
  });
}

test('parses valid images and labels', () => {
  const images = parseIdxImages(imagesBytes(3), 'a.idx');
  assert.deepEqual([images.count, images.rows, images.cols, images.pixels.length], [3, 28, 28, 3 * 784]);
  assert.equal(images.pixels[784 + 5], 12); // image 1, pixel 5: 7 + 5
  assert.equal(Buffer.isBuffer(images.pixels), false);
  assert.deepEqual(Array.from(parseIdxLabels(labelsBytes([3, 0, 255]), 'l.idx')), [3, 0, 255]);
});

test('parses gzip-compressed files by their magic bytes', () => {
  const images = parseIdxImages(gzipSync(imagesBytes(2)), 'a.gz');
  assert.equal(images.count, 2);
  assert.deepEqual(images.pixels, parseIdxImages(imagesBytes(2), 'a').pixels);
  assert.deepEqual(Array.from(parseIdxLabels(gzipSync(labelsBytes([9, 8])), 'l.gz')), [9, 8]);
  const corrupt = gzipSync(imagesBytes(2)).subarray(0, 40);
  assertUserError(() => parseIdxImages(corrupt, 'bad.gz'), /^bad\.gz: /, /gzip/);
});

test('wrong magic says what was found and what was expected', () => {
  assertUserError(() => parseIdxImages(labelsBytes([1, 2]), 'x'), /^x: wrong magic/, /found 0x00000801 \(an IDX label file\)/, /expected 0x00000803/);
  assertUserError(() => parseIdxLabels(imagesBytes(1), 'y'), /found 0x00000803/, /expected 0x00000801/);
  assertUserError(() => parseIdxImages(new TextEncoder().encode('hello world, not idx'), 'z'), /0x68656c6c \(not an IDX file\)/);
});

test('too-short and truncated headers are refused', () => {
  assertUserError(() => parseIdxImages(new Uint8Array([0, 0]), 'tiny'), /^tiny: file is 2 bytes, too short/);
  assertUserError(() => parseIdxImages(imagesBytes(1).subarray(0, 10), 'hdr'), /^hdr: header truncated \(10 of 16 bytes\)/);
});

test('truncated data reports expected and found byte counts', () => {
  const bytes = imagesBytes(2);
  assertUserError(() => parseIdxImages(bytes.subarray(0, bytes.length - 100), 'cut'), /^cut: data truncated/, /1568 bytes, found 1468/);
  assertUserError(() => parseIdxLabels(labelsBytes([1, 2, 3]).subarray(0, 9), 'lab'), /data truncated/, /3 bytes, found 1/);
  const long = new Uint8Array(bytes.length + 4);
  long.set(bytes);
  assertUserError(() => parseIdxImages(long, 'long'), /trailing data/, /found 1572/);
});

test('images that are not 28×28 are refused with their size', () => {
  const bytes = idxBytes(0x803, [2, 32, 30], new Uint8Array(2 * 32 * 30));
  assertUserError(() => parseIdxImages(bytes, 'big'), /^big: images are 32×30, expected 28×28/);
});

test('an empty file of images is refused', () => {
  assertUserError(() => parseIdxImages(idxBytes(0x803, [0, 28, 28], new Uint8Array(0)), 'none'), /holds no images/);
});

test('reading files: missing, folder, unreadable and valid', () => {
  const dir = mkdtempSync(join(tmpdir(), 'le-idx-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const missing = join(dir, 'nope-idx3-ubyte');
  assert.throws(() => readIdxImages(missing), (e: unknown) => e instanceof UserError && e.code === 'not-found' && e.message.startsWith(`${missing}: file not found`));
  assertUserError(() => readIdxLabels(dir), /is a folder/);
  const path = join(dir, 'imgs');
  writeFileSync(path, imagesBytes(4));
  assert.equal(readIdxImages(path).count, 4);
  writeFileSync(join(dir, 'labels.gz'), gzipSync(labelsBytes([1, 2])));
  assert.deepEqual(Array.from(readIdxLabels(join(dir, 'labels.gz'))), [1, 2]);
  if (process.getuid?.() !== 0) {
    // root reads anything, so permission denial can only be seen as a normal user
    chmodSync(path, 0);
    assertUserError(() => readIdxImages(path), /permission denied/);
  }
});
