import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { initBackend } from '../../src/main/engine/backend/backend';
import * as tf from '../../src/main/engine/backend/tf';
import { wantedThreads } from '../../src/main/engine/backend/wasm-threads';

test('the thread count is one per core (at most 8) unless LATENT_EXPLORER_THREADS says otherwise', () => {
  assert.equal(wantedThreads({}), Math.min(availableParallelism(), 8));
  assert.equal(wantedThreads({ LATENT_EXPLORER_THREADS: '' }), Math.min(availableParallelism(), 8));
  assert.equal(wantedThreads({ LATENT_EXPLORER_THREADS: '1' }), 1);
  assert.equal(wantedThreads({ LATENT_EXPLORER_THREADS: '8' }), 8);
  for (const bad of ['0', '9', '1.5', 'two', '-2']) {
    assert.throws(() => wantedThreads({ LATENT_EXPLORER_THREADS: bad }), new RegExp(`LATENT_EXPLORER_THREADS=${bad} is not a thread count: use a whole number from 1 to 8`));
  }
});

test('the wasm backend runs on the threads it reports, on shared memory when there are several', async () => {
  const info = await initBackend('wasm');
  assert.equal(info.threads, wantedThreads());
  const backend = tf.backend() as unknown as { wasm: { tfjs: { getThreadsCount(): number }; wasmMemory?: { buffer: ArrayBufferLike } } };
  assert.equal(backend.wasm.tfjs.getThreadsCount(), info.threads);
  assert.equal(backend.wasm.wasmMemory?.buffer instanceof SharedArrayBuffer, info.threads! > 1);
  // A product big enough for XNNPACK to split between threads gives the plain result.
  const a = tf.randomNormal([64, 96], 0, 1, 'float32', 1);
  const b = tf.randomNormal([96, 80], 0, 1, 'float32', 2);
  const product = tf.matMul(a, b).arraySync() as number[][];
  const [aRows, bRows] = [a.arraySync() as number[][], b.arraySync() as number[][]];
  for (const [i, j] of [[0, 0], [63, 79], [17, 42]] as const) {
    const expected = aRows[i]!.reduce((s, v, k) => s + v * bRows[k]![j]!, 0);
    assert.ok(Math.abs(product[i]![j]! - expected) < 1e-3, `(${i}, ${j}): ${product[i]![j]} vs ${expected}`);
  }
  tf.dispose([a, b]);
});
