// The default backend is the fastest for the work at hand on this machine, measured rather than
// assumed: on a 2-core machine the threaded wasm backend can beat TensorFlow's CPU build on small
// MLPs while TensorFlow wins on convolutions (BENCHMARKS.md), and another machine may differ. Each
// kind of work (a recipe at a batch size) is timed once and remembered in the cache folder, until
// the installed backends change (package versions, native library, threads, CPU, Node); a
// `latent-explorer bench` run stores its longer measurements there too.
//
// How a fair comparison is made on a shared machine: each backend is warmed up first (the threaded
// wasm backend needs ~200 steps to reach its pace: V8 tiers its kernels up, the pool settles), then
// the backends' timed spans alternate, so a burst of load from elsewhere hits both alike, and each
// backend's figure is the median of its spans.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { BackendInfo } from '../../../shared/contract';
import { defaultCacheDir } from '../cache-dir';
import { UserError } from '../errors';
import { initBackend, loadedAlternatives, notLoadedYet, switchBackend, type LoadedBackend } from './backend';
import { wantedBackend } from './backend-names';
import { nativeIdentity, tensorFlowThreadCount } from './native';
import { wantedThreads } from './wasm-threads';

// Not named `require`: electron-vite's ESM shim declares `require` in every chunk that calls it.
const nodeRequire = createRequire(import.meta.url);

const CACHE_FILE = 'backend-choice.json';

/** The explorer's work: decoding one point, whose figures `latent-explorer bench` records (rate = decodes/s). */
export const EXPLORE_WORK = 'decode@1';

/** Timed spans per backend, alternating between the backends; the median is the backend's figure. */
export const CALIBRATION_SPANS = 5;

/**
 * Figures closer than this (relative) are within the noise of a short measurement on a shared
 * machine: the backend that is cheaper to have (already loaded, no TensorFlow library) is taken.
 */
export const NOISE = 0.05;

/** Backends by what it costs to have them: wasm loads in ~0.1 s, TensorFlow's library in ~2 s. */
const LIGHTEST_FIRST: readonly string[] = ['wasm', 'cpu', 'node'];

/** TensorFlow's threads per op for a node figure, and why. */
export interface ThreadChoice {
  /**
   * TensorFlow's threads per op when the node figure was measured, where not its default (one per
   * core): a first `train` run and `latent-explorer bench` also measure one thread, which on a small
   * or busy machine runs small dense layers faster. A process that loads TensorFlow for this work
   * loads it so (unless the user set the threads), as the library reads the count once.
   */
  tensorFlowThreads?: number;
  /** Where one thread per op won: the node figure on TensorFlow's default threads (samples/s), which it beat. */
  defaultThreadsRate?: number;
}

interface Choice extends ThreadChoice {
  /** Rate per backend name (samples/s for training; higher is faster). */
  rates: Record<string, number>;
  measuredAt: string;
  /** Who measured: the ~3 s calibration before a run, or a `latent-explorer bench`. */
  source: 'calibration' | 'bench';
}

/** The threads the user set for TensorFlow (LATENT_EXPLORER_THREADS or TF_NUM_INTRAOP_THREADS), as a ThreadChoice. */
function usersThreads(): ThreadChoice {
  const threads = tensorFlowThreadCount();
  return threads === undefined ? {} : { tensorFlowThreads: threads };
}

interface ChoiceCache {
  fingerprint: string;
  choices: Record<string, Choice>;
}

/** One backend's measurement of the work, made while that backend is active. */
export interface Calibration {
  /** Untimed steps until the backend runs at its pace. */
  warmUp(): void;
  /** Times one short span of the work: its rate (samples/s). */
  span(): number;
  /** Frees what the measurement made (called with its backend active). */
  dispose(): void;
}

/**
 * How the engine runs the measured work; raised when that changes (2: a training step on TensorFlow
 * runs as one graph, training/graph-step.ts), so that figures measured by older code are redone.
 */
const WORK_REVISION = 2;

/**
 * What the measurements depend on besides the work: a change means they are redone. Built from
 * what is installed, not what is loaded, so a cached choice can say whether to load TensorFlow at all.
 */
function fingerprint(backends: readonly LoadedBackend[]): string {
  const wasmVersion = (JSON.parse(readFileSync(nodeRequire.resolve('@tensorflow/tfjs-backend-wasm/package.json'), 'utf8')) as { version: string }).version;
  return [
    backends.map((b) => `${b.name}:${b.threads ?? ''}:${b.note ?? ''}`).join(','),
    nativeIdentity('@tensorflow/tfjs-node', nodeRequire),
    nativeIdentity('@tensorflow/tfjs-node-gpu', nodeRequire),
    `wasm@${wasmVersion}`,
    `${cpus()[0]?.model ?? '?'} ×${cpus().length}`,
    process.version,
    `work@${WORK_REVISION}`,
  ].join(' | ');
}

