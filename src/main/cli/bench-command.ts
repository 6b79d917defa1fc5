// `latent-explorer bench`: training throughput and inference latency on every CPU backend that
// loads (or the forced one), which one the default choice takes, and the same recipes in PyTorch
// when python3 with torch is importable (bench/reference/recipes.py).
import type { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BackendInfo } from '../../shared/contract';
import { initBackend, loadedAlternatives, switchBackend } from '../engine/backend/backend';
import { epochOrder } from '../engine/data/batches';
import { loadDataset, type Dataset } from '../engine/data/datasets';
import { decodePoints, encodeSet, type Explorable } from '../engine/explore/explore';
import { importOnnxModel, readGraphFile } from '../engine/imported/import-onnx';
import { OnnxAutoencoder } from '../engine/imported/onnx-autoencoder';
import { buildModel, requireRecipe, resolveSettings } from '../engine/models/build';
import * as tf from '../engine/backend/tf';
import { EXPLORE_WORK, preferOneThread, recordRates } from '../engine/backend/fastest';
import { tensorFlowThreadCount } from '../engine/backend/native';
import { useFastestBackendFor } from '../engine/training/calibrate';
import { stepContext, trainOnBatch } from '../engine/training/trainer';
import { trainingStepFor } from '../engine/training/training-step';
import { UserError } from '../engine/errors';
import { bannerColumns, describeBackend, wrapLine } from './backend-banner';
import { withTensorFlowThreads } from './calibrate-command';
import { backendOption, wholeNumberFrom } from './settings-options';

const BENCH_RECIPES = ['ae-mlp-8', 'vae-mlp-20', 'mae-mlp-8', 'vqvae-conv'];
/** The name in --recipes for the imported PyTorch model's decode latency: measured when named, as every recipe is. */
const IMPORTED = 'imported';
const REFERENCE_SCRIPT = resolve(import.meta.dirname, '../../../bench/reference/recipes.py');
const ONNX_FIXTURES = resolve(import.meta.dirname, '../../../test/fixtures/onnx');

export interface BenchRow {
  recipe: string;
  /** The backend this row ran on: every loaded CPU backend gets a row unless one is forced. */
  backend: string;
  /** TensorFlow's threads per op where this node row was measured with fewer than its default (one per core). */
  tensorFlowThreads?: number;
  /** Whether the default choice (by these figures, backend/fastest.ts) takes this backend for this recipe. */
  defaultPick: boolean;
  batch: number;
  trainSamplesPerSec: number;
  decodeP50Ms: number;
  decodeP95Ms: number;
  encode10kMs: number;
  tensorsBefore: number;
  tensorsAfter: number;
  torchSamplesPerSec: number | null;
  ratio: number | null;
}

