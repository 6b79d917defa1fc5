// The one contract between the renderer and the engine: every request, its parameters, its
// result, and every event, each named once. Parameters are zod schemas because the renderer is
// untrusted input: the engine's door parses them before any work or allocation happens.
import { z } from 'zod';
import { FAMILIES, MASK_KINDS, SETTING_SPECS, type NumericSettingSpec, type TrainSettings } from './recipes';

/** Largest message either side accepts, in UTF-16 code units of its JSON text. */
export const MAX_MESSAGE_CHARS = 4_000_000;
/** Most images one request may produce or send (a 64×64 manifold grid). */
export const MAX_IMAGES_PER_REQUEST = 4096;
export const IMAGE_SIDE = 28;
export const IMAGE_PIXELS = IMAGE_SIDE * IMAGE_SIDE;
/** VQ-VAE code maps are 7×7. */
export const CODE_MAP_SIDE = 7;

/** A 28×28 grayscale image: 784 bytes (0 = black, 255 = white), base64, row-major. */
const Image8 = z.string().max(2048).describe('base64 of 784 bytes');
const ModelId = z.string().min(1).max(200);
const Split = z.enum(['train', 'test']);
const finite = () => z.number().finite();
const LatentPoint = z.array(finite()).min(1).max(512);

function numberSchema(spec: NumericSettingSpec) {
  let s = z.number().finite();
  s = spec.minExclusive ? s.gt(spec.min) : s.min(spec.min);
  s = s.max(spec.max);
  return spec.integer ? s.int() : s;
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

export const ModelSummary = z.object({
  id: z.string(),
  name: z.string(),
  source: z.enum(['bundled', 'user']),
  family: z.enum(FAMILIES),
  recipe: z.string(),
  dataset: z.string(),
  latent: z.number(),
  epochs: z.number(),
  testLoss: z.number().nullable(),
  createdAt: z.string(),
  path: z.string(),
});
export type ModelSummary = z.infer<typeof ModelSummary>;

export const LayerSummary = z.object({ name: z.string(), outputShape: z.array(z.number().nullable()), params: z.number() });
export type LayerSummary = z.infer<typeof LayerSummary>;

const Empty = z.object({}).strict();

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
  'train.start': z
    .object({ name: ModelName, recipe: z.string().min(1).max(100), dataset: DatasetRef, settings: TrainSettingsSchema.partial().strict() })
    .strict(),
  'train.pause': z.object({ runId: z.string().max(100) }).strict(),
  'train.resume': z.object({ runId: z.string().max(100) }).strict(),
  'train.cancel': z.object({ runId: z.string().max(100) }).strict(),
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
    })
    .strict(),
  'model.sample': z.object({ id: ModelId, count: z.number().int().min(1).max(1024), seed: z.number().int().min(0).max(2 ** 31 - 1) }).strict(),
  'model.reconstruct': z.object({ id: ModelId, split: Split, indices: z.array(z.number().int().min(0)).min(1).max(256) }).strict(),
  'model.interpolate': z
    .object({ id: ModelId, from: LatentPoint, to: LatentPoint, steps: z.number().int().min(2).max(64), mode: z.enum(['linear', 'slerp']) })
    .strict(),
  'model.pca': z.object({ id: ModelId }).strict(),
  'model.inpaint': z.object({ id: ModelId, image: Image8, mask: Image8 }).strict(),
  'model.denoise': z.object({ id: ModelId, image: Image8, sigma: z.number().finite().min(0).max(2), seed: z.number().int().min(0).max(2 ** 31 - 1) }).strict(),
  'model.quantize': z.object({ id: ModelId, image: Image8 }).strict(),
  'model.decodeCodes': z.object({ id: ModelId, codes: z.array(z.number().int().min(0).max(4095)).length(CODE_MAP_SIDE * CODE_MAP_SIDE) }).strict(),
  'model.codebook': z.object({ id: ModelId, limit: z.number().int().min(1).max(10_000) }).strict(),
  'model.codeUsers': z.object({ id: ModelId, code: z.number().int().min(0).max(4095), count: z.number().int().min(1).max(64) }).strict(),
} as const;

export type Method = keyof typeof Requests;
export type Params<M extends Method> = z.infer<(typeof Requests)[M]>;

export interface DatasetInfo {
  name: string;
  title: string;
  classes: string[];
  train: number;
  test: number;
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
  'train.start': { runId: string; modelId: string };
  'train.pause': { paused: boolean };
  'train.resume': { paused: boolean };
  'train.cancel': { cancelled: boolean };
  'data.images': { images: string[]; labels: number[] };
  'model.encode': { dims: number; points: number[]; labels: number[] };
  'model.decode': { images: string[] };
  'model.grid': { n: number; images: string[]; xs: number[]; ys: number[] };
  'model.sample': { images: string[]; z: number[][] };
  'model.reconstruct': { originals: string[]; reconstructions: string[] };
  'model.interpolate': { z: number[][]; images: string[] };
  'model.pca': { mean: number[]; axes: number[][]; explained: number[] };
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

export interface Events {
  'train.progress': TrainProgress;
  'train.epoch': TrainEpoch;
  'train.paused': { runId: string; paused: boolean };
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
