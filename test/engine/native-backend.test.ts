// The native packages as the engine meets them on users' machines, played by stand-in packages in
// a scratch node_modules (the real ones need libtensorflow, and no GPU is lent to our machines):
// a GPU package that loads where TensorFlow lists no GPU device, and one that registers its kernels
// and then fails to load its binding, as tfjs-node-gpu does when its library is missing. Then the
// default choice between the backends that loaded (the stand-in's and wasm), with given figures.
import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { initBackend, type LoadedBackend } from '../../src/main/engine/backend/backend';
import { chooseFastest } from '../../src/main/engine/backend/fastest';
import { loadNativePackage, quietTensorFlowLogs } from '../../src/main/engine/backend/native';

// This file is about which backend the engine picks, so it must not inherit a forced one.
delete process.env.LATENT_EXPLORER_BACKEND;
const here = createRequire(import.meta.url);
const scratch = mkdtempSync(join(tmpdir(), 'native-backend-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A folder whose node_modules holds one stand-in package named `pkg`, with `index` as its entry. */
function standIn(folder: string, pkg: string, index: string, stamp?: object): NodeJS.Require {
  const dir = join(scratch, folder, 'node_modules', ...pkg.split('/'));
  mkdirSync(join(dir, 'lib', 'napi-v8'), { recursive: true });
  const binary = { module_name: 'tfjs_binding', module_path: './lib/napi-v{napi_build_version}', napi_versions: [3, 8] };
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: pkg, version: '4.22.0', main: 'index.js', binary }));
  writeFileSync(join(dir, 'lib', 'napi-v8', 'tfjs_binding.node'), ''); // present: the engine checks it exists
  writeFileSync(join(dir, 'index.js'), index);
  if (stamp) {
    mkdirSync(join(dir, 'deps'), { recursive: true });
    writeFileSync(join(dir, 'deps', 'latent-explorer-native.json'), JSON.stringify(stamp));
  }
  return createRequire(join(scratch, folder, 'entry.js'));
}

const core = JSON.stringify(here.resolve('@tensorflow/tfjs-core'));
const cpuBackend = JSON.stringify(here.resolve('@tensorflow/tfjs-backend-cpu'));

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

test('the default takes the backend measured fastest for the work, caches the figures and re-measures when the backends change', async () => {
  const cacheDir = join(scratch, 'cache');
  const rates: Record<string, number> = { node: 1000, wasm: 3000 };
  const measured: string[] = [];
  const measure = (backend: LoadedBackend) => {
    measured.push(`${backend.name} on ${tf.getBackend()}`);
    return rates[backend.name]!;
  };
  const first = await chooseFastest('ae-mlp-8@128', measure, cacheDir);
  assert.deepEqual(measured, ['node on tensorflow', 'wasm on wasm'], 'each loaded backend measured once, while active');
  assert.equal(first.name, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  assert.match(first.reason, /^fastest here for ae-mlp-8@128: 3,000 samples\/s \(measured now\)$/);
  assert.deepEqual(first.skipped.find((s) => s.name === 'node'), { name: 'node', reason: 'slower for ae-mlp-8@128: 1,000 samples/s' });
  assert.ok(first.skipped.some((s) => s.name === 'gpu'), 'why the GPU was not used is still listed');

  rates.node = 9000; // a later run on a busier machine: the cached figures stand
  const again = await chooseFastest('ae-mlp-8@128', measure, cacheDir);
  assert.equal(measured.length, 2, 'not measured again');
  assert.equal(again.name, 'wasm');
  assert.match(again.reason, /\(measured \d{4}-\d\d-\d\d, cached\)$/);

  const file = join(cacheDir, 'backend-choice.json');
  const cache = JSON.parse(readFileSync(file, 'utf8'));
  writeFileSync(file, JSON.stringify({ ...cache, fingerprint: 'other backends' }));
  const remeasured = await chooseFastest('ae-mlp-8@128', measure, cacheDir);
  assert.equal(measured.length, 4, 'measured again once the installed backends differ');
  assert.equal(remeasured.name, 'node');
  assert.equal(tf.getBackend(), 'tensorflow');
});
