// The manifest of a saved model folder: everything needed to rebuild the model and to show it
// without loading weights. Validated on every load; `format` guards against newer app versions.
import { z } from 'zod';
import { EpochRecord, RUN_STATUSES, TrainSettingsSchema } from '../../../shared/contract';
import { FAMILIES } from '../../../shared/recipes';

export const MANIFEST_FORMAT = 1;
export const MANIFEST_FILE = 'manifest.json';
export const HISTORY_CSV = 'history.csv';

const TensorEntry = z.object({
  name: z.string(),
  shape: z.array(z.number().int().min(0)),
  /** Offset in float32 elements from the start of the weights file. */
  offset: z.number().int().min(0),
});

export const Manifest = z.object({
  format: z.number().int(),
  app: z.object({ name: z.string(), version: z.string() }),
  name: z.string(),
  family: z.enum(FAMILIES),
  recipe: z.string(),
  settings: TrainSettingsSchema,
  /** The images the model reads and writes (its dataset's); absent in models from before colour: the recipe's 28×28 gray. */
  image: z
    .object({ height: z.number().int().min(1).max(256), width: z.number().int().min(1).max(256), channels: z.number().int().min(1).max(3) })
    .optional(),
  dataset: z.object({
    ref: z.string(),
    name: z.string(),
    title: z.string(),
    classes: z.array(z.string()),
    trainCount: z.number().int(),
    testCount: z.number().int(),
    /** SHA-256 of the images and labels (datasetChecksum); tells the right folder from another one after a move. Absent in older models. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  }),
  backend: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  status: z.enum(RUN_STATUSES),
  history: z.array(EpochRecord),
  metrics: z.object({ testLoss: z.number(), terms: z.record(z.string(), z.number()) }).nullable(),
  weights: z.object({
    file: z.string().regex(/^[\w.-]+\.bin$/),
    bytes: z.number().int().min(0),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    tensors: z.array(TensorEntry),
  }),
});
export type Manifest = z.infer<typeof Manifest>;
