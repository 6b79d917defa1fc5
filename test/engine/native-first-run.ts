// A later run's start for native-first.test.ts, in a process of its own (the engine starts its
// backends once per process): argv = the stand-in packages' folder, the cache folder, the work,
// and `choose` to go on to the cached choice (which must not measure again).
import * as tf from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { loadedAlternatives } from '../../src/main/engine/backend/backend';
import { chooseFastest, initBackendFor } from '../../src/main/engine/backend/fastest';

const [folder, cacheDir, work, then] = process.argv.slice(2) as [string, string, string, string | undefined];
const packages = createRequire(join(folder, 'entry.js'));
const started = await initBackendFor(work, undefined, cacheDir, packages);
const alternatives = loadedAlternatives().map((b) => [b.name, b.deferred ?? false]);
const registered = Object.keys(tf.engine().registryFactory);
const measure = () => {
  throw new Error('measured again although the figures are cached');
};
const chosen = then === 'choose' ? await chooseFastest(work, measure, cacheDir) : undefined;
console.log(JSON.stringify({ started, alternatives, registered, chosen, active: tf.getBackend(), tensorFlowThreads: process.env.TF_NUM_INTRAOP_THREADS ?? '' }));
