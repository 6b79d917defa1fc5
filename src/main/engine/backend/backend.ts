// Picks the compute backend, unless the user names one: a GPU TensorFlow can use, else the fastest
// of the CPU backends that load (tfjs-node, wasm; plain-JS cpu as the last resort), measured per
// kind of work by fastest.ts. Native TensorFlow on the CPU is loaded only when that work is measured
// (or was measured) faster on it: its library takes ~2 s to load, which app start and short runs
// should not pay when wasm is the pick. Every skipped candidate keeps its reason, because users must
// always see which backend they got and why (status bar, CLI banner).
import * as tf from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import type { BackendInfo } from '../../../shared/contract';
import { UserError } from '../errors';
import { wantedBackend, type BackendName } from './backend-names';
import { gpuVerdict, loadNativePackage, nativeIdentity, noGpuDevice } from './native';
import { shareClonedDataOnWasm } from './wasm-identity';
import { webAssembly } from './webassembly';
import { useThreadedWasm, wantedThreads } from './wasm-threads';

// Not named `require`: electron-vite's ESM shim declares `require` in every chunk that calls it.
const nodeRequire = createRequire(import.meta.url);

interface Candidate {
  /** What a user types: --backend gpu|node|wasm|cpu. */
  name: BackendName;
  /** The tfjs backend it registers. */
  tfName: string;
  /** Loads the package; says how many compute threads it runs on where the engine chooses that. */
  load(threads: number, packages: NodeJS.Require): Promise<Threads | void>;
  /** After the backend initialised: why it must not be used after all, or undefined. */
  check?(): string | undefined;
}

interface Threads {
  threads?: number;
  /** How it runs where that is not obvious: why fewer threads than wanted, whose library. */
  note?: string;
}

const CANDIDATES: Candidate[] = [
  {
    name: 'gpu',
    tfName: 'tensorflow',
    // The native packages are optional dependencies; importing them registers the 'tensorflow' backend.
    load: async (_threads, packages) => {
      try {
        gpuManifest = loadNativePackage('@tensorflow/tfjs-node-gpu', packages);
      } catch (error) {
        // Without a GPU device, setting up the GPU package would not help: say so, not how to set it up.
        const noDevice = noGpuDevice();
        throw noDevice ? new Error(noDevice) : error;
      }
    },
    // The GPU package loads and runs on machines without a usable GPU: 'gpu' only with a GPU device.
    check: () => (gpuManifest ? gpuVerdict(gpuManifest).whyNoGpu : undefined),
  },
  {
    name: 'node',
    tfName: 'tensorflow',
    // Where the GPU package loaded without a GPU, its library is TensorFlow on the CPU: loading
    // tfjs-node beside it would put a second libtensorflow in the process and register every kernel twice.
    load: async (_threads, packages) => {
      if (gpuManifest) return { note: 'TensorFlow on the CPU, loaded by tfjs-node-gpu' };
      loadNativePackage('@tensorflow/tfjs-node', packages);
    },
  },
  {
    name: 'wasm',
    tfName: 'wasm',
    load: async (threads) => {
      await import('@tensorflow/tfjs-backend-wasm');
      shareClonedDataOnWasm();
      if (threads === 1) return { threads };
      try {
        await useThreadedWasm(threads);
        return { threads };
      } catch (error) {
        return { threads: 1, note: `one thread: the multi-threaded build did not start (${firstLine(error)})` };
      }
    },
  },
  {
    name: 'cpu',
    tfName: 'cpu',
    load: async () => {
      await import('@tensorflow/tfjs-backend-cpu');
    },
  },
];

let chosen: BackendInfo | undefined;
/** tfjs-node-gpu's package.json once that package has loaded (its 'tensorflow' backend then serves 'node' too). */
let gpuManifest: string | undefined;

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.slice(0, 200);
}

/** The loaded candidate's threads, or why it did not load. */
async function tryCandidate(candidate: Candidate, threads: number, packages: NodeJS.Require): Promise<{ loaded: Threads | void } | { problem: string }> {
  try {
    const loaded = await candidate.load(threads, packages);
    if (!(await tf.setBackend(candidate.tfName))) return { problem: 'the backend registered but failed to initialise' };
    await tf.ready();
    const unusable = candidate.check?.();
    if (unusable) return { problem: unusable };
    return { loaded };
  } catch (error) {
    const message = firstLine(error);
    if (/Cannot find module/.test(message)) return { problem: 'package not installed (its native library could not be downloaded at install time; node scripts/setup-native-backend.js sets it up from a TensorFlow wheel)' };
    return { problem: message };
  }
}

