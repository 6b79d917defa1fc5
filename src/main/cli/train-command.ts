// `latent-explorer train`: trains a recipe on a dataset and saves the model folder after every
// epoch, with a progress bar on a terminal or one JSON object per line with --json.
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { existsSync, readdirSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { BackendInfo, EpochRecord } from '../../shared/contract';
import { initBackendForTraining, useFastestBackendFor } from '../engine/training/calibrate';
import type { Dataset } from '../engine/data/datasets';
import { bannerColumns, describeBackend, wrapLine } from './backend-banner';
import { tensorFlowElsewhere } from './calibrate-command';
import { loadDatasetWithProgress } from './load-progress';
import { UserError } from '../engine/errors';
import { buildModel, recipeForImages, requireRecipe, resolveSettings } from '../engine/models/build';
import { RunControl } from '../engine/training/run-control';
import { inUseError, liveRunLock, RUN_LOCK_FILE, takeRunLock } from '../engine/persistence/run-lock';
import { train, trainingImages, type BatchProgress } from '../engine/training/trainer';
import { addSettingOptions, backendOption, settingsFromOptions } from './settings-options';

interface TrainOptions extends Record<string, unknown> {
  recipe: string;
  dataset?: string;
  out: string;
  backend?: string;
  json?: boolean;
  force?: boolean;
}

/** A figure for the epoch line: counts (a VQ-VAE's codes in use) as whole numbers, the rest to 4 significant digits or 2 decimals. */
const fmt = (v: number) => (Number.isInteger(v) ? String(v) : Math.abs(v) >= 100 ? v.toFixed(2) : v.toPrecision(4));
const formatTerms = (terms: Record<string, number>) =>
  Object.entries(terms)
    .map(([k, v]) => `${k} ${fmt(v)}`)
    .join('  ');

function epochLine(r: EpochRecord, epochs: number): string {
  const stats = r.stats ? `  ${formatTerms(r.stats)}` : '';
  return `epoch ${r.epoch}/${epochs}  train ${fmt(r.trainLoss)}  test ${fmt(r.testLoss)}  (${formatTerms(r.testTerms)})${stats}  ${Math.round(r.samplesPerSec)} samples/s  ${r.seconds.toFixed(1)} s`;
}

function checkOutDir(out: string, force: boolean | undefined): void {
  const holder = liveRunLock(out);
  if (holder) throw inUseError(out, holder);
  // A stale lock alone is what a run killed before its first save leaves: nothing to keep.
  if (existsSync(out) && readdirSync(out).some((entry) => entry !== RUN_LOCK_FILE) && !force) {
    throw new UserError(`--out ${out} already exists and is not empty: choose another folder, or pass --force to replace the model there`, 'conflict');
  }
}

export function registerTrain(program: Command): void {
  const command = program
    .command('train')
    .description('train a recipe and save the model folder (after every epoch)')
    .requiredOption('--recipe <name>', 'recipe name (see `latent-explorer recipes`)')
    .option('--dataset <name|path>', 'mnist, fashion-mnist, a folder of IDX files, or a folder of images (folder#H or #HxW: their size) (default: the recipe\'s)')
    .requiredOption('--out <dir>', 'model folder to write')
    .addOption(backendOption())
    .option('--json', 'one JSON object per line instead of a progress bar')
    .option('--force', 'replace an existing model folder');
  addSettingOptions(command).action(async (options: TrainOptions) => {
    // Everything is checked before anything is written (the run lock below goes again if the data cannot load).
    const recipe = requireRecipe(options.recipe);
    const settings = resolveSettings(recipe, settingsFromOptions(options));
    const out = resolve(options.out);
    checkOutDir(out, options.force);
    // Held from here, so a second run of the same folder is refused while this one loads its data.
    const lock = takeRunLock(out);
    let backend: BackendInfo;
    let dataset: Dataset;
    try {
      await initBackendForTraining(recipe, settings, options.backend);
      backend = await useFastestBackendFor(recipe, settings, false, (threads) => tensorFlowElsewhere(recipe, settings, threads));
      dataset = await loadDatasetWithProgress(options.dataset ?? recipe.defaultDataset, options.json);
      recipeForImages(recipe, dataset.shape, dataset.title);
    } catch (error) {
      lock.release(true);
      throw error;
    }
    const images = trainingImages(settings.limit, dataset.train);
    const emit = (object: object) => process.stdout.write(JSON.stringify(object) + '\n');
    if (options.json) emit({ type: 'start', recipe: recipe.name, dataset: dataset.name, backend: backend.name, backendReason: backend.reason, threads: backend.threads, skipped: backend.skipped, settings, trainImages: images.set.count, ...(images.note ? { note: images.note } : {}), out });
    else console.error(`${describeBackend(backend, bannerColumns(process.stderr))}\n${recipe.name} on ${dataset.title} (${images.set.count} training images${images.note ? `; ${images.note}` : ''}), ${settings.epochs} epoch${settings.epochs === 1 ? '' : 's'} → ${out}`);

    const model = buildModel(recipe, settings, dataset.shape);
    const control = new RunControl();
    let interrupts = 0;
    const onSigint = () => {
      if (++interrupts > 1) process.exit(130);
      control.cancel();
      if (!options.json) console.error('\nstopping after this batch; the last completed epoch stays on disk (Ctrl-C again to quit now)');
    };
    process.on('SIGINT', onSigint);
    const bar = options.json || !process.stderr.isTTY ? null : new SingleBar({ format: 'epoch {epoch}/{epochs} |{bar}| batch {batch}/{batches}  {terms}  {rate} samples/s  ETA {eta_formatted}', hideCursor: true, etaBuffer: 50 });
    let barRunning = false;
    const onProgress = (p: BatchProgress) => {
      if (!bar) return;
      const payload = { epoch: p.epoch, epochs: p.epochs, batch: p.batch, batches: p.batches, terms: formatTerms(p.terms), rate: Math.round(p.samplesPerSec) };
      const done = (p.epoch - 1) * p.batches + p.batch;
      if (barRunning) {
        bar.update(done, payload);
      } else {
        bar.start(p.epochs * p.batches, done, payload);
        barRunning = true;
      }
    };
    const onEpoch = (r: EpochRecord) => {
      if (options.json) return emit({ type: 'epoch', ...r, epochs: settings.epochs });
      // The bar is stopped to print the epoch line above it, and restarts with the next batch.
      if (barRunning) {
        bar?.stop();
        barRunning = false;
      }
      console.error(wrapLine(epochLine(r, settings.epochs), bannerColumns(process.stderr), 2));
    };
    const outcome = await train({ model, dataset, dir: out, lock, name: basename(out), backend: backend.name, control, onProgress, onEpoch });
    bar?.stop();
    process.off('SIGINT', onSigint);
    if (options.json) emit({ type: 'end', status: outcome.status, message: outcome.message, epochs: outcome.history.length, out });
    else console.error(`${outcome.status}: ${outcome.message}${outcome.history.length ? ` (saved in ${out})` : ''}`);
    if (outcome.status === 'diverged' || outcome.status === 'failed') process.exitCode = 1;
    if (outcome.status === 'cancelled') process.exitCode = 130;
  });
}
