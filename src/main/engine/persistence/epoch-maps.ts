// The latent map of a fixed subset of the test set after every epoch, kept in the model folder so
// the map can be shown moving across training (a folder keeps only its latest weights). Two
// files: `epoch-maps-<id>.bin` (float32, little-endian: epochs × images × 2, epoch-major, each
// point x then y) and `epoch-maps.json`, the index naming that file, its size, the epochs, the
// images' labels and how the points were projected. As with the weights, each save writes a new
// binary under a new name, then the index naming it (both atomically), then removes older
// binaries: whenever the process dies, the index names a complete binary.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { EpochMaps } from '../../../shared/contract';
import { readRegularFile } from '../data/regular-file';
import { UserError } from '../errors';
import { writeFileAtomic } from './model-folder';

export const EPOCH_MAPS_FILE = 'epoch-maps.json';
const EPOCH_MAPS_FORMAT = 1;

const Index = z
  .object({
    format: z.literal(EPOCH_MAPS_FORMAT),
    file: z.string().regex(/^epoch-maps-[a-z0-9-]+\.bin$/),
    bytes: z.number().int().min(0),
    split: z.literal('test'),
    projection: z.enum(['latent', 'pca']),
    epochs: z.array(z.number().int().min(1)),
    labels: z.array(z.number().int().min(0).max(65_534)),
  })
  .strict();

/**
 * Writes `maps` (positions: epochs.length × labels.length × 2 floats, see EpochMaps) into the model folder `dir`
 * (which must exist), replacing what was recorded before. Sizes are the caller's to keep
 * consistent; a mismatch is a programming error and throws.
 */
export function saveEpochMaps(dir: string, maps: EpochMaps): void {
  const { positions } = maps;
  if (positions.length !== maps.epochs.length * maps.labels.length * 2) throw new Error(`epoch maps: ${positions.length} values for ${maps.epochs.length} epochs of ${maps.labels.length} points`);
  const file = `epoch-maps-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}.bin`;
  const bytes = new Uint8Array(positions.buffer, positions.byteOffset, positions.byteLength);
  writeFileAtomic(join(dir, file), bytes);
  const index: z.infer<typeof Index> = { format: EPOCH_MAPS_FORMAT, file, bytes: bytes.byteLength, split: 'test', projection: maps.projection, epochs: maps.epochs, labels: maps.labels };
  writeFileAtomic(join(dir, EPOCH_MAPS_FILE), JSON.stringify(index));
  for (const name of readdirSync(dir)) if (name.startsWith('epoch-maps-') && name !== file) rmSync(join(dir, name), { force: true });
}

/**
 * The maps recorded in model folder `dir`, or null when it has none (a model trained before maps
 * were recorded, or an imported one). Throws a UserError naming the file when the index is
 * corrupt or the binary is missing or of the wrong size.
 */
export function readEpochMaps(dir: string): EpochMaps | null {
  const path = join(dir, EPOCH_MAPS_FILE);
  if (!existsSync(path)) return null;
  let index: z.infer<typeof Index>;
  try {
    index = Index.parse(JSON.parse(readRegularFile(path).toString('utf8')));
  } catch (error) {
    throw new UserError(`${path} is corrupt (${(error as Error).message.split('\n')[0]}): train the model again to record its per-epoch maps`);
  }
  const binPath = join(dir, index.file);
  let bytes: Buffer;
  try {
    bytes = readRegularFile(binPath);
  } catch (error) {
    throw new UserError(`per-epoch maps ${binPath} cannot be read (${(error as Error).message}): train the model again to record them`, 'not-found');
  }
  const expected = index.epochs.length * index.labels.length * 2 * 4;
  if (bytes.byteLength !== index.bytes || bytes.byteLength !== expected) throw new UserError(`per-epoch maps ${binPath} are damaged: expected ${expected} bytes, found ${bytes.byteLength}; train the model again to record them`);
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return { epochs: index.epochs, labels: index.labels, projection: index.projection, positions: values };
}
