// The one contract between the renderer and the engine: every request, its parameters, its
// result, and every event, each named once. Parameters are zod schemas because the renderer is
// untrusted input: the engine's door parses them before any work or allocation happens.
import { z } from 'zod';
import { NEIGHBOUR_METHODS, type NeighbourMethod } from './neighbour-map';
import type { ImageShape } from './network';
import { FAMILIES, MASK_KINDS, SETTING_SPECS, settingRange, type NumericSettingSpec, type TrainSettings } from './recipes';

/** Largest message either side accepts, in UTF-16 code units of its JSON text. */
export const MAX_MESSAGE_CHARS = 4_000_000;
/** Most images one request may produce or send (a 64×64 manifold grid). */
export const MAX_IMAGES_PER_REQUEST = 4096;
export const IMAGE_SIDE = 28;
export const IMAGE_PIXELS = IMAGE_SIDE * IMAGE_SIDE;

/**
 * An image of the model's shape: height·width·channels bytes (0 = black, 255 = full), row-major,
 * channels last, base64 (784 bytes for 28×28 gray). At most 256×256 RGB.
 */
const Image8 = z.string().max(262_144).describe('base64 of height·width·channels bytes');
const ModelId = z.string().min(1).max(200);
const Split = z.enum(['train', 'test']);
const finite = () => z.number().finite();
const LatentPoint = z.array(finite()).min(1).max(512);
/** Which neighbour map: the model, the method, the split, how many of its first images, the seed. */
const NeighbourMapRef = z.object({
  id: ModelId,
  method: z.enum(NEIGHBOUR_METHODS),
  split: Split,
  limit: z.number().int().min(2).max(10_000),
  seed: z.number().int().min(0).max(2 ** 31 - 1),
});
/** One end of a latent direction: the mean code of a class, or one image's code. */
const DirectionEnd = z
  .object({ class: z.number().int().min(0).max(65_534).optional(), index: z.number().int().min(0).max(69_999).optional() })
  .strict()
  .refine((end) => (end.class === undefined) !== (end.index === undefined), 'give a class or an image index, not both');

function numberSchema(spec: NumericSettingSpec) {
  const range = `must be ${settingRange(spec)}`;
  let s = z.number({ error: range }).finite(range);
  s = spec.minExclusive ? s.gt(spec.min, spec.whyAboveMin ? `must be above ${spec.min}: ${spec.whyAboveMin}` : range) : s.min(spec.min, range);
  s = s.max(spec.max, range);
  return spec.integer ? s.int(range) : s;
}

export const TrainSettingsSchema = z.object({
  ...(Object.fromEntries(Object.values(SETTING_SPECS).map((spec) => [spec.key, numberSchema(spec)])) as Record<
    Exclude<keyof TrainSettings, 'maskKind'>,
    z.ZodNumber
  >),
  maskKind: z.enum(MASK_KINDS),
});

/** Dataset: a bundled name, or (CLI and app) a folder or image-file path of the user's own IDX data. */
export const DatasetRef = z.string().min(1).max(4096);

/** A model name chosen by the user: becomes a folder name, so nothing that could leave the folder. */
export const ModelName = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._()-]*$/u, 'use letters, digits, spaces and . _ ( ) - only, starting with a letter or digit')
  .refine((s) => !s.includes('..'), 'must not contain ".."')
  // Windows reserves these (COM¹-³ and LPT¹-³ too) and drops a trailing dot or space from folder names.
  .refine((s) => !/^(con|prn|aux|nul|com[\d¹²³]|lpt[\d¹²³])(\..*)?$/i.test(s), 'is a reserved device name')
  .refine((s) => !/[. ]$/.test(s), 'must not end with a dot or a space');

export const BackendInfo = z.object({
  name: z.string(),
  reason: z.string(),
  skipped: z.array(z.object({ name: z.string(), reason: z.string() })),
  /** Compute threads, where the engine sets them (the wasm backend). */
  threads: z.number().int().positive().optional(),
  /** How it runs where that is not obvious: why fewer threads run than were wanted, whose library. */
  note: z.string().optional(),
});
export type BackendInfo = z.infer<typeof BackendInfo>;

