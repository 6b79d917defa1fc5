// Shared checks for the nn building-block tests: each runs on both backends every machine has, or
// on the one the run asks for (LATENT_EXPLORER_BACKEND, as `npm test`'s per-backend passes do).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/main/engine/backend/backend';

/** The tfjs backend names the building blocks are checked on. */
export const BACKENDS = await backendsToCheck();

async function backendsToCheck(): Promise<string[]> {
  const requested = process.env.LATENT_EXPLORER_BACKEND;
  if (!requested) return ['cpu', 'wasm'];
  await initBackend(requested); // loads it (the native packages register 'tensorflow'), or says why not
  return [tf.getBackend()];
}

export async function useBackend(name: string): Promise<void> {
  assert.ok(await tf.setBackend(name), `backend ${name} failed to initialise`);
  await tf.ready();
}

/** max |a − b| ≤ tol · max(1, max |b|), elementwise over same-shaped tensors. */
export function assertClose(actual: tf.Tensor, expected: tf.Tensor, tol: number, what: string): void {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  const a = actual.dataSync();
  const e = expected.dataSync();
  let scale = 1;
  let worst = 0;
  for (let i = 0; i < e.length; i++) {
    scale = Math.max(scale, Math.abs(e[i]!));
    worst = Math.max(worst, Math.abs(a[i]! - e[i]!));
  }
  assert.ok(worst <= tol * scale, `${what}: max abs difference ${worst} exceeds ${tol} × ${scale}`);
}

/** Gradients of sum(f(inputs) · r) for a fixed random r: a loss that weighs every output differently. */
export function weightedGrads(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], seed: number): tf.Tensor[] {
  const out = tf.tidy(() => f(...inputs));
  const r = tf.randomNormal(out.shape, 0, 1, 'float32', seed);
  out.dispose();
  const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), r)))(inputs);
  r.dispose();
  return grads;
}

/** Asserts the number of live tensors does not grow across repeated calls of `step`. */
export function assertNoTensorGrowth(step: () => void, repeats = 5): void {
  step(); // first call may register kernels or build caches
  const before = tf.memory().numTensors;
  for (let i = 0; i < repeats; i++) step();
  assert.equal(tf.memory().numTensors, before, 'live tensor count grew');
}

/**
 * Asserts that `ours` has `formula`'s value (within `valueTol`) and the same gradient with respect
 * to each input (named in `names`, within `gradTol`) for a loss weighing its outputs at random.
 */
export function assertSameAsFormula(
  ours: (...xs: tf.Tensor[]) => tf.Tensor,
  formula: (...xs: tf.Tensor[]) => tf.Tensor,
  inputs: tf.Tensor[],
  names: string[],
  seed: number,
  valueTol = 1e-5,
  gradTol = 1e-4
): void {
  tf.tidy(() => assertClose(ours(...inputs), formula(...inputs), valueTol, 'value'));
  const got = weightedGrads(ours, inputs, seed);
  const want = weightedGrads(formula, inputs, seed);
  names.forEach((name, i) => assertClose(got[i]!, want[i]!, gradTol, name));
  tf.dispose([...got, ...want]);
}
