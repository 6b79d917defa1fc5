// The native packages as the engine meets them on users' machines, played by stand-in packages in
// a scratch node_modules (the real ones need libtensorflow, and no GPU is lent to our machines):
// a GPU package that loads where TensorFlow lists no GPU device, and one that registers its kernels
// and then fails to load its binding, as tfjs-node-gpu does when its library is missing. Then the
// default choice between the backends that loaded (the stand-in's and wasm), with given figures.
import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { initBackend } from '../../src/main/engine/backend/backend';
import { CALIBRATION_SPANS, chooseCached, chooseFastest, NOISE, pickFastest, recordRates } from '../../src/main/engine/backend/fastest';
import { loadNativePackage, noGpuDevice, quietTensorFlowLogs, tensorFlowThreadCount, tensorFlowThreads } from '../../src/main/engine/backend/native';
import { UserError } from '../../src/main/engine/errors';
import { core, cpuBackend, scratch, scripted, standIn } from './native-stand-ins';

// This file is about which backend the engine picks, so it must not inherit a forced one.
delete process.env.LATENT_EXPLORER_BACKEND;

test('a GPU package whose kernels registered before its binding failed leaves none behind', () => {
  const packages = standIn(
    'broken-gpu',
    '@tensorflow/tfjs-node-gpu',
    `const tf = require(${core});
     for (const kernelName of ['Add', 'MatMul', 'Relu']) tf.registerKernel({ kernelName, backendName: 'tensorflow', kernelFunc: () => null });
     throw new Error('libcudart.so.11.0: cannot open shared object file');`
  );
  assert.throws(() => loadNativePackage('@tensorflow/tfjs-node-gpu', packages), /libcudart/);
  assert.deepEqual(tf.getKernelsForBackend('tensorflow'), [], 'its kernels are unregistered');
  // tfjs-node then registers the same kernels: one warning each if the failed package's remained.
  const warnings: unknown[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args);
  try {
    tf.registerKernel({ kernelName: 'Add', backendName: 'tensorflow', kernelFunc: () => null as never });
  } finally {
    console.warn = warn;
    tf.unregisterKernel('Add', 'tensorflow');
  }
  assert.deepEqual(warnings, []);
});

test('TensorFlow start-up logs are silenced unless the user set a level', () => {
  const env: NodeJS.ProcessEnv = {};
  quietTensorFlowLogs(env);
  assert.equal(env.TF_CPP_MIN_LOG_LEVEL, '3');
  const chosen: NodeJS.ProcessEnv = { TF_CPP_MIN_LOG_LEVEL: '0' };
  quietTensorFlowLogs(chosen);
  assert.equal(chosen.TF_CPP_MIN_LOG_LEVEL, '0');
});

test("LATENT_EXPLORER_THREADS sets TensorFlow's threads per op, unless the user set TensorFlow's own", () => {
  const env: NodeJS.ProcessEnv = { LATENT_EXPLORER_THREADS: '1' };
  tensorFlowThreads(env);
  assert.equal(env.TF_NUM_INTRAOP_THREADS, '1');
  const own: NodeJS.ProcessEnv = { LATENT_EXPLORER_THREADS: '1', TF_NUM_INTRAOP_THREADS: '4' };
  tensorFlowThreads(own);
  assert.equal(own.TF_NUM_INTRAOP_THREADS, '4');
  const neither: NodeJS.ProcessEnv = {};
  tensorFlowThreads(neither);
  assert.equal(neither.TF_NUM_INTRAOP_THREADS, undefined, "TensorFlow's default");
  assert.throws(() => tensorFlowThreads({ LATENT_EXPLORER_THREADS: 'many' }), /LATENT_EXPLORER_THREADS=many is not a thread count: use a whole number from 1 to 8/);
});

