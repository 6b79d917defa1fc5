/**
 * A folder of PNG and JPEG images as a dataset: one sub-folder per class (torchvision's
 * ImageFolder convention: classes are the sub-folders' names in code-point order, images anywhere
 * below them), or a flat folder without labels. Decoded and resized with sharp (libvips) into one
 * compact uint8 copy of the whole set, and cached once per folder in the cache folder.
 *
 * The split, deterministic and the same on every machine: per class, images are ordered by the
 * SHA-256 of their path within the folder and the first 20% (at least one, never all; none for a
 * class of one image) are test; each split is then interleaved class by class, so every prefix
 * (`--limit N`) holds the classes in equal shares.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { dirname, extname, join, relative } from 'node:path';
import type { Sharp, SharpOptions } from 'sharp';
import type { ImageShape } from '../../../shared/network';
import { UserError } from '../errors';
import { writeCacheFile } from './cache-file';
import { labelBytes, labelsAsBytes, labelsFromBytes, newLabels, type ClassLabels } from './labels';

/** Sides of the default size (the folder's most common one) are scaled down to at most this. */
export const DEFAULT_MAX_SIDE = 64;
/** Largest side a user may ask for. */
export const MAX_SIDE = 256;
/** Most classes: labels are uint16 (bytes up to 256 classes). */
export const MAX_CLASSES = 65_535;
/** Share of each class held out for test. */
export const TEST_SHARE = 0.2;
/** The decoded set must fit this many bytes (one copy; training adds floats of it). */
const MAX_SET_BYTES = 2 ** 31;
/** Below this share of readable images the load stops rather than train on the remains. */
const MIN_READABLE_SHARE = 0.5;
const EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);
/** Entries a walk reads before it stops: a folder this large is not one dataset (a home or system folder). */
export const MAX_ENTRIES = 2_000_000;
/** Images decoded at once: sharp works on libuv's pool (4 threads by default). */
const PARALLEL = 8;
/** The name of the one class of a folder without labels. */
export const NO_LABELS = '(no labels)';

export interface FolderImages {
  classes: string[];
  shape: ImageShape;
  train: { count: number; pixels: Uint8Array; labels: ClassLabels };
  test: { count: number; pixels: Uint8Array; labels: ClassLabels };
  /** Size, split and what was skipped or converted, in sentences for the user. */
  description: string;
  /** Whether this came from the cache. */
  cached: boolean;
}

/** Progress of a load: which pass, images done, images in all, unreadable images skipped so far. */
export type LoadProgress = (stage: 'reading sizes' | 'decoding', done: number, total: number, skipped: number) => void;

interface Entry {
  path: string;
  /** Path within the folder, '/'-separated: what the split hashes. */
  rel: string;
  label: number;
  bytes: number;
  mtimeMs: number;
}

interface Scan {
  /** null: a flat folder, without labels. */
  classes: string[] | null;
  entries: Entry[];
  notes: string[];
}

const isImage = (name: string) => EXTENSIONS.has(extname(name).toLowerCase());

function listOrExplain(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    throw new UserError(`${dir}: cannot list the folder (${(error as NodeJS.ErrnoException).code}); make it readable`);
  }
}

