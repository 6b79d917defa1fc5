// The training loop shared by the CLI, the app and the tests: seeded batches, Adam, a per-epoch
// test evaluation, a checkpoint after every completed epoch, early stopping, and a hard stop
// when any loss term stops being finite.
import * as tf from '../backend/tf';
import type { EpochRecord, TrainEnd, TrainProgress } from '../../../shared/contract';
import { epochOrder, gatherBatch } from '../data/batches';
import { binarize } from '../data/binarize';
import { datasetChecksum, isBundledDataset, takeFirst, type Dataset, type ImageSet } from '../data/datasets';
import { imagePixels } from '../models/network';
import { makeRng, seedFrom } from '../random';
import type { Autoencoder, StepContext } from '../models/autoencoder';
import { saveEpochMaps } from '../persistence/epoch-maps';
import { metricsOf, saveModelFolder, updateManifest, type ManifestMeta } from '../persistence/model-folder';
import { takeRunLock, type RunLock } from '../persistence/run-lock';
import { APP_NAME, APP_VERSION } from '../version';
import { EpochMapRecorder } from './epoch-map';
import type { RunControl } from './run-control';
import type { StepLosses, TrainingStep } from './step';
import { trainingStepFor } from './training-step';

/** Per-batch progress: the contract's event without the run's ids. */
export type BatchProgress = Omit<TrainProgress, 'runId' | 'modelId'>;

export interface TrainJob {
  model: Autoencoder;
  dataset: Dataset;
  /** The model folder; created here, removed again if no epoch completes. */
  dir: string;
  /** The folder's run lock, where the caller took it before loading data; else taken here (see run-lock.ts). */
  lock?: RunLock;
  name: string;
  backend: string;
  control: RunControl;
  onProgress?: (progress: BatchProgress) => void;
  onEpoch?: (record: EpochRecord) => void;
  /** Milliseconds between progress reports. */
  progressIntervalMs?: number;
}

export interface TrainOutcome {
  status: TrainEnd['status'];
  message: string;
  history: EpochRecord[];
}

class Divergence extends Error {}

const EVAL_BATCH = 1000;
/**
 * Training steps between read-backs of their losses: rare enough that the backend never waits
 * on JavaScript, often enough that progress moves smoothly and a diverged batch is caught within
 * a few steps (it is still named exactly).
 */
const READ_EVERY = 8;

/**
 * The training images a run uses: the first `limit` (0 = all). `note` says so when the limit asks
 * for more images than the data holds, so that a report never claims images that do not exist.
 */
export function trainingImages(limit: number, train: ImageSet): { set: ImageSet; note?: string } {
  if (limit === 0) return { set: train };
  const set = takeFirst(train, limit);
  return limit > train.count ? { set, note: `--limit ${limit} is more than the ${train.count} training images in the data: all ${train.count} are used` } : { set };
}

/** A context whose seeds are a deterministic stream from (seed, epoch, phase). */
export function stepContext(training: boolean, seed: number | string): StepContext {
  const rng = makeRng(seed);
  const nextSeed = () => seedFrom(rng);
  return { training, nextSeed, draw: (make) => make(nextSeed()) };
}

function readTerms(terms: Record<string, tf.Scalar>): Record<string, number> {
  return Object.fromEntries(Object.entries(terms).map(([name, t]) => [name, t.dataSync()[0]!]));
}

function checkFinite(loss: number, terms: Record<string, number>, where: string): void {
  // Terms first: the user needs to know which one broke, not only that the sum did.
  const bad = Object.entries({ ...terms, loss }).find(([, v]) => !Number.isFinite(v));
  if (bad) throw new Divergence(`training diverged: ${bad[0] === 'loss' ? 'the loss' : `the ${bad[0]} term`} became ${bad[1]} ${where}; lower the learning rate (--lr) and train again`);
}

/** A batch as the recipe trains on it: binarized afresh (seeded by `ctx`) where it asks for it. */
function binarizedIfAsked(model: Autoencoder, batch: Float32Array, ctx: StepContext): Float32Array {
  return model.recipe.binarize === 'dynamic' ? binarize(batch, ctx.nextSeed()) : batch;
}