/** A CPU backend the default choice may take, as `fastest.ts` switches between them. */
export interface LoadedBackend extends Threads {
  name: Candidate['name'];
  tfName: string;
  /** Installed and built but not loaded yet (native TensorFlow on the CPU): `switchBackend` loads it first. */
  deferred?: boolean;
}

/** The CPU backends the default may take when none was forced (native first); empty when one was forced or a GPU is used. */
let alternatives: LoadedBackend[] = [];
/** What resolves the native packages, kept for a deferred load. */
let nativePackages: NodeJS.Require = nodeRequire;

/**
 * Initialises tfjs once per process. `requested` (or the environment variable) forces one backend;
 * an unknown name is a UserError, a known one that fails to load is a UserError naming why.
 * Otherwise a GPU TensorFlow can use is taken; else the CPU backends: wasm is loaded, an installed
 * and built tfjs-node is kept as a deferred alternative (loaded by `switchBackend` when the work
 * is measured faster on it; at once where wasm fails), pure-JS cpu only when neither is there.
 * The lightest loaded one is active until `chooseFastest` (fastest.ts) switches.
 * `packages` resolves the native packages (the engine's own require; tests hand in stand-ins).
 * `nativeFirst` (the work at hand was measured faster on native TensorFlow: `initBackendFor` in
 * fastest.ts) turns it round where tfjs-node would be deferred: TensorFlow is loaded and active,
 * and wasm is the deferred one (~1.5 s not spent on a backend the work will not use); where
 * TensorFlow then fails to load, wasm loads as usual.
 */
export async function initBackend(requested?: string, packages: NodeJS.Require = nodeRequire, nativeFirst = false): Promise<BackendInfo> {
  if (chosen) return chosen;
  const wanted = wantedBackend(requested);
  const threads = wantedThreads();
  nativePackages = packages;
  const skipped: BackendInfo['skipped'] = [];
  const loaded: LoadedBackend[] = [];
  let deferredNative: LoadedBackend | undefined;
  let deferredWasm: LoadedBackend | undefined;
  for (const candidate of CANDIDATES) {
    if (wanted && candidate.name !== wanted) {
      skipped.push({ name: candidate.name, reason: `not requested (${wanted} was)` });
      continue;
    }
    if (candidate.name === 'cpu' && loaded.length > 0) {
      skipped.push({ name: 'cpu', reason: 'plain JavaScript, slower than the backends that loaded' });
      continue;
    }
    // Only a package that resolves with a built binding is deferred; any other fails at once, with its reason.
    if (!wanted && candidate.name === 'node' && !gpuManifest && nativeIdentity('@tensorflow/tfjs-node', packages) !== '') {
      deferredNative = { name: 'node', tfName: candidate.tfName, deferred: true };
      if (!nativeFirst) continue;
      const problem = await loadDeferred(deferredNative, threads);
      if (problem === undefined) {
        loaded.push(deferredNative);
        deferredWasm = { name: 'wasm', tfName: 'wasm', deferred: true, threads };
      } else {
        skipped.push({ name: 'node', reason: problem });
      }
      deferredNative = undefined;
      continue;
    }
    if (candidate.name === 'wasm' && deferredWasm) continue;
    if (candidate.name === 'cpu' && deferredNative) {
      // wasm failed: native TensorFlow is then the only fast backend, loaded now.
      const problem = await loadDeferred(deferredNative, threads);
      if (problem === undefined) {
        loaded.push(deferredNative);
        deferredNative = undefined;
        skipped.push({ name: 'cpu', reason: 'plain JavaScript, slower than the backends that loaded' });
        continue;
      }
      skipped.push({ name: 'node', reason: problem });
      deferredNative = undefined;
    }
    const outcome = await tryCandidate(candidate, threads, packages);
    if (!('loaded' in outcome)) {
      if (wanted) throw new UserError(`backend "${wanted}" could not be loaded: ${outcome.problem}`, 'unavailable');
      skipped.push({ name: candidate.name, reason: outcome.problem });
      continue;
    }
    const backend: LoadedBackend = { name: candidate.name, tfName: candidate.tfName, ...(outcome.loaded ?? {}) };
    if (wanted || candidate.name === 'gpu') {
      const reason = wanted ? 'requested' : 'TensorFlow has a GPU device';
      for (const rest of CANDIDATES.slice(CANDIDATES.indexOf(candidate) + 1)) {
        if (!wanted) skipped.push({ name: rest.name, reason: 'the GPU is used' });
      }
      chosen = describeLoaded(backend, reason, skipped);
      return chosen;
    }
    loaded.push(backend);
  }
  if (loaded.length === 0) {
    throw new UserError(`no compute backend could be loaded: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`, 'unavailable');
  }
  // Native first either way: the order the cached figures' fingerprint (fastest.ts) lists them in.
  alternatives = deferredNative ? [deferredNative, ...loaded] : deferredWasm ? [...loaded, deferredWasm] : loaded;
  await tf.setBackend(loaded[0]!.tfName);
  const reason = deferredWasm
    ? 'measured fastest for the work at hand'
    : alternatives.length > 1
      ? 'the lightest; another is taken where the work at hand is measured faster on it'
      : skipped.length === 0
        ? 'first choice'
        : 'the only one that loaded';
  const others = alternatives.filter((b) => b !== loaded[0]).map((b) => ({ name: b.name, reason: b.deferred ? notLoadedYet(b.name) : 'loaded too; not measured yet' }));
  chosen = describeLoaded(loaded[0]!, reason, [...skipped, ...others]);
  return chosen;
}