function readCache(file: string, print: string): ChoiceCache {
  try {
    const cache = JSON.parse(readFileSync(file, 'utf8')) as ChoiceCache;
    if (cache.fingerprint === print && cache.choices && typeof cache.choices === 'object') return cache;
  } catch {
    // absent or unreadable: measured afresh
  }
  return { fingerprint: print, choices: {} };
}

function writeCache(file: string, cache: ChoiceCache): void {
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(`${file}.tmp`, `${JSON.stringify(cache, null, 2)}\n`);
    renameSync(`${file}.tmp`, file);
  } catch {
    // A read-only cache only costs the next run a measurement.
  }
}

const perSecond = (rate: number) => `${Math.round(rate).toLocaleString('en-US')} samples/s`;

const threadsPerOp = (threads: number | undefined) => (threads === undefined ? 'its default threads' : `${threads} thread${threads === 1 ? '' : 's'} per op`);

/**
 * What a node pick says about TensorFlow's threads per op: those it runs on, when its figure was
 * measured so (with the default threads' figure that one thread beat); the user's, where they set
 * others; the measured ones as what later runs take, where this process loaded TensorFlow on its
 * default threads before the choice; else nothing.
 */
function threadsNote(choice: Choice): string {
  const now = tensorFlowThreadCount();
  const beaten = choice.defaultThreadsRate ? `${perSecond(choice.defaultThreadsRate)} on its default threads` : '';
  if (now === choice.tensorFlowThreads) return now === undefined ? '' : `, TensorFlow on ${threadsPerOp(now)}${beaten ? ` (${beaten})` : ''}`;
  if (now !== undefined) return ` measured with TensorFlow on ${threadsPerOp(choice.tensorFlowThreads)} (this process's TensorFlow: ${threadsPerOp(now)}, as set)`;
  return `, TensorFlow on ${threadsPerOp(choice.tensorFlowThreads)} in later runs (${beaten ? `${beaten}, which ` : 'its default threads, which '}this process loaded before the choice)`;
}

/**
 * Before TensorFlow's library loads for `choice`'s work: its threads per op as the node figure was
 * measured, unless the user set them (LATENT_EXPLORER_THREADS or TF_NUM_INTRAOP_THREADS) or the
 * library is loaded already (it read its count then).
 */
function applyTensorFlowThreads(choice: Choice, tensorFlowLoaded: boolean): void {
  if (choice.tensorFlowThreads && !tensorFlowLoaded && tensorFlowThreadCount() === undefined) process.env.TF_NUM_INTRAOP_THREADS = String(choice.tensorFlowThreads);
}

/** The middle of `xs` (the mean of the two middle ones for an even count); `xs` non-empty. */
export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Lower is cheaper to have loaded: its position in LIGHTEST_FIRST, unknown names last. */
function weight(name: string): number {
  return LIGHTEST_FIRST.includes(name) ? LIGHTEST_FIRST.indexOf(name) : LIGHTEST_FIRST.length;
}

/**
 * The backend to take given each one's rate (higher is faster; names as in `LoadedBackend`): the
 * fastest, unless a lighter one (wasm before cpu before node) is within `NOISE` of it, since the
 * difference is then noise and the lighter one starts sooner. Returns the name and, when the
 * lighter one won a near tie, the faster one it was preferred to.
 */
export function pickFastest(rates: Readonly<Record<string, number>>): { name: string; tieWith?: string } {
  const names = Object.keys(rates);
  if (names.length === 0) throw new Error('pickFastest: no rates');
  const fastest = names.reduce((a, b) => (rates[b]! > rates[a]! ? b : a));
  const lighter = names
    .filter((name) => name !== fastest && weight(name) < weight(fastest) && rates[name]! >= rates[fastest]! * (1 - NOISE))
    .sort((a, b) => weight(a) - weight(b))[0];
  return lighter ? { name: lighter, tieWith: fastest } : { name: fastest };
}

/**
 * Where TensorFlow on one thread per op (`oneThread`, samples/s, measured in a process of its own:
 * the library reads its thread count once, as it loads) beats `rates.node`, measured on its default
 * threads, by more than NOISE, that figure becomes the node rate, and the choice says one thread
 * and the figure it beat. Otherwise (no figure, or no clear win) no threads: TensorFlow's default.
 */
export function preferOneThread(rates: Record<string, number>, oneThread: number | null): ThreadChoice {
  const onDefault = rates.node;
  if (oneThread === null || onDefault === undefined || !(oneThread > onDefault * (1 + NOISE))) return {};
  rates.node = oneThread;
  return { tensorFlowThreads: 1, defaultThreadsRate: onDefault };
}