test("TensorFlow's own thread count is read as the user gave it, and refused in one line where it is not a count", () => {
  assert.equal(tensorFlowThreadCount({ TF_NUM_INTRAOP_THREADS: '3' }), 3);
  assert.equal(tensorFlowThreadCount({ TF_NUM_INTRAOP_THREADS: '', LATENT_EXPLORER_THREADS: '2' }), 2);
  assert.equal(tensorFlowThreadCount({}), undefined);
  for (const bad of ['abc', '0', '1.5', ' 1', '-2']) {
    assert.throws(() => tensorFlowThreadCount({ TF_NUM_INTRAOP_THREADS: bad }), (error: Error) => {
      assert.ok(error instanceof UserError);
      assert.equal(error.message, `TF_NUM_INTRAOP_THREADS=${bad} is not a thread count: use a whole number from 1 up, or leave it unset for TensorFlow's default`);
      return true;
    });
  }
});

// tfjs-node-gpu's backend asks TensorFlow's devices once (`isUsingGpuDevice`): false where the
// library finds no GPU. The stand-in computes on tfjs's cpu backend and answers false the same way.
const noDevice = standIn(
  'gpu-without-device',
  '@tensorflow/tfjs-node-gpu',
  `const tf = require(${core});
   const { MathBackendCPU } = require(${cpuBackend});
   tf.registerBackend('tensorflow', () => Object.assign(new MathBackendCPU(), { isUsingGpuDevice: false }), 3);`,
  { tensorflow: '2.21.0', is_cuda_build: 'True', cuda_version: '12.5.1', cudnn_version: '9' }
);

test('no GPU device is named as such where the machine shows none, and only there', () => {
  const devices = (...present: string[]) => (path: string) => present.includes(path);
  assert.equal(noGpuDevice('linux', devices()), 'no GPU device (no NVIDIA driver device in /dev)');
  assert.equal(noGpuDevice('linux', devices('/dev/nvidiactl')), undefined);
  assert.equal(noGpuDevice('linux', devices('/dev/dxg')), undefined, "WSL2's GPU");
  assert.match(noGpuDevice('darwin', devices())!, /no CUDA on macOS/);
  assert.equal(noGpuDevice('win32', devices()), undefined, 'only CUDA itself could tell');
});

test('a GPU package whose binding was never built suggests the GPU set-up only where a GPU could be used', async () => {
  const unbuilt = standIn('gpu-unbuilt', '@tensorflow/tfjs-node-gpu', 'throw new Error("never loaded: its binding is missing");');
  rmSync(join(scratch, 'gpu-unbuilt', 'node_modules', '@tensorflow', 'tfjs-node-gpu', 'lib'), { recursive: true });
  await assert.rejects(initBackend('gpu', unbuilt), (error: Error) => {
    const noDevice = noGpuDevice();
    if (noDevice) assert.equal(error.message, `backend "gpu" could not be loaded: ${noDevice}`);
    else assert.match(error.message, /its native binding was never built .*: run node scripts\/setup-native-backend\.js --gpu$/);
    return true;
  });
});

test('a GPU package without a usable device is refused when gpu is asked for, naming why', async () => {
  await assert.rejects(initBackend('gpu', noDevice), (error: Error) => {
    assert.match(error.message, /^backend "gpu" could not be loaded: /);
    assert.match(error.message, /TensorFlow 2\.21\.0 needs CUDA 12\.5\.1 and cuDNN 9/);
    assert.doesNotMatch(error.message, /\n/);
    return true;
  });
});

test('a GPU package without a usable device is reported as TensorFlow on the CPU, not as gpu', async () => {
  const info = await initBackend(undefined, noDevice);
  assert.equal(info.name, 'node');
  assert.equal(info.note, 'TensorFlow on the CPU, loaded by tfjs-node-gpu');
  const gpu = info.skipped.find((s) => s.name === 'gpu');
  assert.ok(gpu, 'gpu is listed as skipped');
  assert.match(gpu.reason, /(no GPU device|no usable GPU device).*needs CUDA 12\.5\.1 and cuDNN 9/);
  assert.equal(tf.getBackend(), 'tensorflow');
});