/** Whether a directory entry is (or links to) a folder; a dangling link is neither. */
function isFolder(dir: string, entry: Dirent): boolean {
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    return statSync(join(dir, entry.name)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The image files below `dir` (links followed), in code-point order of their paths. A folder
 * reached a second time (a link loop, or two links to one folder) is walked once and said so.
 */
function walkImages(root: string, dir: string, label: number, seen: Set<string>, notes: string[], out: Entry[], walked = { entries: 0 }): void {
  let real: string;
  let listed: Dirent[];
  try {
    real = realpathSync(dir);
    listed = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if (dir === root) throw new UserError(`${dir}: cannot list the folder (${(error as NodeJS.ErrnoException).code}); make it readable`);
    notes.push(`${relative(root, dir)}: cannot be listed (${(error as NodeJS.ErrnoException).code}), skipped`);
    return;
  }
  if (seen.has(real)) {
    notes.push(`${relative(root, dir)}: a symbolic link back to a folder already read (a loop), skipped`);
    return;
  }
  seen.add(real);
  walked.entries += listed.length;
  if (walked.entries > MAX_ENTRIES) throw new UserError(`${root}: more than ${MAX_ENTRIES.toLocaleString('en-US')} files and folders below it; give the folder that holds just the dataset's images`);
  const entries = listed
    .filter((e) => !e.name.startsWith('.'))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (isFolder(dir, entry)) walkImages(root, path, label, seen, notes, out, walked);
    else if (isImage(entry.name)) {
      let stat;
      try {
        stat = statSync(path);
      } catch {
        continue; // a dangling link: nothing to read
      }
      if (stat.isFile()) out.push({ path, rel: relative(root, path).split(/[\\/]/).join('/'), label, bytes: stat.size, mtimeMs: stat.mtimeMs });
    }
  }
}

/** The folder's classes and image files, or a one-line UserError when there is nothing to train on. */
function scanFolder(root: string): Scan {
  if (dirname(root) === root) throw new UserError(`${root}: the filesystem's root is not a dataset; give the folder of your images (or IDX files)`);
  const top = listOrExplain(root).filter((e) => !e.name.startsWith('.'));
  const classDirs = top.filter((e) => isFolder(root, e)).map((e) => e.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const notes: string[] = [];
  const seen = new Set<string>([realpathSync(root)]);
  if (!classDirs.length) {
    const entries: Entry[] = [];
    seen.clear();
    walkImages(root, root, 0, seen, notes, entries);
    if (!entries.length) throw new UserError(`${root}: no PNG or JPEG images in the folder; put images in it (one sub-folder per class for labels)`, 'not-found');
    return { classes: null, entries, notes };
  }
  const loose = top.filter((e) => !isFolder(root, e) && isImage(e.name)).length;
  if (loose) notes.push(`${loose} images directly in the folder were left out: its sub-folders are the classes`);
  const classes: string[] = [];
  const entries: Entry[] = [];
  const empty: string[] = [];
  const walked = { entries: 0 };
  for (const name of classDirs) {
    const found: Entry[] = [];
    walkImages(root, join(root, name), classes.length, seen, notes, found, walked);
    if (!found.length) {
      empty.push(name);
      continue;
    }
    classes.push(name);
    entries.push(...found);
  }
  if (!classes.length) throw new UserError(`${root}: its sub-folders (${classDirs.slice(0, 5).join(', ')}${classDirs.length > 5 ? ', …' : ''}) hold no PNG or JPEG images; put each class's images in its sub-folder`, 'not-found');
  if (empty.length) notes.push(`${empty.length === 1 ? 'class' : 'classes'} ${empty.map((n) => `"${n}"`).join(', ')} left out: no images`);
  if (classes.length > MAX_CLASSES) throw new UserError(`${root}: ${classes.length} sub-folders (classes); at most ${MAX_CLASSES} are supported: merge some`);
  return { classes, entries, notes };
}

/** Per class, the SHA-256 order of the paths; the first TEST_SHARE (at least one, never all) are test. Each split interleaved class by class. */
function splitEntries(entries: Entry[], classCount: number): { train: Entry[]; test: Entry[]; single: number } {
  const byClass: Entry[][] = Array.from({ length: classCount }, () => []);
  for (const entry of entries) byClass[entry.label]!.push(entry);
  const key = (e: Entry) => createHash('sha256').update(e.rel).digest('hex');
  const trains: Entry[][] = [];
  const tests: Entry[][] = [];
  let single = 0;
  for (const members of byClass) {
    const ordered = members.map((e) => ({ e, k: key(e) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0)).map(({ e }) => e);
    const nTest = ordered.length < 2 ? 0 : Math.min(ordered.length - 1, Math.max(1, Math.round(ordered.length * TEST_SHARE)));
    if (ordered.length === 1) single += 1;
    tests.push(ordered.slice(0, nTest));
    trains.push(ordered.slice(nTest));
  }
  return { train: roundRobin(trains), test: roundRobin(tests), single };
}

function roundRobin(groups: Entry[][]): Entry[] {
  const out: Entry[] = [];
  const longest = Math.max(0, ...groups.map((g) => g.length));
  for (let k = 0; k < longest; k++) for (const group of groups) if (k < group.length) out.push(group[k]!);
  return out;
}

/** Runs `work` over `items`, PARALLEL at a time, reporting each one done. */
/** `work` over the items, PARALLEL at a time; an abort stops taking new items (those under way finish). */
async function inParallel<T>(items: T[], work: (item: T, index: number) => Promise<void>, done: (n: number) => void, signal?: AbortSignal): Promise<void> {
  let next = 0;
  let finished = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) {
      const index = next++;
      await work(items[index]!, index);
      done(++finished);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
}

/** Throws the one-line UserError of a load the user cancelled (nothing was cached, nothing else changed). */
function throwIfCancelled(root: string, signal?: AbortSignal): void {
  if (signal?.aborted) throw new UserError(`loading ${root} was cancelled (nothing was cached); open or describe it again to load it`, 'conflict');
}

/**
 * sharp, loaded on first use: its native library is only needed for image folders, so an install
 * without it (an `--omit=optional` one, an unsupported platform) still runs everything else, and
 * an image folder then says what is missing.
 */
async function loadSharp(): Promise<(input: string, options?: SharpOptions) => Sharp> {
  try {
    return (await import('sharp')).default;
  } catch (error) {
    throw new UserError(`image folders need the sharp package, which could not be loaded (${(error as Error).message.split('\n')[0]}); reinstall with \`npm install\` (optional dependencies included)`, 'unavailable');
  }
}

/** "32×32 RGB", "28×28 gray". */
export function shapeText(shape: ImageShape): string {
  return `${shape.height}×${shape.width} ${shape.channels === 3 ? 'RGB' : 'gray'}`;
}

/** The most common height × width, sides scaled down (aspect kept) to at most DEFAULT_MAX_SIDE. */
function defaultSize(sizes: { height: number; width: number }[]): { height: number; width: number } {
  const counts = new Map<string, number>();
  for (const { height, width } of sizes) counts.set(`${height}x${width}`, (counts.get(`${height}x${width}`) ?? 0) + 1);
  // Ties go to the larger size, so the choice does not depend on the order of the files.
  const [best] = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : -1))[0]!;
  const [height, width] = best.split('x').map(Number) as [number, number];
  const scale = Math.min(1, DEFAULT_MAX_SIDE / Math.max(height, width));
  return { height: Math.max(1, Math.round(height * scale)), width: Math.max(1, Math.round(width * scale)) };
}

// ---- the cache: "LEIF", format, meta length (uint32 LE each), meta JSON, then train pixels,
// train labels, test pixels, test labels; labels one byte each up to 256 classes, else uint16 LE
// (format 2: a format-1 file is rebuilt, never read with the wrong label width) ----
const CACHE_MAGIC = 0x4649454c; // "LEIF" read as little-endian
const CACHE_FORMAT = 2;

interface CacheMeta {
  classes: string[];
  shape: ImageShape;
  trainCount: number;
  testCount: number;
  description: string;
}

/** The cache key: the folder, the size asked for, and every image's path, size and modification time. */
function cacheKey(root: string, size: { height: number; width: number } | undefined, entries: Entry[], classes: string[] | null): string {
  const hash = createHash('sha256').update(JSON.stringify([CACHE_FORMAT, root, size ?? null, classes]));
  for (const e of entries) hash.update(`${e.label}\0${e.rel}\0${e.bytes}\0${e.mtimeMs}\n`);
  return hash.digest('hex');
}

function readCache(file: string): Omit<FolderImages, 'cached'> | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return null; // not cached yet
  }
  if (bytes.length < 12 || bytes.readUInt32LE(0) !== CACHE_MAGIC || bytes.readUInt32LE(4) !== CACHE_FORMAT) return null;
  const metaLength = bytes.readUInt32LE(8);
  let meta: CacheMeta;
  try {
    meta = JSON.parse(bytes.subarray(12, 12 + metaLength).toString('utf8')) as CacheMeta;
  } catch {
    return null; // torn or foreign: rebuild
  }
  const size = meta.shape.height * meta.shape.width * meta.shape.channels;
  const width = labelBytes(meta.classes.length);
  if (bytes.length !== 12 + metaLength + (meta.trainCount + meta.testCount) * (size + width)) return null;
  let at = 12 + metaLength;
  const take = (n: number) => new Uint8Array(bytes.buffer, bytes.byteOffset + (at += n) - n, n);
  const set = (count: number) => ({ count, pixels: take(count * size), labels: labelsFromBytes(bytes, (at += count * width) - count * width, count, width) });
  const train = set(meta.trainCount);
  const test = set(meta.testCount);
  return { classes: meta.classes, shape: meta.shape, train, test, description: meta.description };
}

