import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModelSummary } from '../../src/shared/contract';
import { comparisonCandidates, comparisonModel, preferredLatentModel } from '../../src/renderer/features/latent-space/latent-models';

const model = (id: string, family: ModelSummary['family'], latent: number): ModelSummary => ({
  id,
  name: id.split('/')[1]!,
  source: id.startsWith('bundled/') ? 'bundled' : 'user',
  family,
  imported: false,
  recipe: `${family}-x`,
  image: { height: 28, width: 28, channels: 1 },
  dataset: 'mnist',
  latent,
  epochs: 1,
  testLoss: null,
  datasetMissing: false,
  status: 'done',
  createdAt: '2025-01-01T00:00:00Z',
  path: `/models/${id}`,
  checksum: '0'.repeat(64),
});

const models = [
  model('user/mine-8', 'vae', 8),
  model('bundled/mnist-ae-2d', 'ae', 2),
  model('bundled/mnist-vae-2d', 'vae', 2),
  model('bundled/mnist-vqvae', 'vqvae', 64),
  model('user/dae-2', 'dae', 2),
];

test('the open model wins when it has a latent space; else the bundled MNIST VAE 2-D', () => {
  assert.equal(preferredLatentModel(models, 'user/mine-8')?.id, 'user/mine-8');
  assert.equal(preferredLatentModel(models, null)?.id, 'bundled/mnist-vae-2d');
  assert.equal(preferredLatentModel(models, 'bundled/mnist-vqvae')?.id, 'bundled/mnist-vae-2d', 'a VQ-VAE has no latent map');
  assert.equal(preferredLatentModel(models.filter((m) => m.id !== 'bundled/mnist-vae-2d'), null)?.id, 'bundled/mnist-ae-2d', 'then any 2-D one');
  assert.equal(preferredLatentModel([models[3]!], null), null);
});

test('the comparison pairs 2-D autoencoders without a prior against 2-D VAEs', () => {
  assert.deepEqual(comparisonCandidates(models, 'ae').map((m) => m.id), ['bundled/mnist-ae-2d', 'user/dae-2']);
  assert.deepEqual(comparisonCandidates(models, 'vae').map((m) => m.id), ['bundled/mnist-vae-2d']);
  assert.equal(comparisonModel(models, 'ae')?.id, 'bundled/mnist-ae-2d');
  assert.equal(comparisonModel(models.filter((m) => m.family !== 'ae'), 'ae')?.id, 'user/dae-2');
  assert.equal(comparisonModel([], 'vae'), null);
});