/**
 * Each backend's median rate over `CALIBRATION_SPANS` spans: every backend made active in turn,
 * warmed up, then the spans alternate between them. A backend whose deferred load fails is left
 * out (switchBackend records why).
 */
async function measureAll(backends: readonly LoadedBackend[], calibrate: (backend: LoadedBackend) => Calibration): Promise<Record<string, number>> {
  const runs: Array<{ backend: LoadedBackend; run: Calibration; spans: number[] }> = [];
  try {
    for (const backend of backends) {
      try {
        await switchBackend(backend.name, 'being measured', []);
      } catch (error) {
        if (error instanceof UserError) continue;
        throw error;
      }
      const run = calibrate(backend);
      runs.push({ backend, run, spans: [] });
      run.warmUp();
    }
    for (let i = 0; i < CALIBRATION_SPANS; i++) {
      for (const entry of runs) {
        await switchBackend(entry.backend.name, 'being measured', []);
        entry.spans.push(entry.run.span());
      }
    }
  } finally {
    for (const entry of runs) {
      await switchBackend(entry.backend.name, 'being measured', []);
      entry.run.dispose();
    }
  }
  return Object.fromEntries(runs.map((entry) => [entry.backend.name, median(entry.spans)]));
}

/**
 * Switches to the CPU backend that runs `work` (e.g. "vae-mlp-20@128") fastest here and says why,
 * with each other backend's figure. The figures come from the cache in `cacheDir` when it has them
 * for this work and these installed backends (then a deferred TensorFlow is loaded only if it is
 * the pick), else from `calibrate`, run on every backend (~1 s of warm-up and ~1 s of spans each;
 * TensorFlow's library load on top when it was deferred) and cached. `fresh` measures even when
 * cached. `tensorFlowElsewhere`, where given, measures the work on TensorFlow in a process of its
 * own, on one thread per op (1) or its default threads (undefined): samples/s, or null where that
 * fails. It is used where TensorFlow is installed and the user has not set its threads, since the
 * library reads its thread count once, as it loads: where it is not loaded yet, both counts are
 * measured so and it loads here only if picked, on the count that won (`preferOneThread`); where it
 * is, one thread is measured so, and a win applies from the next run on.
 * A forced backend, a GPU or a single available backend is returned unchanged.
 */
export async function chooseFastest(
  work: string,
  calibrate: (backend: LoadedBackend) => Calibration,
  cacheDir = defaultCacheDir(),
  fresh = false,
  tensorFlowElsewhere?: (threads: 1 | undefined) => number | null
): Promise<BackendInfo> {
  const backends = loadedAlternatives();
  if (backends.length < 2) return initBackend();
  const file = join(cacheDir, CACHE_FILE);
  const cache = readCache(file, fingerprint(backends));
  let choice = cache.choices[work];
  const measureNow = fresh || !choice || backends.some((b) => !(choice!.rates[b.name]! > 0));
  if (measureNow) {
    let threads = usersThreads();
    const native = backends.find((b) => b.name === 'node');
    const elsewhere = threads.tensorFlowThreads === undefined && native && tensorFlowElsewhere ? tensorFlowElsewhere : undefined;
    const rates = await measureAll(native?.deferred && elsewhere ? backends.filter((b) => b !== native) : backends, calibrate);
    if (elsewhere && native!.deferred) {
      const defaultThreads = elsewhere(undefined);
      if (defaultThreads !== null) rates.node = defaultThreads;
    }
    if (elsewhere && rates.node !== undefined) threads = preferOneThread(rates, elsewhere(1));
    choice = { rates, measuredAt: new Date().toISOString(), source: 'calibration', ...threads };
    cache.choices[work] = choice;
    writeCache(file, cache);
  }
  return switchToPick(work, choice!, measureNow);
}

/**
 * `initBackend` for `work` (as `chooseFastest` names it) when its cached figures favour native
 * TensorFlow: that library is loaded at once and wasm is left unloaded until needed (the usual
 * start loads wasm first and TensorFlow only when chosen, ~1.5 s more on such a run). The figures
 * are read as they would be after a usual start (tfjs-node installed and deferred, no GPU package,
 * wasm on the threads it starts with), so a choice cached by any run applies. Otherwise, or with a
 * forced backend, the usual `initBackend`. Call `chooseFastest` after it, as after `initBackend`.
 * `packages` resolves the native packages, as for `initBackend`.
 */