function writeCache(file: string, images: Omit<FolderImages, 'cached'>): void {
  const meta = Buffer.from(
    JSON.stringify({ classes: images.classes, shape: images.shape, trainCount: images.train.count, testCount: images.test.count, description: images.description } satisfies CacheMeta)
  );
  const header = Buffer.alloc(12);
  header.writeUInt32LE(CACHE_MAGIC, 0);
  header.writeUInt32LE(CACHE_FORMAT, 4);
  header.writeUInt32LE(meta.length, 8);
  writeCacheFile(file, [header, meta, images.train.pixels, labelsAsBytes(images.train.labels), images.test.pixels, labelsAsBytes(images.test.labels)]);
}

/**
 * Loads the image folder `root` (absolute) resized to `size` (height × width; default the most
 * common size, capped at DEFAULT_MAX_SIDE), from the cache in `cacheDir` when the folder's files
 * are unchanged. Unreadable or corrupt images are skipped and named in the description; the load
 * stops with a UserError when fewer than half (or fewer than two, or no test image) remain, and
 * for an empty folder, more than MAX_CLASSES classes, or a set past 2 GiB at that size.
 * Pixels: count × height × width × channels bytes (channels last); gray when every image is gray,
 * else RGB (gray images converted); alpha flattened onto black. `progress` hears each image read
 * (sizes, then decoding); an abort of `signal` stops the load with a 'conflict' UserError.
 */
