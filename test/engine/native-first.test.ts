// Work measured faster on native TensorFlow starts TensorFlow alone in later runs: wasm, which the
// usual start loads first (~1.5 s), stays unloaded. Played by a stand-in tfjs-node (tfjs's cpu
// backend registered as 'tensorflow'); the later run is a process of its own. Where the figures were
// measured with TensorFlow on fewer threads per op than its default, it is loaded so.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import type { BackendInfo } from '../../src/shared/contract';
import { chooseFastest, initBackendFor, recordRates } from '../../src/main/engine/backend/fastest';
import { core, cpuBackend, scratch, scripted, standIn } from './native-stand-ins';

delete process.env.LATENT_EXPLORER_BACKEND;
const packages = standIn(
  'first-node',
  '@tensorflow/tfjs-node',
  `const tf = require(${core});
   const { MathBackendCPU } = require(${cpuBackend});
   tf.registerBackend('tensorflow', () => new MathBackendCPU(), 3);`
);

function laterRun(cacheDir: string, work: string, then = '', env: NodeJS.ProcessEnv = {}) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'test/engine/native-first-run.ts', join(scratch, 'first-node'), cacheDir, work, then], {
    encoding: 'utf8',
    env: { ...process.env, LATENT_EXPLORER_BACKEND: '', LATENT_EXPLORER_THREADS: '', TF_NUM_INTRAOP_THREADS: '', ...env },
  });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as { started: BackendInfo; alternatives: [string, boolean][]; registered: string[]; chosen?: BackendInfo; active: string; tensorFlowThreads: string };
}

test('a run whose work was measured faster on TensorFlow loads TensorFlow only; other work starts as usual', async () => {
  const cacheDir = join(scratch, 'first-cache');
  // The first run: nothing cached, so the usual start (wasm active, tfjs-node deferred), then a calibration that favours TensorFlow.
  const first = await initBackendFor('vqvae-conv@128', undefined, cacheDir, packages);
  assert.equal(first.name, 'wasm');
  const measured = await chooseFastest('vqvae-conv@128', scripted({ node: [1000, 1000, 1000, 1000, 1000], wasm: [500, 500, 500, 500, 500] }, []), cacheDir);
  assert.equal(measured.name, 'node');

  const later = laterRun(cacheDir, 'vqvae-conv@128', 'choose');
  assert.deepEqual(later.alternatives, [['node', false], ['wasm', true]]);
  assert.ok(!later.registered.includes('wasm'), 'the wasm package was never imported');
  assert.equal(later.active, 'tensorflow');
  assert.equal(later.chosen!.name, 'node');
  assert.match(later.chosen!.skipped.find((s) => s.name === 'wasm')!.reason, /^slower for vqvae-conv@128: 500 samples\/s; loaded only if needed/);

  // Work without figures: the usual start, wasm loaded and active, TensorFlow deferred.
  const other = laterRun(cacheDir, 'ae-mlp-8@128');
  assert.equal(other.started.name, 'wasm');
  assert.deepEqual(other.alternatives.slice(0, 1), [['node', true]]);
  assert.ok(other.registered.includes('wasm'));
});

