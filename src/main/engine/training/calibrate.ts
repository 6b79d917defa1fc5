// How fast a recipe trains on a backend, measured in a few seconds: what the default backend choice
// (backend/fastest.ts) compares between the backends that are installed.
import type { RecipeInfo, TrainSettings } from '../../../shared/recipes';
import { CALIBRATION_SPANS, chooseFastest, initBackendFor, median, type Calibration } from '../backend/fastest';
import type { ImageSet } from '../data/datasets';
import { imagePixels } from '../models/network';
import { buildModel } from '../models/build';
import { makeRng } from '../random';
import { stepContext, trainOnBatch } from './trainer';
import { trainingStepFor } from './training-step';

/**
 * Warm-up: steps until this much time has passed or WARMUP_MAX_STEPS ran. The threaded wasm
 * backend reaches its pace after ~200 steps (~1 s on the MLPs); 8 steps, as before, left it ~15 %
 * short and made the choice wrong.
 */
const WARMUP_MS = 1000;
const WARMUP_MAX_STEPS = 200;
/** One timed span: steps until this much time has passed (and at least MIN_SPAN_STEPS). */
const SPAN_MS = 150;
const MIN_SPAN_STEPS = 1;

/**
 * A measurement of training `recipe` with `settings` (its batch size, family settings) on the
 * active backend, for `chooseFastest`: Adam steps on seeded random images (a step's cost does not
 * depend on the pixels), warmed up for ~WARMUP_MS, then timed in spans of ~SPAN_MS (samples/s).
 * `dispose` frees everything it made.
 */
export function trainingCalibration(recipe: RecipeInfo, settings: TrainSettings): Calibration {
  const batch = settings.batch;
  const rng = makeRng('calibration');
  const count = batch * 4;
  const pixels = imagePixels(recipe.image);
  const set: ImageSet = { count, pixels: Uint8Array.from({ length: count * pixels }, () => Math.floor(rng() * 256)), labels: new Uint8Array(count) };
  const source = { set, order: Int32Array.from({ length: count }, (_, i) => i), buffer: new Float32Array(batch * pixels) };
  const model = buildModel(recipe, settings);
  const training = trainingStepFor(model, batch);
  const ctx = stepContext(true, 'calibration');
  let step = 0;
  const run = () => trainOnBatch(model, training, source, (step++ % 4) * batch, batch, ctx).values.dispose();
  /** Runs steps until `ms` have passed and at least `min` ran (at most `max`); their count and the time taken. */
  const runFor = (ms: number, min: number, max = Infinity) => {
    const started = performance.now();
    let steps = 0;
    while (steps < max && (steps < min || performance.now() - started < ms)) {
      run();
      steps++;
    }
    return { steps, seconds: (performance.now() - started) / 1000 };
  };
  return {
    warmUp: () => void runFor(WARMUP_MS, 1, WARMUP_MAX_STEPS),
    span: () => {
      const { steps, seconds } = runFor(SPAN_MS, MIN_SPAN_STEPS);
      return (steps * batch) / seconds;
    },
    dispose: () => {
      training.dispose();
      model.afterTraining?.(); // what a family keeps between steps (a VQ-VAE's code usage and recent encodings)
      model.params.dispose();
    },
  };
}

/**
 * The calibration's figure for training `recipe` with `settings` on the active backend: its median
 * rate (samples/s) over CALIBRATION_SPANS spans after the warm-up, as `chooseFastest` takes it.
 */
export function calibrationRate(recipe: RecipeInfo, settings: TrainSettings): number {
  const run = trainingCalibration(recipe, settings);
  try {
    run.warmUp();
    return median(Array.from({ length: CALIBRATION_SPANS }, () => run.span()));
  } finally {
    run.dispose();
  }
}

/**
 * Makes the fastest installed backend for training `recipe` at `settings.batch` the active one
 * (measured once per machine and set of backends, then cached: backend/fastest.ts; `fresh`
 * measures again) and returns how it was chosen. A forced backend or a GPU is kept.
 * Uncached, it costs ~2 s per backend (plus ~2 s to load TensorFlow where it was not loaded).
 * `tensorFlowElsewhere` measures TensorFlow in a process of its own (see `chooseFastest`).
 */
export function useFastestBackendFor(recipe: RecipeInfo, settings: TrainSettings, fresh = false, tensorFlowElsewhere?: (threads: 1 | undefined) => number | null) {
  return chooseFastest(trainingWork(recipe, settings), () => trainingCalibration(recipe, settings), undefined, fresh, tensorFlowElsewhere);
}

/** The work a training run's backend is chosen for: the recipe at its batch size. */
function trainingWork(recipe: RecipeInfo, settings: TrainSettings): string {
  return `${recipe.name}@${settings.batch}`;
}

/**
 * Starts the compute backends for training `recipe` (`requested` forces one, as `initBackend`):
 * where this work's cached figures favour native TensorFlow, only TensorFlow is loaded
 * (backend/fastest.ts `initBackendFor`). Then `useFastestBackendFor`.
 */
export function initBackendForTraining(recipe: RecipeInfo, settings: TrainSettings, requested?: string) {
  return initBackendFor(trainingWork(recipe, settings), requested);
}