export const EpochRecord = z.object({
  epoch: z.number(),
  trainLoss: z.number(),
  testLoss: z.number(),
  terms: z.record(z.string(), z.number()),
  testTerms: z.record(z.string(), z.number()),
  samplesPerSec: z.number(),
  seconds: z.number(),
  /** Figures that are not loss terms, e.g. VQ-VAE perplexity and codes in use. */
  stats: z.record(z.string(), z.number()).optional(),
});
export type EpochRecord = z.infer<typeof EpochRecord>;

/** What a model folder's manifest says of the run that wrote it. */
export const RUN_STATUSES = ['training', 'done', 'stopped-early', 'cancelled', 'diverged', 'failed'] as const;
/** What an imported model lists as its recipe: it was trained elsewhere and imported from ONNX. */
export const IMPORTED_RECIPE = 'imported (ONNX)';

export const ModelSummary = z.object({
  id: z.string(),
  name: z.string(),
  source: z.enum(['bundled', 'user']),
  family: z.enum(FAMILIES),
  /** Trained elsewhere and imported as ONNX graphs: the latent views work, training and the family tools do not. */
  imported: z.boolean(),
  recipe: z.string(),
  dataset: z.string(),
  latent: z.number(),
  /** The images the model reads and writes (its dataset's shape). */
  image: z.object({ height: z.number(), width: z.number(), channels: z.number() }),
  epochs: z.number(),
  testLoss: z.number().nullable(),
  /** The model's own dataset folder is no longer where it was trained (moved, or the model was copied): see models.locateDataset. */
  datasetMissing: z.boolean(),
  /** The manifest's run status, except that 'training' whose run is gone (killed) is 'interrupted'. */
  status: z.enum([...RUN_STATUSES, 'interrupted']),
  createdAt: z.string(),
  path: z.string(),
  /** SHA-256 of the weights file (trained here) or of the two ONNX graphs (imported): tells a scene whether its model changed. */
  checksum: z.string(),
});
export type ModelSummary = z.infer<typeof ModelSummary>;

export const LayerSummary = z.object({ name: z.string(), outputShape: z.array(z.number().nullable()), params: z.number() });
export type LayerSummary = z.infer<typeof LayerSummary>;

const Empty = z.object({}).strict();

/** Largest ONNX file the app's import takes, in base64 characters (two must fit in one message; the CLI takes any size). */
export const MAX_ONNX_BASE64 = 1_900_000;
/** An ONNX file sent by the renderer: its name (for messages) and its bytes in base64. */
const OnnxUpload = z.object({ fileName: z.string().min(1).max(255), data: z.string().min(1).max(MAX_ONNX_BASE64) }).strict();
const TensorName = z.string().min(1).max(500);

/** Epochs of recorded maps one `model.epochMaps` answer carries: 2,000 points each, ~2.1 MB of base64 in all, under MAX_MESSAGE_CHARS. */
export const EPOCH_MAPS_PAGE = 100;

