// The wasm backend on several cores. tfjs-backend-wasm ships a multi-threaded SIMD build (XNNPACK
// spreads each matrix product and convolution over a pthread pool) but never starts it in Node:
// its feature check answers "no threads" there, its pthread workers are created from `blob:` URLs
// that Node's Worker refuses, and the pool is capped at half the logical cores (one thread on a
// 2-core machine). This file starts that same build itself: workers from a data: URL module, the
// core count the build sees set so the pool gets `threads`, and the result handed to tfjs's own
// BackendWasm under the name 'wasm'.
import * as tf from '@tensorflow/tfjs-core';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { UserError } from '../errors';
import { webAssembly } from './webassembly';

// Not named `require`: electron-vite's ESM shim declares `require` in every chunk that calls it.
const nodeRequire = createRequire(import.meta.url);

/** Overrides the number of compute threads (1 keeps the single-threaded build). */
export const THREADS_ENV = 'LATENT_EXPLORER_THREADS';

/** The build creates 8 workers up front; XNNPACK's pool can use at most that many. */
const MAX_THREADS = 8;

/** A pool that never finishes loading (a worker that cannot start) must not hang the engine. */
const START_TIMEOUT_MS = 30_000;

/** The thread count from the environment, or one per core; a bad value is named, not ignored. */
export function wantedThreads(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[THREADS_ENV];
  if (raw === undefined || raw === '') return Math.min(availableParallelism(), MAX_THREADS);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    throw new UserError(`${THREADS_ENV}=${raw} is not a thread count: use a whole number from 1 to ${MAX_THREADS}`);
  }
  return n;
}

/** The emscripten module as far as this file and BackendWasm use it. */
interface EmscriptenModule {
  cwrap(name: string, returns: string | null, args: string[]): (...args: number[]) => number;
  PThread: { runningWorkers: { unref(): void }[] };
  tfjs?: unknown;
}
type ImportObject = { env: Record<string, unknown> };
type Factory = (config: {
  /** A string path, or for the worker a URL: the glue hands it to `new Worker` as it is. */
  locateFile(path: string): string | URL;
  mainScriptUrlOrBlob: string;
  instantiateWasm(imports: ImportObject, receive: (instance: unknown, module: unknown) => void): object;
}) => Promise<EmscriptenModule>;

const moduleUrl = (source: string) => new URL(`data:text/javascript,${encodeURIComponent(source)}`);

/**
 * Each pool thread's entry: emscripten's pthread worker, which tfjs ships only as a string meant
 * for a Blob. Its newlines are escaped as tfjs does (the string holds "\n" escapes that a template
 * literal turned into line breaks); it is handed `require`, which it makes global for the glue it
 * then evaluates. A data: URL needs no file beside the bundle and no TypeScript loader.
 */
function workerModule(glue: string): URL {
  return moduleUrl(String.raw`
    import { createRequire } from 'node:module';
    const require = createRequire(${JSON.stringify(glue)});
    const { wasmWorkerContents } = require('./tfjs-backend-wasm-threaded-simd.worker.js');
    new Function('require', '__filename', wasmWorkerContents.replace(/\n/g, '\\n'))(require, ${JSON.stringify(glue)});`);
}

/**
 * One throwaway worker that does what a pool thread does first (load the worker script, read the
 * glue it evaluates, e.g. from inside a packaged app). The build's own workers report a
 * failure by throwing from an event handler, which would end the process; where workers cannot
 * start this way, the probe fails cleanly and the engine keeps the single-threaded build.
 */
async function probeWorker(glue: string): Promise<void> {
  const worker = new Worker(moduleUrl(String.raw`
    import { readFileSync } from 'node:fs';
    import { createRequire } from 'node:module';
    import { parentPort } from 'node:worker_threads';
    createRequire(${JSON.stringify(glue)})('./tfjs-backend-wasm-threaded-simd.worker.js');
    readFileSync(${JSON.stringify(glue)}, 'utf8');
    parentPort.postMessage('ready');`), { execArgv: [] });
  try {
    await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`a worker thread exited with code ${code} before starting`)));
    });
  } finally {
    await worker.terminate();
  }
}

/**
 * Runs `start` (which creates the pool's workers synchronously) with worker_threads' Worker
 * starting workers without the parent's Node flags: they run plain JavaScript, and a loader
 * inherited from a TypeScript-running parent (`--import tsx`) cost ~45 ms in each of the 8.
 */
function withPlainWorkers<T>(start: () => T): T {
  const threads = nodeRequire('node:worker_threads') as { Worker: typeof Worker };
  const Inherit = threads.Worker;
  threads.Worker = class extends Inherit {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, { ...options, execArgv: [] });
    }
  };
  try {
    return start();
  } finally {
    threads.Worker = Inherit;
  }
}

async function startThreadedModule(threads: number): Promise<EmscriptenModule> {
  const glue = nodeRequire.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
  await probeWorker(glue);
  // The build starts MAX_THREADS workers up front, and Node pipes each one's output into ours:
  // expected listeners, not the leak Node would warn of.
  for (const stream of [process.stdout, process.stderr]) stream.setMaxListeners(stream.getMaxListeners() + MAX_THREADS);
  const binary = await readFile(join(dirname(glue), 'tfjs-backend-wasm-threaded-simd.wasm'));
  const factory = nodeRequire(glue) as Factory;
  const started = withPlainWorkers(() => factory({
    locateFile: (path) => (path.endsWith('.worker.js') ? workerModule(glue) : join(dirname(glue), path)),
    // Each worker evaluates the glue from this path (the build would pass a Blob).
    mainScriptUrlOrBlob: glue,
    instantiateWasm: (imports, receive) => {
      // The build sizes its pool from half the logical cores; answer so that it gets `threads`.
      imports.env.emscripten_num_logical_cores = () => threads * 2;
      webAssembly.instantiate(binary, imports).then(({ instance, module }) => receive(instance, module));
      return {};
    },
  }));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`its worker threads did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
  });
  try {
    return await Promise.race([started, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Replaces tfjs's 'wasm' backend with the multi-threaded build on `threads` threads. Call after
 * importing '@tensorflow/tfjs-backend-wasm' and before tf.setBackend('wasm').
 */
export async function useThreadedWasm(threads: number): Promise<void> {
  const { BackendWasm, setThreadsCount } = await import('@tensorflow/tfjs-backend-wasm');
  const module = await startThreadedModule(threads);
  // The same wrappers tfjs's own init() attaches.
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  setThreadsCount(threads);
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', () => {
    const backend = new BackendWasm(module as unknown as ConstructorParameters<typeof BackendWasm>[0]);
    // The pool's threads wait for work forever; they must not keep a finished process alive.
    for (const worker of module.PThread.runningWorkers) worker.unref();
    return backend;
  });
}