export async function loadImageFolder(
  root: string,
  size: { height: number; width: number } | undefined,
  cacheDir: string,
  progress?: LoadProgress,
  signal?: AbortSignal
): Promise<FolderImages> {
  const scan = scanFolder(root);
  const classes = scan.classes ?? [NO_LABELS];
  const cacheFile = join(cacheDir, 'image-folders', `${cacheKey(root, size, scan.entries, scan.classes)}.v${CACHE_FORMAT}.bin`);
  const cached = readCache(cacheFile);
  if (cached) return { ...cached, cached: true };

  const sharp = await loadSharp();
  const failed = new Map<Entry, string>();
  const sizes = new Map<Entry, { height: number; width: number; gray: boolean }>();
  await inParallel(
    scan.entries,
    async (entry) => {
      try {
        const meta = await sharp(entry.path).metadata();
        sizes.set(entry, { height: meta.autoOrient?.height ?? meta.height, width: meta.autoOrient?.width ?? meta.width, gray: meta.channels <= 2 });
      } catch (error) {
        failed.set(entry, (error as Error).message.split('\n')[0]!);
      }
    },
    (done) => progress?.('reading sizes', done, scan.entries.length, failed.size),
    signal
  );
  throwIfCancelled(root, signal);
  // The split is drawn among the images that can be read, so a corrupt file does not thin one class's test share.
  const split = splitEntries(scan.entries.filter((e) => sizes.has(e)), classes.length);
  const all = [...split.train, ...split.test];
  const readable = [...sizes.values()];
  const target = size ?? (readable.length ? defaultSize(readable) : { height: 1, width: 1 });
  const channels = readable.some((s) => !s.gray) ? 3 : 1;
  const shape: ImageShape = { ...target, channels };
  const imageBytes = shape.height * shape.width * channels;
  if (all.length * imageBytes > MAX_SET_BYTES) {
    throw new UserError(`${root}: ${all.length.toLocaleString('en-US')} images of ${shapeText(shape)} would take ${((all.length * imageBytes) / 2 ** 30).toFixed(1)} GiB; pick a smaller size (e.g. ${root}#32)`);
  }

  // Each image is decoded into its slot of the one copy; the slots of skipped images are closed up after.
  const sets = { train: split.train, test: split.test };
  const pixels = { train: new Uint8Array(split.train.length * imageBytes), test: new Uint8Array(split.test.length * imageBytes) };
  const slots = new Map<Entry, { set: 'train' | 'test'; slot: number }>();
  split.train.forEach((e, slot) => slots.set(e, { set: 'train', slot }));
  split.test.forEach((e, slot) => slots.set(e, { set: 'test', slot }));
  await inParallel(
    all,
    async (entry) => {
      try {
        let image = sharp(entry.path).autoOrient().resize(shape.width, shape.height, { fit: 'fill' }).flatten({ background: '#000000' });
        image = channels === 1 ? image.grayscale() : image.toColourspace('srgb');
        const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
        if (info.channels !== channels || data.length !== imageBytes) throw new Error(`decoded to ${info.channels} channels`);
        const { set, slot } = slots.get(entry)!;
        pixels[set].set(data, slot * imageBytes);
      } catch (error) {
        failed.set(entry, (error as Error).message.split('\n')[0]!);
      }
    },
    (done) => progress?.('decoding', done, all.length, failed.size),
    signal
  );
  throwIfCancelled(root, signal);

  const good = scan.entries.length - failed.size;
  const firstFailed = [...failed]
    .sort(([a], [b]) => (a.rel < b.rel ? -1 : 1))
    .slice(0, 3)
    .map(([e, why]) => `${e.rel} (${why})`);
  if (good < 2 || good < scan.entries.length * MIN_READABLE_SHARE) {
    throw new UserError(`${root}: only ${good} of ${scan.entries.length} images could be read (${firstFailed.join('; ')}${failed.size > 3 ? '; …' : ''}); fix or remove the unreadable files`);
  }
  const compact = (name: 'train' | 'test') => {
    const labels = newLabels(sets[name].length, classes.length);
    let kept = 0;
    sets[name].forEach((entry, slot) => {
      if (failed.has(entry)) return;
      pixels[name].copyWithin(kept * imageBytes, slot * imageBytes, (slot + 1) * imageBytes);
      labels[kept++] = entry.label;
    });
    return { count: kept, pixels: pixels[name].subarray(0, kept * imageBytes), labels: labels.subarray(0, kept) };
  };
  const train = compact('train');
  const test = compact('test');
  if (!train.count || !test.count) throw new UserError(`${root}: too few images for a train and a test split (${train.count} train, ${test.count} test); add images`);

  const resized = readable.filter((s) => s.height !== shape.height || s.width !== shape.width).length;
  const converted = channels === 3 ? readable.filter((s) => s.gray).length : 0;
  const notes = [...scan.notes];
  if (failed.size) notes.push(`${failed.size} unreadable ${failed.size === 1 ? 'image' : 'images'} skipped: ${firstFailed.join('; ')}${failed.size > 3 ? '; …' : ''}`);
  if (resized) notes.push(`${resized} of ${good} images resized to ${shape.height}×${shape.width} (stretched to fit)`);
  if (converted) notes.push(`${converted} gray images converted to RGB`);
  if (split.single) notes.push(`${split.single} ${split.single === 1 ? 'class has' : 'classes have'} one image only: in train, none in test`);
  const labelled = scan.classes ? `${classes.length} classes (one sub-folder each)` : 'no labels (a flat folder)';
  const description = [
    `${(train.count + test.count).toLocaleString('en-US')} PNG/JPEG images of ${shapeText(shape)}, ${labelled}`,
    `${size ? 'size as asked' : `size: the most common one${Math.max(shape.height, shape.width) >= DEFAULT_MAX_SIDE ? `, sides at most ${DEFAULT_MAX_SIDE}` : ''} (another with ${root}#H or #HxW)`}`,
    `split: per class, the ${Math.round(TEST_SHARE * 100)}% of images first in SHA-256 order of their path in the folder are test (${train.count.toLocaleString('en-US')} train, ${test.count.toLocaleString('en-US')} test, the same on every machine)`,
    ...notes,
  ].join('; ');
  const images = { classes, shape, train, test, description };
  writeCache(cacheFile, images);
  return { ...images, cached: false };
}
