// A deferred tfjs-node that fails when it is finally loaded (its library gone since it was built):
// the measurement goes on with the backends that load, and the status says why tfjs-node was skipped.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { initBackend, loadedAlternatives } from '../../src/main/engine/backend/backend';
import { chooseFastest } from '../../src/main/engine/backend/fastest';
import { scratch, scripted, standIn } from './native-stand-ins';

// This file is about which backend the engine picks, so it must not inherit a forced one.
delete process.env.LATENT_EXPLORER_BACKEND;
const packages = standIn('broken-node', '@tensorflow/tfjs-node', `throw new Error('libtensorflow.so.2: cannot open shared object file');`);

test('a deferred tfjs-node that fails to load is skipped with its reason, and the work runs on wasm', async () => {
  assert.equal((await initBackend(undefined, packages)).name, 'wasm');
  assert.deepEqual(loadedAlternatives().map((b) => b.name), ['node', 'wasm']);
  const log: string[] = [];
  const info = await chooseFastest('ae-mlp-8@128', scripted({ wasm: [3000, 3000, 3000, 3000, 3000] }, log), join(scratch, 'broken-cache'));
  assert.equal(info.name, 'wasm');
  assert.deepEqual(loadedAlternatives().map((b) => b.name), ['wasm']);
  assert.match(info.skipped.find((s) => s.name === 'node')!.reason, /libtensorflow\.so\.2: cannot open shared object file/);
  assert.ok(!log.some((line) => line.includes('node')), 'nothing measured on it');
});
