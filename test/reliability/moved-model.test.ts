// A model trained on an own-data folder keeps working after the folder moves (or the model is
// copied to another machine): the engine says the folder is missing instead of "unknown dataset",
// the app's "Locate dataset" (models.locateDataset) and the commands' --dataset point the model at
// the new place, and a checksum tells the right folder from another one with as many images.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { readManifest } from '../../src/main/engine/persistence/model-folder';
import { RpcError } from '../../src/shared/rpc';
import { labelsBytes } from '../engine/idx-fixture';
import { smallDataset, trainTiny, useInProcessEngine } from './fixtures';

const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'latent-explorer.js');
const engine = useInProcessEngine('moved');
const { modelsDir } = engine;
const id = 'user/moved';

const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
const missing = (folder: string) => new RegExp(`the dataset folder this model was trained on, ${folder}, is missing \\(moved, or the model was copied from another machine\\): give its new place`);

test('a moved dataset folder is named as missing, located in the app, and told apart from another folder by checksum', async () => {
  const first = smallDataset(join(engine.home, 'data-first'));
  assert.equal((await trainTiny(engine.client, 'moved', first)).status, 'done');
  assert.match(readManifest(join(modelsDir, 'moved')).dataset.sha256 ?? '', /^[0-9a-f]{64}$/, 'the checksum is kept with the model');
  const moved = join(engine.home, 'data-moved');
  renameSync(first, moved);

  const listed = (await engine.client.call('models.list', {})).find((m) => m.id === id)!;
  assert.equal(listed.datasetMissing, true);
  for (const call of [() => engine.client.call('model.reconstruct', { id, split: 'test', indices: [0] }), () => engine.client.call('model.encode', { id, split: 'test', limit: 8 })]) {
    await assert.rejects(call(), (e: unknown) => e instanceof RpcError && e.code === 'not-found' && missing(first).test(e.message));
  }

  // Same file names and counts, other labels: only the checksum can tell.
  const other = smallDataset(join(engine.home, 'data-other'));
  writeFileSync(join(other, 't10k-labels-idx1-ubyte'), labelsBytes(Array.from({ length: 64 }, (_, i) => (i * 7) % 10)));
  await assert.rejects(engine.client.call('models.locateDataset', { id, dataset: other }), (e: unknown) => e instanceof RpcError && e.code === 'bad-request' && e.message === `${other} holds other images than this model was trained on (their checksum differs): give the folder it was trained on`);
  assert.equal(readManifest(join(modelsDir, 'moved')).dataset.ref, first, 'a refused folder changes nothing');

  const located = await engine.client.call('models.locateDataset', { id, dataset: moved });
  assert.equal(located.datasetMissing, false);
  assert.equal(located.dataset, moved);
  assert.equal((await engine.client.call('model.reconstruct', { id, split: 'test', indices: [0, 1] })).reconstructions.length, 2, 'the model reads its data again');
});

test('the commands that read data take --dataset for a moved folder, and say the folder is missing without it', () => {
  const dir = join(modelsDir, 'moved');
  const was = readManifest(dir).dataset.ref;
  const now = join(engine.home, 'data-moved-again');
  renameSync(was, now);
  const lost = cli('eval', dir, '--json');
  assert.notEqual(lost.status, 0);
  assert.match(lost.stderr.trim(), missing(was));
  assert.equal(lost.stderr.trim().split('\n').length, 1, lost.stderr);

  const evaluated = cli('eval', dir, '--json', '--dataset', now);
  assert.equal(evaluated.status, 0, evaluated.stderr);
  assert.ok(Number.isFinite(JSON.parse(evaluated.stdout).testLoss));
  const figure = cli('figure', dir, '--kind', 'reconstructions', '--n', '4', '--dataset', now, '--out', join(engine.home, 'reconstructions.png'));
  assert.equal(figure.status, 0, figure.stderr);
});
