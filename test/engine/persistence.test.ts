import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { initBackend } from '../../src/main/engine/backend/backend';
import { buildModel, requireRecipe, resolveSettings } from '../../src/main/engine/models/build';
import { loadModelFolder, saveModelFolder, type ManifestMeta } from '../../src/main/engine/persistence/model-folder';
import { UserError } from '../../src/main/engine/errors';
import { EPOCH_MAPS_FILE, readEpochMaps, saveEpochMaps } from '../../src/main/engine/persistence/epoch-maps';

await initBackend();
const scratch = mkdtempSync(join(tmpdir(), 'le-persist-'));
const good = join(scratch, 'good');

const meta: ManifestMeta = {
  app: { name: 'latent-explorer', version: 'test' },
  name: 'good',
  dataset: { ref: 'mnist', name: 'mnist', title: 'MNIST', classes: [], trainCount: 60000, testCount: 10000 },
  backend: 'test',
  createdAt: new Date(0).toISOString(),
  updatedAt: new Date(0).toISOString(),
  status: 'done',
  history: [],
  metrics: null,
};

before(() => {
  mkdirSync(good);
  const recipe = requireRecipe('ae-mlp-8');
  const model = buildModel(recipe, resolveSettings(recipe, {}));
  saveModelFolder(good, model, meta);
  model.params.dispose();
});

/** A copy of the good model folder, damaged by `damage`. */
function damaged(name: string, damage: (dir: string, manifest: Record<string, any>) => void): string {
  const dir = join(scratch, name);
  cpSync(good, dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  damage(dir, manifest);
  return dir;
}

function rewrite(dir: string, manifest: object) {
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
}

function rejects(dir: string, pattern: RegExp) {
  assert.throws(() => loadModelFolder(dir), (error: Error) => error instanceof UserError && pattern.test(error.message) && !error.message.includes('\n'));
}

test('a saved folder holds manifest, one weights file and history.csv', () => {
  const files = readdirSync(good).sort();
  assert.equal(files.length, 3);
  assert.match(files.join(' '), /^history\.csv manifest\.json weights-[\w-]+\.bin$/);
  const { model } = loadModelFolder(good);
  model.params.dispose();
});

test('bad model folders are refused with a message naming the file and the problem', () => {
  rejects(join(scratch, 'nowhere'), /does not exist/);
  rejects(damaged('no-manifest', (dir) => rmSync(join(dir, 'manifest.json'))), /manifest\.json is missing/);
  rejects(damaged('bad-json', (dir) => writeFileSync(join(dir, 'manifest.json'), '{"format": 1, ')), /manifest\.json is corrupt \(not valid JSON/);
  rejects(damaged('newer', (dir, m) => rewrite(dir, { ...m, format: 99 })), /format 99, made by a newer Latent Explorer/);
  rejects(damaged('family', (dir, m) => rewrite(dir, { ...m, family: 'gan' })), /manifest\.json is invalid: family/);
  rejects(damaged('recipe', (dir, m) => rewrite(dir, { ...m, recipe: 'ae-mlp-9000' })), /unknown recipe "ae-mlp-9000"/);
  rejects(damaged('truncated', (dir, m) => truncateSync(join(dir, m.weights.file), 1000)), /truncated or damaged: expected \d+ bytes, found 1000/);
  rejects(
    damaged('flipped', (dir, m) => {
      const path = join(dir, m.weights.file);
      const bytes = readFileSync(path);
      bytes[10] = bytes[10]! ^ 0xff;
      writeFileSync(path, bytes);
    }),
    /checksum does not match/
  );
  rejects(damaged('shapes', (dir, m) => rewrite(dir, { ...m, settings: { ...m.settings, latent: 9 } })), /encoder\/dense3\/kernel has shape \[32,8\] but the recipe needs \[32,9\]/);
  rejects(
    damaged('renamed', (dir, m) => rewrite(dir, { ...m, weights: { ...m.weights, tensors: m.weights.tensors.map((t: { name: string }, i: number) => (i === 0 ? { ...t, name: 'x' } : t)) } })),
    /encoder\/dense1\/kernel missing; x is not a parameter of ae-mlp-8/
  );
});

test('leftovers of an interrupted save do not stop the last complete save from loading', () => {
  const dir = damaged('interrupted', (d) => {
    writeFileSync(join(d, 'weights-half.bin.tmp-123-abcd'), Buffer.alloc(10));
    writeFileSync(join(d, 'manifest.json.tmp-123-abcd'), '{"trunc');
  });
  const { model } = loadModelFolder(dir);
  model.params.dispose();
});

test('each bundled model is named after its folder', () => {
  const bundled = 'resources/models';
  for (const folder of readdirSync(bundled, { withFileTypes: true }).filter((e) => e.isDirectory())) {
    const manifest = JSON.parse(readFileSync(join(bundled, folder.name, 'manifest.json'), 'utf8')) as { name: string };
    assert.equal(manifest.name, folder.name);
  }
});

test('a model of 32×32 RGB images records its image shape, loads with it, and a manifest naming another shape is refused in one line', () => {
  const dir = join(scratch, 'rgb');
  mkdirSync(dir);
  const recipe = requireRecipe('vae-conv');
  const image = { height: 32, width: 32, channels: 3 };
  const model = buildModel(recipe, resolveSettings(recipe, { latent: 4 }), image);
  saveModelFolder(dir, model, meta);
  model.params.dispose();
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  assert.deepEqual(manifest.image, image);
  const loaded = loadModelFolder(dir);
  assert.deepEqual(loaded.model.recipe.image, image);
  loaded.model.params.dispose();
  rewrite(dir, { ...manifest, image: { height: 64, width: 64, channels: 3 } });
  rejects(dir, /weights in .* do not match recipe vae-conv: .*has shape/);
  rewrite(dir, { ...manifest, image: { height: 30, width: 30, channels: 3 } });
  rejects(dir, /manifest\.json: recipe vae-conv needs image sides that are multiples of 4/);
});

test('per-epoch maps: saved and read back exactly, replaced whole by the next save, absent from an older model, refused when damaged', () => {
  const dir = join(scratch, 'maps');
  mkdirSync(dir);
  const labels = [3, 1, 4];
  const one = { epochs: [1], labels, projection: 'pca' as const, positions: Float32Array.from([0.5, -1, 2, 3.25, -4, 1e-3]) };
  saveEpochMaps(dir, one);
  assert.deepEqual(readEpochMaps(dir), one);
  const two = { ...one, epochs: [1, 2], positions: Float32Array.from([...one.positions, 7, 8, 9, 10, 11, 12]) };
  saveEpochMaps(dir, two);
  assert.deepEqual(readEpochMaps(dir), two);
  assert.equal(readdirSync(dir).filter((name) => name.endsWith('.bin')).length, 1, 'the older binary is removed');

  assert.equal(readEpochMaps('resources/models/mnist-vae-2d'), null, 'a model trained before maps were recorded has none');

  const bin = readdirSync(dir).find((name) => name.endsWith('.bin'))!;
  truncateSync(join(dir, bin), 20);
  assert.throws(() => readEpochMaps(dir), (error: Error) => error instanceof UserError && /are damaged: expected 48 bytes, found 20; train the model again/.test(error.message));
  writeFileSync(join(dir, EPOCH_MAPS_FILE), '{"format":1');
  assert.throws(() => readEpochMaps(dir), (error: Error) => error instanceof UserError && /epoch-maps\.json is corrupt .*train the model again/.test(error.message));
});