/** Every request: its parameter schema. Results are typed by `Results` below. */
export const Requests = {
  'engine.info': Empty,
  /** Answered by whoever supervises the engine process (web server, Electron main), not the engine. */
  'engine.restart': Empty,
  'catalog.recipes': Empty,
  'catalog.datasets': Empty,
  'models.list': Empty,
  'models.describe': z.object({ id: ModelId }).strict(),
  'models.rename': z.object({ id: ModelId, name: ModelName }).strict(),
  'models.delete': z.object({ id: ModelId }).strict(),
  'models.history': z.object({ id: ModelId }).strict(),
  /** Points a user model at the new place of the dataset folder it was trained on (checked by checksum). */
  'models.locateDataset': z.object({ id: ModelId, dataset: DatasetRef }).strict(),
  /** A PyTorch-trained autoencoder exported as ONNX: encoder and decoder, the images' dataset and range. */
  'models.import': z
    .object({
      name: ModelName,
      dataset: DatasetRef,
      range: z.enum(['unit', 'symmetric']),
      /** A VAE encoder's outputs by name, μ first, where their names do not say which is which. */
      outputs: z.tuple([TensorName, TensorName]).optional(),
      encoder: OnnxUpload,
      decoder: OnnxUpload,
    })
    .strict(),
  /** A model trained here as PyTorch weights for its recipe's reference class (safetensors). */
  'models.export': z.object({ id: ModelId, format: z.enum(['safetensors']) }).strict(),
  'train.start': z
    .object({ name: ModelName, recipe: z.string().min(1).max(100), dataset: DatasetRef, settings: TrainSettingsSchema.partial().strict() })
    .strict(),
  'train.pause': z.object({ runId: z.string().max(100) }).strict(),
  'train.resume': z.object({ runId: z.string().max(100) }).strict(),
  'train.cancel': z.object({ runId: z.string().max(100) }).strict(),
  /** A dataset's catalogue entry (its classes, sizes); an own folder is loaded to answer. */
  'data.describe': z.object({ dataset: DatasetRef }).strict(),
  /** Stops the first load of an own image folder under way (see the data.progress event); the requests waiting for it fail with one line. */
  'data.cancel': z.object({ dataset: DatasetRef }).strict(),
  'data.images': z
    .object({ dataset: DatasetRef, split: Split, indices: z.array(z.number().int().min(0)).min(1).max(1024) })
    .strict(),
  'model.encode': z.object({ id: ModelId, split: Split, limit: z.number().int().min(1).max(70_000) }).strict(),
  'model.decode': z.object({ id: ModelId, z: z.array(LatentPoint).min(1).max(MAX_IMAGES_PER_REQUEST) }).strict(),
  'model.grid': z
    .object({
      id: ModelId,
      n: z.number().int().min(1).max(64),
      /** 'quantiles': the classic Gaussian-quantile manifold; 'region': evenly over [x0,x1]×[y0,y1]. */
      mode: z.enum(['quantiles', 'region']),
      region: z.tuple([finite(), finite(), finite(), finite()]).optional(),
      /** For latents wider than 2: the plane base + u·axisU + v·axisV. */
      plane: z.object({ base: LatentPoint, axisU: LatentPoint, axisV: LatentPoint }).optional(),
      /** [first, count]: only these rows of the grid (top to bottom), for a grid too large for one answer (see answer-size.ts). */
      rows: z.tuple([z.number().int().min(0).max(63), z.number().int().min(1).max(64)]).optional(),
    })
    .strict(),
  /** Draws offset … offset + count − 1 of the seed's sequence: a large set of samples asked in parts is the same set. */
  'model.sample': z
    .object({
      id: ModelId,
      count: z.number().int().min(1).max(1024),
      seed: z.number().int().min(0).max(2 ** 31 - 1),
      offset: z.number().int().min(0).max(1023).optional(),
    })
    .strict()
    .refine((p) => (p.offset ?? 0) + p.count <= 1024, 'offset + count must be at most 1024'),
  'model.reconstruct': z.object({ id: ModelId, split: Split, indices: z.array(z.number().int().min(0)).min(1).max(256) }).strict(),
  'model.interpolate': z
    .object({ id: ModelId, from: LatentPoint, to: LatentPoint, steps: z.number().int().min(2).max(64), mode: z.enum(['linear', 'slerp']) })
    .strict(),
  'model.pca': z.object({ id: ModelId }).strict(),
  /** The latent maps recorded after epochs first … first+count−1 of the model's training (see EpochMaps). */
  'model.epochMaps': z.object({ id: ModelId, first: z.number().int().min(0).max(100_000), count: z.number().int().min(1).max(EPOCH_MAPS_PAGE) }).strict(),
  /** VAE only: KL, posterior-mean variance (active units) and σ per latent dimension over the first `limit` images. */
  'model.posteriorStats': z.object({ id: ModelId, split: Split, limit: z.number().int().min(1).max(70_000) }).strict(),
  /** A dataset with known factors (sprites): how much each latent dimension's mean tells of each factor, and the MIG, over the first `limit` images. */
  'model.factorScores': z.object({ id: ModelId, split: Split, limit: z.number().int().min(2).max(70_000) }).strict(),
  /** VAE only: the posterior N(μ, σ²) of each of these images of the split. */
  'model.posterior': z.object({ id: ModelId, split: Split, indices: z.array(z.number().int().min(0).max(69_999)).min(1).max(64) }).strict(),
  /** One row per dimension in `dims`, `steps` values over [range₀, range₁] added to z[d]; at most 4096 images. */
  'model.traverse': z
    .object({
      id: ModelId,
      z: LatentPoint,
      dims: z.array(z.number().int().min(0).max(511)).min(1).max(64),
      range: z.tuple([finite(), finite()]),
      steps: z.number().int().min(2).max(64),
    })
    .strict(),
  /** to − from, each end a class mean of the codes over the first `limit` images of the split, or one image's code. */
  'model.direction': z
    .object({ id: ModelId, split: Split, from: DirectionEnd, to: DirectionEnd, limit: z.number().int().min(1).max(70_000) })
    .strict(),
  /** z + s·direction decoded, for each strength s. */
  'model.applyDirection': z
    .object({ id: ModelId, z: LatentPoint, direction: LatentPoint, strengths: z.array(finite()).min(1).max(64) })
    .strict(),
  /**
   * The UMAP or t-SNE map of the first `limit` encodings of the split (t-SNE: at most
   * TSNE_MAX_POINTS): the points when computed, else the fit started (or running) off the request path.
   */
  'model.neighbourMap': NeighbourMapRef.strict(),
  'model.neighbourMapCancel': z.object({ jobId: z.string().max(100) }).strict(),
  /** A point of a computed neighbour map → a latent by the documented inverse, decoded. */
  'model.neighbourMapInverse': NeighbourMapRef.extend({ point: z.tuple([finite(), finite()]) }).strict(),
  /**
   * A VAE's importance-weighted NLL estimate (Burda et al. 2016) over test images [offset, offset + limit)
   * of the test set binarized with `seed`, K = `samples` per image; asked a chunk at a time so that a
   * panel shows progress and can stop.
   */
  'model.nll': z
    .object({
      id: ModelId,
      offset: z.number().int().min(0).max(69_999),
      limit: z.number().int().min(1).max(10_000),
      samples: z.number().int().min(1).max(5000),
      seed: z.number().int().min(0).max(2 ** 31 - 1),
    })
    .strict(),
  'model.inpaint': z.object({ id: ModelId, image: Image8, mask: Image8 }).strict(),
  'model.denoise': z.object({ id: ModelId, image: Image8, sigma: z.number().finite().min(0).max(2), seed: z.number().int().min(0).max(2 ** 31 - 1) }).strict(),
  'model.quantize': z.object({ id: ModelId, image: Image8 }).strict(),
  /** A whole code map, row-major: as many codes as the model's map has cells (7·7 for 28×28 images). */
  'model.decodeCodes': z.object({ id: ModelId, codes: z.array(z.number().int().min(0).max(4095)).min(1).max(64 * 64) }).strict(),
  /** Usage over the first `limit` test images, and the tiles of every entry, or of the entries of [first, first + count) that exist when `tiles` is given. */
  'model.codebook': z
    .object({ id: ModelId, limit: z.number().int().min(1).max(10_000), tiles: z.tuple([z.number().int().min(0).max(4095), z.number().int().min(1).max(4096)]).optional() })
    .strict(),
  'model.codeUsers': z.object({ id: ModelId, code: z.number().int().min(0).max(4095), count: z.number().int().min(1).max(64) }).strict(),
} as const;