const median = (xs: number[]) => quantile(xs, 0.5);
function quantile(xs: number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** How a throughput is timed, here and in the PyTorch reference alike. */
interface Timing {
  /** Untimed steps first: the wasm compiler tiers hot code up and the thread pool settles over the first ~200. */
  warmup: number;
  spans: number;
  steps: number;
}

/** Median samples/s over `spans` timed spans of `steps` training steps, after `warmup` steps. */
function trainingThroughput(recipeName: string, dataset: Dataset, batch: number, { warmup, spans, steps }: Timing) {
  const recipe = requireRecipe(recipeName);
  const model = buildModel(recipe, resolveSettings(recipe, { batch }));
  const training = trainingStepFor(model, batch);
  const source = { set: dataset.train, order: epochOrder(dataset.train.count, 1, 1), buffer: new Float32Array(batch * 784) };
  const ctx = stepContext(true, 'bench');
  let cursor = 0;
  const step = () => {
    if (cursor + batch > dataset.train.count) cursor = 0;
    trainOnBatch(model, training, source, cursor, batch, ctx).values.dispose(); // losses unread, as training reads them only every few steps
    cursor += batch;
  };
  for (let i = 0; i < warmup; i++) step();
  const tensorsBefore = tf.memory().numTensors;
  const rates: number[] = [];
  for (let s = 0; s < spans; s++) {
    const started = performance.now();
    for (let i = 0; i < steps; i++) step();
    rates.push((steps * batch) / ((performance.now() - started) / 1000));
  }
  const tensorsAfter = tf.memory().numTensors;
  training.dispose();
  return { model, trainSamplesPerSec: median(rates), tensorsBefore, tensorsAfter };
}

/** Milliseconds to decode one point (as the dragged probe does), 200 timed after 20 untimed; p50 and p95. */
async function decodeLatency(model: Explorable, latentDim: number): Promise<{ decodeP50Ms: number; decodeP95Ms: number }> {
  const point = [new Array(latentDim).fill(0.1)];
  const decodes: number[] = [];
  for (let i = 0; i < 220; i++) {
    const started = performance.now();
    await decodePoints(model, point);
    if (i >= 20) decodes.push(performance.now() - started);
  }
  return { decodeP50Ms: median(decodes), decodeP95Ms: quantile(decodes, 0.95) };
}

/**
 * Decode latency of an imported model: the reference script's PyTorch MLP VAE (test/fixtures/onnx),
 * imported into a temporary folder and run by ONNX Runtime; null outside a checkout.
 */
async function importedDecodeLatency(dataset: Dataset) {
  const kind = 'vae-mlp-2';
  if (!existsSync(join(ONNX_FIXTURES, `${kind}.encoder.onnx`))) return null;
  const home = mkdtempSync(join(tmpdir(), 'le-bench-onnx-'));
  try {
    const graph = (part: string) => readGraphFile(join(ONNX_FIXTURES, `${kind}.${part}.onnx`));
    const manifest = await importOnnxModel({ encoder: graph('encoder'), decoder: graph('decoder'), dataset: async () => dataset, datasetRef: 'mnist', name: kind, range: 'unit' }, join(home, kind));
    const model = await OnnxAutoencoder.open(join(home, kind), manifest);
    try {
      return { model: `${kind} (PyTorch → ONNX)`, ...(await decodeLatency(model, manifest.latent)) };
    } finally {
      await model.release();
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

async function inferenceLatency(model: ReturnType<typeof buildModel>, dataset: Dataset) {
  const decodes = await decodeLatency(model, model.latentDim);
  const encodes: number[] = [];
  for (let i = 0; i < 4; i++) {
    const started = performance.now();
    await encodeSet(model, dataset.test, 10_000);
    if (i > 0) encodes.push(performance.now() - started);
  }
  return { ...decodes, encode10kMs: median(encodes) };
}

/** PyTorch's recipes train with batch 128 (bench/reference/recipes.py), so only that batch is compared. */
const REFERENCE_BATCH = 128;

/**
 * The same recipe in PyTorch on one thread, on MNIST, batches drawn as the tutorials draw them
 * (a shuffling DataLoader) or out of one resident tensor, with the BLAS library torch loaded;
 * null where python3 with torch is missing.
 */
function torchThroughput(recipe: string, loader: string, { warmup, spans, steps }: Timing): { samplesPerSec: number; blas: string } | null {
  if (!existsSync(REFERENCE_SCRIPT)) return null;
  for (const python of ['/usr/bin/python3', 'python3']) {
    const run = spawnSync(python, [REFERENCE_SCRIPT, '--mode', 'bench', '--recipe', recipe, '--data', 'mnist', '--loader', loader, '--warmup', String(warmup), '--spans', String(spans), '--steps', String(steps)], { encoding: 'utf8', timeout: 600_000 });
    if (run.status !== 0) continue;
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { samplesPerSec: number; blas: string };
    // Debian's torch takes whichever libblas.so.3 the alternatives name; the reference BLAS is 10-30× slower than OpenBLAS.
    if (!/openblas|mkl|blis/i.test(result.blas)) {
      console.error(`PyTorch runs on ${result.blas}, not OpenBLAS: its figures are far too slow (apt-get install libopenblas0-pthread)`);
    }
    return result;
  }
  return null;
}

/**
 * The recipe on TensorFlow with one thread per op, in a bench process of its own (TensorFlow reads
 * its thread count once, as it loads): on a small or busy machine that can beat its default of one
 * per core on small dense layers. Null, with the reason on stderr, where that run fails.
 */
function nodeOnOneThread(recipe: string, options: Timing & { batch: number }): Omit<BenchRow, 'defaultPick' | 'torchSamplesPerSec' | 'ratio'> | null {
  const args = ['bench', '--json', '--no-torch', '--backend', 'node', '--recipes', recipe, '--batch', String(options.batch), '--warmup', String(options.warmup), '--spans', String(options.spans), '--steps', String(options.steps)];
  const stdout = withTensorFlowThreads(args, 1);
  if (stdout === null) return null;
  const { rows } = JSON.parse(stdout.trim().split('\n').at(-1)!) as { rows: BenchRow[] };
  const { defaultPick: _pick, torchSamplesPerSec: _torch, ratio: _ratio, ...row } = rows[0]!;
  return { ...row, tensorFlowThreads: 1 };
}

/**
 * Every recipe on every loaded CPU backend (only the forced one with `backend`), PyTorch beside
 * them, and which backend the default choice takes for each recipe by these figures (`defaults`:
 * name and why), beside what a first run's in-process calibration alone picked (`calibrated`: train
 * also times TensorFlow in processes of its own, calibrate-command.ts); with
 * `imported`, the imported PyTorch model's decode latency too (null without it, or outside a checkout).
 */
export async function runBench(options: Timing & { recipes: string[]; imported: boolean; batch: number; torch: boolean; loader: string; backend?: string }) {
  const initial = await initBackend(options.backend);
  const backends = loadedAlternatives().length > 0 ? loadedAlternatives().map((b) => b.name) : [initial.name];
  const dataset = await loadDataset('mnist');
  const rows: BenchRow[] = [];
  let torchBlas: string | null = null;
  const defaults: Record<string, BackendInfo> = {};
  const calibrated: Record<string, BackendInfo> = {};
  for (const recipe of options.recipes) {
    const info = requireRecipe(recipe);
    // Measured afresh, as a first run here would: the rows below show whether it picked right.
    const settings = resolveSettings(info, { batch: options.batch });
    calibrated[recipe] = await useFastestBackendFor(info, settings, true);
    const torch = options.torch && options.batch === REFERENCE_BATCH ? torchThroughput(recipe, options.loader, options) : null;
    if (torch) torchBlas = torch.blas;
    const torchSamplesPerSec = torch?.samplesPerSec ?? null;
    const recipeRows: BenchRow[] = [];
    for (const name of backends) {
      if (backends.length > 1) await switchBackend(name, 'benchmarked', []);
      const { model, ...train } = trainingThroughput(recipe, dataset, options.batch, options);
      const inference = await inferenceLatency(model, dataset);
      model.params.dispose();
      recipeRows.push({ recipe, backend: name, defaultPick: false, batch: options.batch, ...train, ...inference, torchSamplesPerSec, ratio: null });
    }
    const rates = Object.fromEntries(recipeRows.map((row) => [row.backend, row.trainSamplesPerSec]));
    const oneThread = backends.includes('node') && !options.backend && tensorFlowThreadCount() === undefined ? nodeOnOneThread(recipe, options) : null;
    if (oneThread) recipeRows.push({ ...oneThread, defaultPick: false, torchSamplesPerSec, ratio: null });
    // Undefined: the threads this process's TensorFlow has (recordRates reads them).
    const threads = oneThread ? preferOneThread(rates, oneThread.trainSamplesPerSec) : undefined;
    const tensorFlowThreads = threads?.tensorFlowThreads;
    // The bench's spans are longer than the calibration's: later runs choose by these figures.
    recordRates(`${recipe}@${options.batch}`, rates, undefined, threads);
    // What later runs take, by the figures just recorded (read back from the cache, not measured).
    defaults[recipe] = await useFastestBackendFor(info, settings, false);
    const pick = defaults[recipe]!.name;
    for (const row of recipeRows) {
      row.defaultPick = row.backend === pick && (row.backend !== 'node' || row.tensorFlowThreads === tensorFlowThreads || backends.length === 1);
      row.ratio = torchSamplesPerSec ? row.trainSamplesPerSec / torchSamplesPerSec : null;
      rows.push(row);
    }
  }
  // The explorer's backend (engine-host.ts) follows how fast each decodes one point: the median over the recipes.
  if (backends.length > 1 && rows.length > 0) {
    recordRates(EXPLORE_WORK, Object.fromEntries(backends.map((name) => [name, 1000 / median(rows.filter((row) => row.backend === name && !row.tensorFlowThreads).map((row) => row.decodeP50Ms))])));
  }
  const imported = options.imported ? await importedDecodeLatency(dataset) : null;
  const backend = options.recipes.length > 0 ? defaults[options.recipes[0]!]! : initial;
  return { backend, defaults, calibrated, loader: options.loader, torchBlas, peakRssMiB: process.resourceUsage().maxRSS / 1024, rows, imported };
}

/**
 * The recipes and whether the imported model is measured, from --recipes' comma-separated names:
 * only what is named, so a filter such as `ae-mlp-8` leaves the imported model out. One-line
 * UserError for an unknown name.
 */
export function benchWork(list: string): { recipes: string[]; imported: boolean } {
  const names = list.split(',').map((name) => name.trim());
  const recipes = names.filter((name) => name !== IMPORTED).map((name) => {
    try {
      return requireRecipe(name).name;
    } catch (error) {
      throw new UserError(`--recipes: ${(error as Error).message}, or ${IMPORTED} (the imported PyTorch model's decode latency)`);
    }
  });
  return { recipes, imported: names.includes(IMPORTED) };
}

const r = (x: number | null, digits = 0) => (x === null ? '—' : x.toFixed(digits));

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('measure training samples/s, decode latency and encode time on each backend (vs PyTorch when available)')
    .option('--json', 'print one JSON object')
    .option('--recipes <names>', `comma-separated recipes to measure, and ${IMPORTED} for the decode latency of an imported PyTorch model (ONNX); only those named are run`, [...BENCH_RECIPES, IMPORTED].join(','))
    .option('--batch <n>', 'batch size', wholeNumberFrom(1), 128)
    .option('--warmup <n>', 'untimed training steps before the timed spans', wholeNumberFrom(0), 200)
    .option('--spans <n>', 'timed spans per recipe (the median is reported)', wholeNumberFrom(1), 7)
    .option('--steps <n>', 'training steps per span', wholeNumberFrom(1), 40)
    .option('--no-torch', 'skip the PyTorch reference runs')
    .option('--loader <kind>', "PyTorch's batches: dataloader (as the tutorials) or resident", 'dataloader')
    .addOption(backendOption())
    .action(async (options: Timing & { json?: boolean; recipes: string; batch: number; torch: boolean; loader: string; backend?: string }) => {
      if (!['dataloader', 'resident'].includes(options.loader)) throw new UserError(`--loader must be dataloader or resident, got "${options.loader}"`);
      if (options.torch && options.batch !== REFERENCE_BATCH) console.error(`PyTorch is compared at batch ${REFERENCE_BATCH} only; --batch ${options.batch} runs ours alone`);
      const result = await runBench({ ...options, ...benchWork(options.recipes) });
      if (options.json) return console.log(JSON.stringify(result));
      const columns = bannerColumns(process.stdout);
      for (const [recipe, info] of Object.entries(result.defaults)) console.log(describeBackend(info, columns, `${recipe}: Backend`));
      // Under 90 columns: the legend below says what each column holds.
      if (result.rows.length > 0) console.log(`${'recipe'.padEnd(12)}${'backend'.padEnd(10)}${'train/s'.padStart(9)}${'PyTorch'.padStart(10)}${'ratio'.padStart(7)}${'decode ms'.padStart(14)}${'encode ms'.padStart(11)}${'tensors'.padStart(10)}`);
      for (const row of result.rows) {
        const backend = `${row.backend}${row.tensorFlowThreads ? `/${row.tensorFlowThreads}t` : ''}${row.defaultPick ? '*' : ''}`;
        console.log(
          `${row.recipe.padEnd(12)}${backend.padEnd(10)}${r(row.trainSamplesPerSec).padStart(9)}${r(row.torchSamplesPerSec).padStart(10)}${r(row.ratio, 2).padStart(7)}${`${r(row.decodeP50Ms, 2)}/${r(row.decodeP95Ms, 2)}`.padStart(14)}${r(row.encode10kMs).padStart(11)}${`${row.tensorsBefore}/${row.tensorsAfter}`.padStart(10)}`
        );
      }
      if (result.rows.length > 0) {
        const legend = `train/s: training samples/s at batch ${options.batch}; PyTorch: the same on one thread; ratio: ours/PyTorch; decode ms: one point, p50/p95; encode ms: the 10,000 test images; tensors: before/after training; * the default choice for the recipe (by these figures); node/1t: TensorFlow on one thread per op`;
        console.log(wrapLine(legend, columns, 0));
      }
      if (result.imported) console.log(wrapLine(`imported ${result.imported.model}: decode one point p50/p95 ${r(result.imported.decodeP50Ms, 2)}/${r(result.imported.decodeP95Ms, 2)} ms (ONNX Runtime, CPU)`, columns, 0));
      if (result.torchBlas) console.log(wrapLine(`PyTorch's BLAS: ${result.torchBlas}`, columns, 0));
      console.log(`peak RSS ${r(result.peakRssMiB)} MiB`);
    });
}