test('figures measured with TensorFlow on one thread per op load it so, unless the user set the threads', () => {
  const cacheDir = join(scratch, 'first-cache');
  // As `latent-explorer bench` records them when one thread per op beat TensorFlow's default.
  recordRates('ae-mlp-8@128', { node: 3000, wasm: 2000 }, cacheDir, { tensorFlowThreads: 1, defaultThreadsRate: 2500 });
  const later = laterRun(cacheDir, 'ae-mlp-8@128', 'choose');
  assert.equal(later.active, 'tensorflow');
  assert.equal(later.tensorFlowThreads, '1', 'set before the library loaded');
  assert.match(later.chosen!.reason, /^fastest here for ae-mlp-8@128: 3,000 samples\/s, TensorFlow on 1 thread per op \(2,500 samples\/s on its default threads\) \(by latent-explorer bench/);

  const own = laterRun(cacheDir, 'ae-mlp-8@128', 'choose', { TF_NUM_INTRAOP_THREADS: '3' });
  assert.equal(own.tensorFlowThreads, '3', "the user's count stands");
  assert.match(own.chosen!.reason, /: 3,000 samples\/s measured with TensorFlow on 1 thread per op \(this process's TensorFlow: 3 threads per op, as set\) \(by latent-explorer bench/);

  // Figures at TensorFlow's default threads leave them alone.
  recordRates('ae-mlp-8@128', { node: 3000, wasm: 2000 }, cacheDir);
  assert.equal(laterRun(cacheDir, 'ae-mlp-8@128', 'choose').tensorFlowThreads, '');
});

test('a first run times TensorFlow elsewhere on both thread counts before loading it, and loads it on the winner', async () => {
  const cacheDir = join(scratch, 'one-thread-cache');
  const asked: string[] = [];
  /** Figures for TensorFlow on its default threads and on one thread, as the processes of their own would give them. */
  const elsewhere = (defaultThreads: number | null, oneThread: number | null) => (threads: 1 | undefined) => {
    asked.push(threads === 1 ? 'one thread' : 'default threads');
    return threads === 1 ? oneThread : defaultThreads;
  };
  const wasmOnly = { wasm: [500, 500, 500, 500, 500] };
  const log: string[] = [];
  // TensorFlow is loaded by now (the first test switched to it): only one thread is timed elsewhere, the default here.
  const now = await chooseFastest('ae-mlp-8@128', scripted({ node: [1000, 1000, 1000, 1000, 1000], ...wasmOnly }, log), cacheDir, false, elsewhere(9999, 1200));
  assert.deepEqual(asked, ['one thread']);
  assert.match(now.reason, /, TensorFlow on 1 thread per op in later runs \(1,000 samples\/s on its default threads, which this process loaded before the choice\) \(median/);
  assert.ok(log.includes('span node on tensorflow'), 'the default threads timed in this process');
  const later = laterRun(cacheDir, 'ae-mlp-8@128', 'choose');
  assert.equal(later.tensorFlowThreads, '1', 'set before the library loaded');
  assert.match(later.chosen!.reason, /^fastest here for ae-mlp-8@128: 1,200 samples\/s, TensorFlow on 1 thread per op \(1,000 samples\/s on its default threads\) \(median of 5 spans/);

  // Within the noise of its default threads: TensorFlow keeps them.
  await chooseFastest('vae-mlp-20@128', scripted({ node: [1000, 1000, 1000, 1000, 1000], ...wasmOnly }, []), cacheDir, false, elsewhere(9999, 1040));
  assert.equal(laterRun(cacheDir, 'vae-mlp-20@128', 'choose').tensorFlowThreads, '');

  // The user's own thread count is not second-guessed: nothing is timed elsewhere.
  asked.length = 0;
  process.env.TF_NUM_INTRAOP_THREADS = '2';
  try {
    await chooseFastest('dae-mlp-8@128', scripted({ node: [1000, 1000, 1000, 1000, 1000], ...wasmOnly }, []), cacheDir, false, elsewhere(5000, 5000));
  } finally {
    delete process.env.TF_NUM_INTRAOP_THREADS;
  }
  assert.deepEqual(asked, []);
});

test('where TensorFlow is not loaded yet, both thread counts are timed elsewhere, and it loads only as the pick', () => {
  const cacheDir = join(scratch, 'elsewhere-cache');
  const first = (work: string, defaultThreads: string, oneThread: string) => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'test/engine/native-first-run.ts', join(scratch, 'first-node'), cacheDir, work, 'calibrate', defaultThreads, oneThread], {
      encoding: 'utf8',
      env: { ...process.env, LATENT_EXPLORER_BACKEND: '', LATENT_EXPLORER_THREADS: '', TF_NUM_INTRAOP_THREADS: '' },
    });
    assert.equal(run.status, 0, run.stderr);
    return JSON.parse(run.stdout) as { chosen: BackendInfo; registered: string[]; active: string; tensorFlowThreads: string; asked: string[] };
  };
  // One thread wins: TensorFlow is loaded after the choice, on one thread.
  const win = first('ae-mlp-8@64', '1000', '1300');
  assert.deepEqual(win.asked, ['default threads', 'one thread']);
  assert.equal(win.active, 'tensorflow');
  assert.equal(win.tensorFlowThreads, '1');
  assert.match(win.chosen.reason, /^fastest here for ae-mlp-8@64: 1,300 samples\/s, TensorFlow on 1 thread per op \(1,000 samples\/s on its default threads\) \(median of 5 spans after warm-up, measured now\)/);
  // wasm wins: TensorFlow is never loaded.
  const light = first('vae-mlp-2@64', '100', '120');
  assert.equal(light.active, 'wasm');
  assert.ok(!light.registered.includes('tensorflow'), 'TensorFlow never loaded');
  assert.match(light.chosen.skipped.find((s) => s.name === 'node')!.reason, /^slower for vae-mlp-2@64: 120 samples\/s/);
});