export type Method = keyof typeof Requests;
export type Params<M extends Method> = z.infer<(typeof Requests)[M]>;

export interface DatasetInfo {
  name: string;
  title: string;
  /** Class names, indexed by label: every label of the dataset is below classes.length. */
  classes: string[];
  train: number;
  test: number;
  shape: ImageShape;
  /**
   * Factors of variation each image carries (the sprites), with their levels' names; a factor whose
   * levels are colours gives them (`#rrggbb`), so a map coloured by it shows each level in its own colour.
   */
  factors?: { name: string; levels: string[]; colors?: string[] }[];
  /** How the images were made into the dataset (an image folder's size, split, skipped files), for the user. */
  description?: string;
}

/** Per-dimension statistics of a VAE's posterior q(z|x) = N(μ, σ²) over a dataset split. */
export interface PosteriorStats {
  /** Images the statistics are taken over. */
  count: number;
  /** Mean over the data of KL(q(z_d|x) ‖ N(0, 1)) = −½(1 + log σ_d² − μ_d² − σ_d²), nats, one per dimension; they sum to the ELBO's KL term. */
  kl: number[];
  /** Variance over the data of the posterior mean μ_d (the population variance, dividing by count), one per dimension. */
  meanVariance: number[];
  /** Mean over the data of the posterior standard deviation σ_d, one per dimension. */
  sigma: number[];
  /** Indices of the active units: meanVariance above `threshold` (Burda, Grosse & Salakhutdinov 2016, "Importance Weighted Autoencoders"). */
  activeUnits: number[];
  /** The active-unit threshold on meanVariance: 0.01, as Burda et al. set it. */
  threshold: number;
}

