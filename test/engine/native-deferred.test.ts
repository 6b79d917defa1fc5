// Native TensorFlow on the CPU is loaded only for work measured faster on it: its library takes
// ~2 s to load, which app start and short runs should not pay when wasm is the pick. Played by a
// stand-in tfjs-node (tfjs's cpu backend registered as 'tensorflow') that notes when it is loaded.
import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { initBackend, loadedAlternatives } from '../../src/main/engine/backend/backend';
import { chooseCached, chooseFastest, recordRates } from '../../src/main/engine/backend/fastest';
import { core, cpuBackend, scratch, scripted, standIn } from './native-stand-ins';

// This file is about which backend the engine picks, so it must not inherit a forced one.
delete process.env.LATENT_EXPLORER_BACKEND;
const loads = () => (globalThis as { standInLoads?: number }).standInLoads ?? 0;
const packages = standIn(
  'deferred-node',
  '@tensorflow/tfjs-node',
  `globalThis.standInLoads = (globalThis.standInLoads ?? 0) + 1;
   const tf = require(${core});
   const { MathBackendCPU } = require(${cpuBackend});
   tf.registerBackend('tensorflow', () => new MathBackendCPU(), 3);`
);

test('an installed tfjs-node is not loaded at start, nor for work measured or recorded faster on wasm', async () => {
  const info = await initBackend(undefined, packages);
  assert.equal(info.name, 'wasm');
  assert.equal(loads(), 0, 'tfjs-node not loaded');
  assert.deepEqual(loadedAlternatives().map((b) => [b.name, b.deferred ?? false]), [['node', true], ['wasm', false]]);
  assert.match(info.skipped.find((s) => s.name === 'node')!.reason, /^installed; loaded only for work measured faster on it/);

  const cacheDir = join(scratch, 'deferred-cache');
  recordRates('ae-mlp-8@128', { node: 2000, wasm: 3000 }, cacheDir);
  const fromBench = await chooseFastest('ae-mlp-8@128', scripted({}, []), cacheDir);
  assert.equal(fromBench.name, 'wasm');
  assert.equal(loads(), 0, 'the cached figures favour wasm: still not loaded');
  assert.match(fromBench.skipped.find((s) => s.name === 'node')!.reason, /^slower for ae-mlp-8@128: 2,000 samples\/s; installed; loaded only/);
  assert.equal((await chooseCached('decode@1', cacheDir)).name, 'wasm');
  assert.equal(loads(), 0);
});

test('tfjs-node is loaded once when the work is measured, and taken when faster', async () => {
  const cacheDir = join(scratch, 'deferred-cache');
  const log: string[] = [];
  const measured = await chooseFastest('vqvae-conv@128', scripted({ node: [900, 1000, 1000, 1100, 1000], wasm: [500, 500, 500, 500, 500] }, log), cacheDir);
  assert.equal(loads(), 1);
  assert.equal(measured.name, 'node');
  assert.equal(tf.getBackend(), 'tensorflow');
  assert.ok(log.includes('warm node on tensorflow'));
  assert.equal((await chooseCached('vqvae-conv@128', cacheDir)).name, 'node');
  assert.equal(loads(), 1, 'loaded once');
});
