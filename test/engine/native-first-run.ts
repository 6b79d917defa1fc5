// A later run's start for native-first.test.ts, in a process of its own (the engine starts its
// backends once per process): argv = the stand-in packages' folder, the cache folder, the work,
// and `choose` to go on to the cached choice (which must not measure again), or `calibrate` with
// TensorFlow's figures on its default threads and on one thread, as processes of their own would
// give them, to measure afresh (wasm's calibration here gives 500 samples/s).
import * as tf from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { loadedAlternatives, type LoadedBackend } from '../../src/main/engine/backend/backend';
import { chooseFastest, initBackendFor, type Calibration } from '../../src/main/engine/backend/fastest';

const [folder, cacheDir, work, then, defaultThreads, oneThread] = process.argv.slice(2) as [string, string, string, string | undefined, string?, string?];
const packages = createRequire(join(folder, 'entry.js'));
const started = await initBackendFor(work, undefined, cacheDir, packages);
const alternatives = loadedAlternatives().map((b) => [b.name, b.deferred ?? false]);
const measure = () => {
  throw new Error('measured again although the figures are cached');
};
const wasmAt500 = (backend: LoadedBackend): Calibration => {
  if (backend.name !== 'wasm') throw new Error(`${backend.name} measured in this process`);
  return { warmUp: () => {}, span: () => 500, dispose: () => {} };
};
const asked: string[] = [];
const elsewhere = (threads: 1 | undefined) => {
  asked.push(threads === 1 ? 'one thread' : 'default threads');
  return Number(threads === 1 ? oneThread : defaultThreads);
};
const chosen =
  then === 'choose'
    ? await chooseFastest(work, measure, cacheDir)
    : then === 'calibrate'
      ? await chooseFastest(work, wasmAt500, cacheDir, false, elsewhere)
      : undefined;
const registered = Object.keys(tf.engine().registryFactory);
console.log(JSON.stringify({ started, alternatives, registered, chosen, asked, active: tf.getBackend(), tensorFlowThreads: process.env.TF_NUM_INTRAOP_THREADS ?? '' }));
