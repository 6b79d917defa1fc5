// Class labels, one per image: a byte each while the classes fit in one (every IDX file, MNIST,
// the sprites, an image folder of at most 256 classes), else uint16 (up to 65,535 classes), so
// that a dataset holds the narrowest copy that fits.

/** Class indices, one per image: bytes up to 256 classes, uint16 up to 65,535. */
export type ClassLabels = Uint8Array | Uint16Array;

/** Bytes one label of a dataset of `classes` classes takes: 1 up to 256 classes, else 2. */
export function labelBytes(classes: number): 1 | 2 {
  return classes <= 256 ? 1 : 2;
}

/** A zeroed label array for `count` images of a dataset of `classes` classes. */
export function newLabels(count: number, classes: number): ClassLabels {
  return labelBytes(classes) === 1 ? new Uint8Array(count) : new Uint16Array(count);
}

/** The labels' bytes as stored (little-endian for uint16, as every machine the app runs on is): for cache files and checksums. */
export function labelsAsBytes(labels: ClassLabels): Uint8Array {
  return new Uint8Array(labels.buffer, labels.byteOffset, labels.byteLength);
}

/**
 * `count` labels read from `bytes` at `offset`, `width` bytes each: a view where the offset is
 * aligned for uint16, else a copy.
 */
export function labelsFromBytes(bytes: Uint8Array, offset: number, count: number, width: 1 | 2): ClassLabels {
  const at = bytes.byteOffset + offset;
  if (width === 1) return new Uint8Array(bytes.buffer, at, count);
  if (at % 2 === 0) return new Uint16Array(bytes.buffer, at, count);
  const copy = new Uint8Array(2 * count); // (a Buffer's slice would be a view, still unaligned)
  copy.set(bytes.subarray(offset, offset + 2 * count));
  return new Uint16Array(copy.buffer);
}