test('the default takes the backend with the faster median of alternating spans after warm-up, caches the figures and re-measures when the backends change', async () => {
  const cacheDir = join(scratch, 'cache');
  // wasm's first span is slow (a burst of load) and node has one lucky span: medians 3,000 vs 1,000.
  const rates: Record<string, number[]> = { node: [1000, 5000, 900, 1000, 1100], wasm: [100, 3000, 3100, 2900, 3000] };
  const log: string[] = [];
  const first = await chooseFastest('ae-mlp-8@128', scripted(rates, log), cacheDir);
  const spans = Array.from({ length: CALIBRATION_SPANS }, () => ['span node on tensorflow', 'span wasm on wasm']).flat();
  assert.deepEqual(log, ['warm node on tensorflow', 'warm wasm on wasm', ...spans, 'dispose node on tensorflow', 'dispose wasm on wasm']);
  assert.equal(first.name, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  assert.match(first.reason, /^fastest here for ae-mlp-8@128: 3,000 samples\/s \(median of 5 spans after warm-up, measured now\)$/);
  assert.deepEqual(first.skipped.find((s) => s.name === 'node'), { name: 'node', reason: 'slower for ae-mlp-8@128: 1,000 samples/s' });
  assert.ok(first.skipped.some((s) => s.name === 'gpu'), 'why the GPU was not used is still listed');

  log.length = 0; // a later run on a busier machine: the cached figures stand
  const again = await chooseFastest('ae-mlp-8@128', scripted({ node: [9000, 9000, 9000, 9000, 9000], wasm: [1, 1, 1, 1, 1] }, log), cacheDir);
  assert.equal(log.length, 0, 'not measured again');
  assert.equal(again.name, 'wasm');
  assert.match(again.reason, /measured \d{4}-\d\d-\d\d, cached\)$/);

  const file = join(cacheDir, 'backend-choice.json');
  const cache = JSON.parse(readFileSync(file, 'utf8'));
  writeFileSync(file, JSON.stringify({ ...cache, fingerprint: 'other backends' }));
  const remeasured = await chooseFastest('ae-mlp-8@128', scripted({ node: [4000, 4000, 4000, 4000, 4000], wasm: [3000, 3000, 3000, 3000, 3000] }, log), cacheDir);
  assert.equal(log.filter((line) => line.startsWith('span')).length, 2 * CALIBRATION_SPANS, 'measured again once the installed backends differ');
  assert.equal(remeasured.name, 'node');
  assert.equal(tf.getBackend(), 'tensorflow');
});

test("a bench's figures replace the calibration's, and the explorer takes the fastest decoder from them", async () => {
  const cacheDir = join(scratch, 'bench-cache');
  const none = await chooseCached('decode@1', cacheDir);
  assert.equal(none.name, 'wasm', 'no figures: the lightest loaded backend');
  assert.match(none.reason, /^no figures for decode@1 yet \(latent-explorer bench measures them\)/);
  recordRates('decode@1', { node: 2000, wasm: 6000 }, cacheDir);
  recordRates('vqvae-conv@128', { node: 2500, wasm: 1300 }, cacheDir);
  const decodes = await chooseCached('decode@1', cacheDir);
  assert.equal(decodes.name, 'wasm');
  assert.match(decodes.reason, /^fastest here for decode@1: 6,000 samples\/s \(by latent-explorer bench, measured \d{4}-\d\d-\d\d, cached\)$/);
  const log: string[] = [];
  const training = await chooseFastest('vqvae-conv@128', scripted({}, log), cacheDir);
  assert.equal(log.length, 0, "the bench's figures are used, nothing measured");
  assert.equal(training.name, 'node');
});

test('figures within the noise pick the lighter backend; a clear lead picks the faster', () => {
  assert.deepEqual(pickFastest({ node: 1000, wasm: 3000 }), { name: 'wasm' });
  assert.deepEqual(pickFastest({ node: 3000, wasm: 1000 }), { name: 'node' });
  const nearTie = { node: 1000, wasm: 1000 * (1 - NOISE / 2) };
  assert.deepEqual(pickFastest(nearTie), { name: 'wasm', tieWith: 'node' }, 'wasm needs no TensorFlow library');
  assert.deepEqual(pickFastest({ node: 1000, wasm: 1000 * (1 - 2 * NOISE) }), { name: 'node' });
  assert.deepEqual(pickFastest({ wasm: 1000, node: 1000 * (1 - NOISE / 2) }), { name: 'wasm' }, 'the heavier one never wins a tie');
  assert.deepEqual(pickFastest({ wasm: 500 }), { name: 'wasm' });
});