/** Mean loss and terms per sample over a whole image set, with seeded masks/noise/sampling. */
export function evaluate(model: Autoencoder, set: ImageSet, seed: number): { loss: number; terms: Record<string, number> } {
  const ctx = stepContext(false, `eval-${seed}`);
  const order = Int32Array.from({ length: set.count }, (_, i) => i);
  let loss = 0;
  const terms: Record<string, number> = {};
  for (let start = 0; start < set.count; start += EVAL_BATCH) {
    const size = Math.min(EVAL_BATCH, set.count - start);
    const values = tf.tidy(() => {
      const x = tf.tensor2d(binarizedIfAsked(model, gatherBatch(set, order, start, size), ctx), [size, imagePixels(model.recipe.image)]);
      const result = model.lossOn(x, ctx);
      return { loss: result.loss.dataSync()[0]!, terms: readTerms(result.terms) };
    });
    loss += values.loss * size;
    for (const [name, v] of Object.entries(values.terms)) terms[name] = (terms[name] ?? 0) + v * size;
  }
  for (const name of Object.keys(terms)) terms[name]! /= set.count;
  return { loss: loss / set.count, terms };
}

export interface BatchSource {
  set: ImageSet;
  order: Int32Array;
  /** Reused for every batch, so the hot loop allocates no pixel arrays. */
  buffer: Float32Array;
}

/**
 * One optimiser step (`step`: eager or a TensorFlow graph, training-step.ts) on images
 * order[start … start+size). Returns the batch's loss and terms without reading them back (the
 * caller disposes `values`, or reads many steps at once with `readSteps`).
 */
export function trainOnBatch(model: Autoencoder, step: TrainingStep, source: BatchSource, start: number, size: number, ctx: StepContext): StepLosses {
  const pixels = imagePixels(model.recipe.image);
  const x = tf.tensor2d(binarizedIfAsked(model, gatherBatch(source.set, source.order, start, size, source.buffer).subarray(0, size * pixels), ctx), [size, pixels]);
  try {
    return step.step(x, ctx);
  } finally {
    x.dispose();
  }
}

/** The losses of several steps, read back in one transfer (and disposed), in step order. */
export function readSteps(steps: StepLosses[]): { loss: number; terms: Record<string, number> }[] {
  if (steps.length === 0) return [];
  const all = tf.concat(steps.map((s) => s.values));
  const flat = all.dataSync();
  tf.dispose([all, ...steps.map((s) => s.values)]);
  let at = 0;
  return steps.map(({ names }) => {
    const loss = flat[at++]!;
    return { loss, terms: Object.fromEntries(names.map((name) => [name, flat[at++]!])) };
  });
}

function manifestMeta(job: TrainJob, history: EpochRecord[], status: ManifestMeta['status'], createdAt: string): ManifestMeta {
  const { dataset } = job;
  return {
    app: { name: APP_NAME, version: APP_VERSION },
    name: job.name,
    dataset: {
      ref: dataset.name,
      name: dataset.name,
      title: dataset.title,
      classes: dataset.classes,
      trainCount: dataset.train.count,
      testCount: dataset.test.count,
      ...(isBundledDataset(dataset.name) ? {} : { sha256: datasetChecksum(dataset) }),
    },
    backend: job.backend,
    createdAt,
    updatedAt: new Date().toISOString(),
    status,
    history,
    metrics: metricsOf(history),
  };
}


/**
 * Trains `job.model` on `job.dataset`, saving the folder after every epoch, until the last epoch,
 * early stopping, a cancel, or a non-finite loss (status 'diverged'). Throws a 'conflict'
 * UserError when another live run holds the folder; other errors end the run as 'failed' and are
 * rethrown. Either way the run lock is released and training-only tensors are freed.
 */