/**
 * How far each latent dimension follows one factor of variation (engine/explore/factor-scores.ts):
 * the mutual information between each dimension's posterior mean, discretised into `bins`
 * equal-width bins, and each factor, over the factor's entropy; and the Mutual Information Gap
 * (Chen et al. 2018): the mean over factors of the gap between a factor's two largest normalised MIs.
 */
export interface FactorScores {
  /** Images the scores are taken over. */
  count: number;
  bins: number;
  /** The factors' names, in the dataset's order. */
  factors: string[];
  /** H(v_k) in nats, one per factor. */
  entropy: number[];
  /** [latent dimension][factor] normalised mutual information I(z_d; v_k) / H(v_k), in [0, 1]. */
  mi: number[][];
  /** Per factor: largest − second largest normalised MI over the dimensions. */
  gaps: number[];
  /** Mean of the gaps over the factors with more than one level; 0 … 1, higher = more disentangled. */
  mig: number;
}

/**
 * The latent map of the first test images recorded after each epoch of a training run:
 * `positions` is [epochs.length × labels.length × 2] floats (x, y per image, epoch-major);
 * `projection` says whether the points are the 2-D latent itself or each epoch's PCA plane of a
 * wider one (signs aligned with the previous epoch's). Recorded by engine/training/epoch-map.ts.
 */
export interface EpochMaps {
  epochs: number[];
  labels: number[];
  projection: 'latent' | 'pca';
  positions: Float32Array;
}

/** Images are base64 Image8 strings throughout. */
export interface Results {
  'engine.info': { version: string; backend: BackendInfo; modelsDir: string };
  'engine.restart': { restarted: boolean };
  'catalog.recipes': import('./recipes').RecipeInfo[];
  'catalog.datasets': DatasetInfo[];
  'models.list': ModelSummary[];
  'models.describe': { summary: ModelSummary; settings: TrainSettings; layers: LayerSummary[]; totalParams: number };
  'models.rename': ModelSummary;
  'models.delete': { deleted: string; trashed: boolean };
  'models.history': { history: EpochRecord[] };
  'models.locateDataset': ModelSummary;
  'models.import': ModelSummary;
  /** `data`: the safetensors file in base64; `construct`: the PyTorch class call that loads it, e.g. "VAE(hidden=256, latent=2)". */
  /** `module`: the PyTorch module written for a recipe without a reference class (save it beside the weights). */
  'models.export': { fileName: string; data: string; construct: string; module?: { fileName: string; text: string } };
  'train.start': { runId: string; modelId: string };
  'train.pause': { paused: boolean };
  'train.resume': { paused: boolean };
  'train.cancel': { cancelled: boolean };
  'data.describe': DatasetInfo;
  'data.cancel': { cancelled: boolean };
  'data.images': { images: string[]; labels: number[] };
  /** factors: for a dataset with known factors, each point's level of every factor, [count × factors] row-major (DatasetInfo.factors names them). */
  'model.encode': { dims: number; points: number[]; labels: number[]; factors?: number[] };
  'model.decode': { images: string[] };
  'model.grid': { n: number; images: string[]; xs: number[]; ys: number[] };
  'model.sample': { images: string[]; z: number[][] };
  'model.reconstruct': { originals: string[]; reconstructions: string[] };
  'model.interpolate': { z: number[][]; images: string[] };
  'model.pca': { mean: number[]; axes: number[][]; explained: number[] };
  /** null: the model has no recorded maps (trained before they were, or imported). `total`: epochs recorded; `positions`: the page's float32 values (little-endian) in base64. */
  'model.epochMaps': (Omit<EpochMaps, 'positions'> & { total: number; first: number; positions: string }) | null;
  'model.posteriorStats': PosteriorStats;
  'model.factorScores': FactorScores;
  'model.posterior': { mu: number[][]; sigma: number[][] };
  'model.traverse': { offsets: number[]; values: number[][]; images: string[] };
  'model.direction': { from: number[]; to: number[]; direction: number[] };
  'model.applyDirection': { z: number[][]; images: string[] };
  /** points: x, y per encoding, flat; labels: the images' classes. */
  'model.neighbourMap': { status: 'ready'; points: number[]; labels: number[] } | { status: 'running'; jobId: string; epoch: number; epochs: number };
  'model.neighbourMapCancel': { cancelled: boolean };
  /**
   * latentDistance: from z to the nearest sample's latent (how far off the data the probe decodes);
   * mapResidual: from the point to where z maps back, in map units (what the refinement left).
   */
  'model.neighbourMapInverse': { z: number[]; image: string; nearest: number; latentDistance: number; mapResidual: number };
  /** Means over the `count` images of the chunk, in nats; negElbo from the same samples (≥ nll). */
  'model.nll': { count: number; samples: number; nll: number; negElbo: number };
  'model.inpaint': { masked: string; output: string; hiddenMse: number; errorMap: string };
  'model.denoise': { noisy: string; output: string };
  'model.quantize': { codes: number[]; image: string };
  'model.decodeCodes': { image: string };
  'model.codebook': { tiles: string[]; usage: number[]; perplexity: number; deadCodes: number };
  'model.codeUsers': { indices: number[]; counts: number[]; images: string[] };
}

