/** Builds IDX files for tests: the same layout as MNIST's, written by hand so tests can corrupt them. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export function idxBytes(magic: number, dims: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

/** `count` 28×28 images; image i has every pixel = (i * 7 + pixel) % 256, so each is recognisable. */
export function imagesBytes(count: number): Uint8Array {
  const data = Uint8Array.from({ length: count * 784 }, (_, k) => (Math.floor(k / 784) * 7 + (k % 784)) % 256);
  return idxBytes(0x803, [count, 28, 28], data);
}

export function labelsBytes(labels: number[]): Uint8Array {
  return idxBytes(0x801, [labels.length], Uint8Array.from(labels));
}

/**
 * Writes the four standard files into `dir` (gzipped when `gz`): train image i has label i mod
 * `classes`, test image i label 3i mod `classes`, so with 47 classes (prime to 3) both splits hold
 * every class once they have at least `classes` images.
 */
export function writeIdxFolder(dir: string, trainCount: number, testCount: number, gz = false, classes = 10): void {
  const files: Record<string, Uint8Array> = {
    'train-images-idx3-ubyte': imagesBytes(trainCount),
    'train-labels-idx1-ubyte': labelsBytes(Array.from({ length: trainCount }, (_, i) => i % classes)),
    't10k-images-idx3-ubyte': imagesBytes(testCount),
    't10k-labels-idx1-ubyte': labelsBytes(Array.from({ length: testCount }, (_, i) => (i * 3) % classes)),
  };
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, gz ? `${name}.gz` : name), gz ? gzipSync(bytes) : bytes);
}