export async function train(job: TrainJob): Promise<TrainOutcome> {
  // A folder this run creates is removed again if no epoch completes; one that existed (train
  // --force over an older model) is left as it was until the first save replaces its model.
  const lock = job.lock ?? takeRunLock(job.dir);
  const { model, control } = job;
  const { settings } = model;
  const trainSet = trainingImages(settings.limit, job.dataset.train).set;
  const batches = Math.ceil(trainSet.count / settings.batch);
  const training = trainingStepFor(model, settings.batch);
  const history: EpochRecord[] = [];
  const createdAt = new Date().toISOString();
  const buffer = new Float32Array(settings.batch * imagePixels(model.recipe.image));
  const interval = job.progressIntervalMs ?? 100;
  let best = Infinity;
  let sinceBest = 0;
  const epochMaps = new EpochMapRecorder(job.dataset.test);

  const finish = (status: TrainOutcome['status'], message: string): TrainOutcome => {
    training.syncModel(); // what the run trained, for its caller
    training.dispose();
    model.afterTraining?.();
    if (history.length === 0) {
      lock.release(true);
    } else {
      // The status first, then the lock: a reader never sees 'training' without a live run.
      if (status !== 'done' && status !== 'stopped-early') updateManifest(job.dir, (manifest) => ({ ...manifest, status }));
      lock.release();
    }
    return { status, message, history };
  };
  /** What a run that stops now leaves in its folder, for its last message. */
  const onDisk = () =>
    history.length > 0
      ? `the last good epoch (${history.length}) is kept`
      : lock.createdDir
        ? 'no epoch completed, so nothing was saved and no model folder is left'
        : `no epoch completed, so ${job.dir} still holds the model that was there before`;

  try {
    for (let epoch = 1; epoch <= settings.epochs; epoch++) {
      const order = epochOrder(trainSet.count, settings.seed, epoch);
      const ctx = stepContext(true, `${settings.seed}-${epoch}`);
      const started = performance.now();
      let lastReport = 0;
      let lossSum = 0;
      const termSums: Record<string, number> = {};
      // Steps whose losses are still on the backend: read READ_EVERY at a time (and at the end).
      let pending: StepLosses[] = [];
      const readPending = (lastBatch: number) => {
        const steps = readSteps(pending);
        pending = [];
        steps.forEach((step, i) => {
          const b = lastBatch - steps.length + 1 + i;
          const size = Math.min(settings.batch, trainSet.count - b * settings.batch);
          checkFinite(step.loss, step.terms, `at epoch ${epoch}, batch ${b + 1}`);
          lossSum += step.loss * size;
          for (const [name, v] of Object.entries(step.terms)) termSums[name] = (termSums[name] ?? 0) + v * size;
        });
        const now = performance.now();
        if (job.onProgress && (now - lastReport >= interval || lastBatch === batches - 1)) {
          lastReport = now;
          const seen = Math.min(trainSet.count, (lastBatch + 1) * settings.batch);
          const rate = seen / ((now - started) / 1000);
          const remaining = (settings.epochs - epoch) * trainSet.count + (trainSet.count - seen);
          job.onProgress({ epoch, epochs: settings.epochs, batch: lastBatch + 1, batches, samplesPerSec: rate, etaSeconds: remaining / rate, terms: steps.at(-1)!.terms });
        }
      };
      try {
        for (let b = 0; b < batches; b++) {
          if (await control.checkpoint()) {
            const kept = history.length;
            return finish('cancelled', `training cancelled during epoch ${epoch}; ${kept} completed epoch${kept === 1 ? '' : 's'} kept on disk`);
          }
          const start = b * settings.batch;
          const size = Math.min(settings.batch, trainSet.count - start);
          pending.push(trainOnBatch(model, training, { set: trainSet, order, buffer }, start, size, ctx));
          // The first step is read at once, so progress shows as soon as training runs.
          if (pending.length === READ_EVERY || b === 0 || b === batches - 1) readPending(b);
        }
      } finally {
        tf.dispose(pending.map((s) => s.values)); // a cancelled or failed epoch's unread steps
      }
      training.syncModel(); // what the epoch trained, for the evaluation and the save
      const seconds = (performance.now() - started) / 1000;
      model.afterEpoch?.(ctx);
      const test = evaluate(model, job.dataset.test, settings.seed);
      checkFinite(test.loss, test.terms, `on the test set after epoch ${epoch}`);
      const terms = Object.fromEntries(Object.entries(termSums).map(([k, v]) => [k, v / trainSet.count]));
      const record: EpochRecord = {
        epoch,
        trainLoss: lossSum / trainSet.count,
        testLoss: test.loss,
        terms,
        testTerms: test.terms,
        samplesPerSec: trainSet.count / seconds,
        seconds,
        ...(model.epochStats ? { stats: model.epochStats() } : {}),
      };
      history.push(record);
      const improved = test.loss < best;
      best = Math.min(best, test.loss);
      sinceBest = improved ? 0 : sinceBest + 1;
      const stopEarly = settings.patience > 0 && sinceBest >= settings.patience && epoch < settings.epochs;
      const status = epoch === settings.epochs ? 'done' : stopEarly ? 'stopped-early' : 'training';
      // The map first: a manifest naming epoch k always has its map beside it.
      await epochMaps.record(model, epoch);
      saveEpochMaps(job.dir, epochMaps.maps());
      saveModelFolder(job.dir, model, manifestMeta(job, history, status, createdAt));
      job.onEpoch?.(record);
      if (stopEarly) return finish('stopped-early', `after epoch ${epoch}, the test loss had not improved for ${settings.patience} epoch${settings.patience === 1 ? '' : 's'}; the model of epoch ${epoch} is kept`);
    }
    return finish('done', `trained ${settings.epochs} epoch${settings.epochs === 1 ? '' : 's'}`);
  } catch (error) {
    if (error instanceof Divergence) return finish('diverged', `${error.message}; ${onDisk()}`);
    finish('failed', (error as Error).message);
    throw error;
  }
}