export type Result<M extends Method> = Results[M];

export interface TrainProgress {
  runId: string;
  modelId: string;
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  samplesPerSec: number;
  etaSeconds: number;
  terms: Record<string, number>;
}

export interface TrainEpoch extends EpochRecord {
  runId: string;
  modelId: string;
  epochs: number;
}

export interface TrainEnd {
  runId: string;
  modelId: string;
  status: 'done' | 'stopped-early' | 'cancelled' | 'diverged' | 'failed';
  message: string;
  /** Epochs kept on disk. */
  savedEpochs: number;
}

/** A first load of an own image folder under way (reading every image's size, then decoding), at most ~10 a second. */
export interface DatasetProgress {
  /** The reference it was asked by (as in the requests). */
  dataset: string;
  stage: 'reading sizes' | 'decoding';
  /** Files done of `total` in this stage. */
  done: number;
  total: number;
  /** Unreadable files skipped so far. */
  skipped: number;
}

export interface Events {
  'data.progress': DatasetProgress;
  /** The load that sent data.progress ended: loaded (and cached), cancelled by data.cancel, or failed (message says why). */
  'data.end': { dataset: string; status: 'done' | 'cancelled' | 'failed'; message: string };
  'train.progress': TrainProgress;
  'train.epoch': TrainEpoch;
  'train.paused': { runId: string; paused: boolean };
  /** A neighbour map's fit: iterations done of their total (UMAP epochs, t-SNE gradient steps). */
  'neighbourMap.progress': { jobId: string; modelId: string; method: NeighbourMethod; epoch: number; epochs: number };
  'neighbourMap.end': { jobId: string; modelId: string; method: NeighbourMethod; status: 'done' | 'cancelled' | 'failed'; message: string };
  'train.end': TrainEnd;
  'engine.log': { level: 'info' | 'warn' | 'error'; message: string };
  /** The engine process ended without being asked to (crash, kill); saved models are untouched. */
  'engine.exited': { code: number | null; signal: string | null; message: string };
  /** A fresh engine process is answering again after `engine.restart`. */
  'engine.restarted': Record<string, never>;
}
export type EventName = keyof Events;

export const ERROR_CODES = ['bad-request', 'unknown-method', 'too-large', 'not-found', 'conflict', 'unavailable', 'internal'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
export interface RpcErrorShape {
  code: ErrorCode;
  message: string;
}