export async function initBackendFor(work: string, requested?: string, cacheDir = defaultCacheDir(), packages: NodeJS.Require = nodeRequire): Promise<BackendInfo> {
  const forced = wantedBackend(requested) !== undefined;
  const deferrable = !forced && nativeIdentity('@tensorflow/tfjs-node', packages) !== '' && nativeIdentity('@tensorflow/tfjs-node-gpu', packages) === '';
  let nativeFirst = false;
  if (deferrable) {
    const usual: LoadedBackend[] = [
      { name: 'node', tfName: 'tensorflow', deferred: true },
      { name: 'wasm', tfName: 'wasm', threads: wantedThreads() },
    ];
    const choice = readCache(join(cacheDir, CACHE_FILE), fingerprint(usual)).choices[work];
    nativeFirst = choice !== undefined && usual.every((b) => choice.rates[b.name]! > 0) && pickFastest(choice.rates).name === 'node';
    if (nativeFirst) applyTensorFlowThreads(choice!, false);
  }
  return initBackend(requested, packages, nativeFirst);
}

/**
 * Stores rates measured elsewhere (a `latent-explorer bench` run: longer spans than the
 * calibration's) as the figures for `work`, so later runs choose by them without measuring;
 * `threads`: how TensorFlow's node figure was measured (default: the threads the user set, if any).
 */
export function recordRates(work: string, rates: Record<string, number>, cacheDir = defaultCacheDir(), threads: ThreadChoice = usersThreads()): void {
  const backends = loadedAlternatives();
  if (backends.length < 2) return;
  const file = join(cacheDir, CACHE_FILE);
  const cache = readCache(file, fingerprint(backends));
  cache.choices[work] = { rates, measuredAt: new Date().toISOString(), source: 'bench', ...threads };
  writeCache(file, cache);
}

/**
 * Switches to the backend the cache's figures for `work` favour (loading a deferred TensorFlow only
 * when it is the pick); without figures for these installed backends, to the lightest loaded one
 * (wasm), saying so. Measures nothing: for work too short to calibrate (the explorer's decodes,
 * whose figures come from `latent-explorer bench`). A forced backend or a GPU is kept.
 */
export async function chooseCached(work: string, cacheDir = defaultCacheDir()): Promise<BackendInfo> {
  const backends = loadedAlternatives();
  if (backends.length < 2) return initBackend();
  const choice = readCache(join(cacheDir, CACHE_FILE), fingerprint(backends)).choices[work];
  if (choice && backends.every((b) => choice.rates[b.name]! > 0)) return switchToPick(work, choice, false);
  const lightest = [...backends].filter((b) => !b.deferred).sort((a, b) => weight(a.name) - weight(b.name))[0]!;
  const others = backends
    .filter((b) => b !== lightest)
    .map((b) => ({ name: b.name, reason: b.deferred ? notLoadedYet(b.name) : `not measured for ${work}` }));
  return switchBackend(lightest.name, `no figures for ${work} yet (latent-explorer bench measures them): the lightest loaded`, others);
}

async function switchToPick(work: string, choice: Choice, measuredNow: boolean): Promise<BackendInfo> {
  const available = new Set<string>(loadedAlternatives().map((b) => b.name));
  const rates = Object.fromEntries(Object.entries(choice.rates).filter(([name]) => available.has(name)));
  const { name, tieWith } = pickFastest(rates);
  const native = loadedAlternatives().find((b) => b.name === 'node');
  if (name === 'node' && native) applyTensorFlowThreads(choice, !native.deferred);
  const threads = name === 'node' ? threadsNote(choice) : '';
  const how = choice.source === 'bench' ? 'by latent-explorer bench' : `median of ${CALIBRATION_SPANS} spans after warm-up`;
  const when = measuredNow ? `${how}, measured now` : `${how}, measured ${choice.measuredAt.slice(0, 10)}, cached`;
  const why = tieWith
    ? `as fast here for ${work} as ${tieWith} within ${NOISE * 100} %: ${perSecond(rates[name]!)} (${when}); needs no extra library`
    : `fastest here for ${work}: ${perSecond(rates[name]!)}${threads} (${when})`;
  const others = Object.keys(rates)
    .filter((other) => other !== name)
    .map((other) => {
      const deferred = loadedAlternatives().find((b) => b.name === other)?.deferred;
      return { name: other, reason: `${other === tieWith ? 'no faster' : 'slower'} for ${work}: ${perSecond(rates[other]!)}${deferred ? `; ${notLoadedYet(other)}` : ''}` };
    });
  try {
    return await switchBackend(name, why, others);
  } catch (error) {
    // The cached pick is a deferred backend that no longer loads: the rest are measured again.
    if (!(error instanceof UserError) || loadedAlternatives().length === 0) throw error;
    const left = Object.fromEntries(Object.entries(rates).filter(([other]) => other !== name && available.has(other)));
    if (Object.keys(left).length === 0) throw error;
    return switchToPick(work, { ...choice, rates: left }, measuredNow);
  }
}
