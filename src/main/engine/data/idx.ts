/**
 * IDX files, the format MNIST ships in: a 4-byte big-endian magic (0x0000 08 = unsigned bytes,
 * then the number of dimensions), one big-endian uint32 per dimension, then the raw bytes.
 * Files may be gzip-compressed, as they are usually downloaded.
 */
import { gunzipSync } from 'node:zlib';
import { IMAGE_SIDE } from '../../../shared/contract';
import { UserError } from '../errors';
import { readRegularFile } from './regular-file';

const IDX_IMAGES_MAGIC = 0x00000803;
const IDX_LABELS_MAGIC = 0x00000801;

export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  /** count × rows × cols bytes, row-major, 0..255. */
  pixels: Uint8Array;
}

function describeMagic(magic: number): string {
  const hex = `0x${magic.toString(16).padStart(8, '0')}`;
  if (magic === IDX_IMAGES_MAGIC) return `${hex} (an IDX image file)`;
  if (magic === IDX_LABELS_MAGIC) return `${hex} (an IDX label file)`;
  return magic >>> 16 === 0 ? hex : `${hex} (not an IDX file)`;
}

/** Far above any 28×28 dataset; stops a corrupt or hostile .gz from inflating without bound. */
const MAX_INFLATED_BYTES = 2 ** 30;

function gunzipIfNeeded(buffer: Uint8Array, file: string): Uint8Array {
  if (buffer.length < 2 || buffer[0] !== 0x1f || buffer[1] !== 0x8b) return buffer;
  try {
    return gunzipSync(buffer, { maxOutputLength: MAX_INFLATED_BYTES });
  } catch (error) {
    throw new UserError(`${file}: gzip data is corrupt or inflates past 1 GiB (${(error as Error).message}); download the file again`);
  }
}

/** Checks magic and size, and returns the dimensions and a view of the data bytes (no copy). */
function parseIdx(raw: Uint8Array, file: string, magic: number, what: string): { dims: number[]; data: Uint8Array } {
  const buffer = gunzipIfNeeded(raw, file);
  const ndims = magic & 0xff;
  const headerBytes = 4 + 4 * ndims;
  if (buffer.length < 4) throw new UserError(`${file}: file is ${buffer.length} bytes, too short for an IDX header; it is not an IDX ${what} file`);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const found = view.getUint32(0);
  if (found !== magic) {
    throw new UserError(`${file}: wrong magic number: found ${describeMagic(found)}, expected ${describeMagic(magic)}; give an IDX ${what} file`);
  }
  if (buffer.length < headerBytes) {
    throw new UserError(`${file}: header truncated (${buffer.length} of ${headerBytes} bytes); download the file again`);
  }
  const dims = Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i));
  const expected = dims.reduce((a, b) => a * b, 1);
  const bytes = buffer.length - headerBytes;
  if (bytes !== expected) {
    const problem = bytes < expected ? 'data truncated' : 'unexpected trailing data';
    throw new UserError(`${file}: ${problem}: header says ${dims.join('×')} = ${expected} bytes, found ${bytes}; download the file again`);
  }
  if (dims[0] === 0) throw new UserError(`${file}: holds no ${what}; give a file with at least one`);
  return { dims, data: new Uint8Array(buffer.buffer, buffer.byteOffset + headerBytes, bytes) }; // a plain view, not a Buffer
}

/** Parses an IDX image file's bytes (plain or gzip); `file` names it in messages. Images must be 28×28. */
export function parseIdxImages(buffer: Uint8Array, file: string): IdxImages {
  const { dims, data } = parseIdx(buffer, file, IDX_IMAGES_MAGIC, 'images');
  const [count, rows, cols] = dims;
  if (rows !== IMAGE_SIDE || cols !== IMAGE_SIDE) {
    throw new UserError(`${file}: images are ${rows}×${cols}, expected ${IMAGE_SIDE}×${IMAGE_SIDE}; resize them to ${IMAGE_SIDE}×${IMAGE_SIDE}`);
  }
  return { count, rows, cols, pixels: data };
}

/** Parses an IDX label file's bytes (plain or gzip): one unsigned byte per image. */
export function parseIdxLabels(buffer: Uint8Array, file: string): Uint8Array {
  return parseIdx(buffer, file, IDX_LABELS_MAGIC, 'labels').data;
}

/** Reads a whole file, turning the usual failures into messages a user can act on. */
function readUserFile(path: string): Uint8Array {
  try {
    return readRegularFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${path}: file not found; check the path`, 'not-found');
    if (code === 'EISDIR') throw new UserError(`${path}: is a folder, expected an IDX file`);
    if (code === 'ENOTREG') throw new UserError(`${path}: is a pipe, socket or device, not a file; give an IDX file`);
    if (code === 'EACCES' || code === 'EPERM') throw new UserError(`${path}: permission denied; make the file readable`);
    throw new UserError(`${path}: cannot read (${code ?? (error as Error).message})`);
  }
}

export function readIdxImages(path: string): IdxImages {
  return parseIdxImages(readUserFile(path), path);
}

export function readIdxLabels(path: string): Uint8Array {
  return parseIdxLabels(readUserFile(path), path);
}
