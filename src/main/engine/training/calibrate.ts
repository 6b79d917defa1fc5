// How fast a recipe trains on the active backend, measured in about a second: what the default
// backend choice (backend/fastest.ts) compares between the backends that loaded.
import type { RecipeInfo, TrainSettings } from '../../../shared/recipes';
import { chooseFastest } from '../backend/fastest';
import type { ImageSet } from '../data/datasets';
import { imagePixels } from '../models/network';
import { buildModel } from '../models/build';
import { makeRng } from '../random';
import { adamFor, stepContext, trainOnBatch } from './trainer';

/** Untimed steps first: kernels get compiled or tiered up and buffers allocated. */
const WARMUP_STEPS = 8;
/** Timed steps run until this much time has passed (and at least MIN_STEPS). */
const BUDGET_MS = 1200;
const MIN_STEPS = 4;

/**
 * Samples/s of training `recipe` with `settings` (its batch size, family settings) on the active
 * backend: WARMUP_STEPS untimed Adam steps, then steps timed for ~BUDGET_MS, on seeded random
 * images (a step's cost does not depend on the pixels). Frees everything it made.
 */
export function measureTrainingSpeed(recipe: RecipeInfo, settings: TrainSettings): number {
  const batch = settings.batch;
  const rng = makeRng('calibration');
  const count = batch * 4;
  const pixels = imagePixels(recipe.image);
  const set: ImageSet = { count, pixels: Uint8Array.from({ length: count * pixels }, () => Math.floor(rng() * 256)), labels: new Uint8Array(count) };
  const source = { set, order: Int32Array.from({ length: count }, (_, i) => i), buffer: new Float32Array(batch * pixels) };
  const model = buildModel(recipe, settings);
  const optimizer = adamFor(settings);
  const ctx = stepContext(true, 'calibration');
  try {
    let step = 0;
    const run = () => trainOnBatch(model, optimizer, source, (step++ % 4) * batch, batch, ctx).values.dispose();
    for (let i = 0; i < WARMUP_STEPS; i++) run();
    const started = performance.now();
    let timed = 0;
    while (timed < MIN_STEPS || performance.now() - started < BUDGET_MS) {
      run();
      timed++;
    }
    return (timed * batch) / ((performance.now() - started) / 1000);
  } finally {
    optimizer.dispose();
    model.params.dispose();
  }
}

/**
 * Makes the fastest loaded backend for training `recipe` at `settings.batch` the active one
 * (measured once per machine and set of backends, then cached: backend/fastest.ts) and returns
 * how it was chosen. A forced backend or a GPU is kept.
 */
export function useFastestBackendFor(recipe: RecipeInfo, settings: TrainSettings) {
  return chooseFastest(`${recipe.name}@${settings.batch}`, () => measureTrainingSpeed(recipe, settings));
}