/** Why a deferred backend is not loaded: native TensorFlow before any measurement says it is faster, wasm where TensorFlow was measured faster. */
export function notLoadedYet(name: string): string {
  return name === 'node' ? 'installed; loaded only for work measured faster on it (its library takes ~2 s to load)' : 'loaded only if needed: the work at hand was measured faster on node';
}

/** Loads a deferred backend (made active); undefined once loaded, else why it failed. */
async function loadDeferred(backend: LoadedBackend, threads: number): Promise<string | undefined> {
  const candidate = CANDIDATES.find((c) => c.name === backend.name)!;
  const outcome = await tryCandidate(candidate, threads, nativePackages);
  if (!('loaded' in outcome)) return outcome.problem;
  Object.assign(backend, outcome.loaded ?? {});
  delete backend.deferred;
  return undefined;
}

function describeLoaded({ name, threads, note }: LoadedBackend, reason: string, skipped: BackendInfo['skipped']): BackendInfo {
  return { name, reason, skipped, ...(threads === undefined ? {} : { threads }), ...(note ? { note } : {}) };
}

/** The CPU backends the default choice may switch between (none when one was forced or a GPU is used). */
export function loadedAlternatives(): readonly LoadedBackend[] {
  return alternatives;
}

/**
 * Makes `name` (one of `loadedAlternatives`) the active backend, reported with `reason` and why each
 * other was not taken; a deferred one is loaded first (~2 s for TensorFlow). Where that load fails,
 * the backend leaves the alternatives, keeps its reason among the skipped, and a UserError says why.
 */
export async function switchBackend(name: string, reason: string, others: BackendInfo['skipped']): Promise<BackendInfo> {
  const backend = alternatives.find((b) => b.name === name);
  if (!backend || !chosen) throw new Error(`switchBackend: ${name} is not a loaded alternative`);
  if (backend.deferred) {
    const problem = await loadDeferred(backend, wantedThreads());
    if (problem !== undefined) {
      alternatives = alternatives.filter((b) => b !== backend);
      chosen = { ...chosen, skipped: [...chosen.skipped.filter((s) => s.name !== name), { name, reason: problem }] };
      throw new UserError(`backend "${name}" could not be loaded: ${problem}`, 'unavailable');
    }
  }
  if (!(await tf.setBackend(backend.tfName))) throw new Error(`switchBackend: ${name} failed to initialise`);
  const notLoaded = chosen.skipped.filter((s) => !alternatives.some((b) => b.name === s.name));
  chosen = describeLoaded(backend, reason, [...notLoaded, ...others]);
  return chosen;
}

/**
 * Whether `error` came from inside the compute backend's own code (a WebAssembly trap such as
 * "memory access out of bounds", or an emscripten abort) rather than from ours: after one, the
 * backend's memory and thread pool may be left inconsistent, so the engine must not go on using it.
 */
export function isBackendFault(error: unknown): boolean {
  return error instanceof webAssembly.RuntimeError || (error instanceof Error && /^Aborted\(/.test(error.message));
}
