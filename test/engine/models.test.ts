import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initBackend } from '../../src/main/engine/backend/backend';
import { buildModel, resolveSettings } from '../../src/main/engine/models/build';
import { stepContext } from '../../src/main/engine/training/trainer';
import * as tf from '../../src/main/engine/backend/tf';
import { RECIPES } from '../../src/shared/recipes';

await initBackend();

const EXPECTED_TERMS: Record<string, string[]> = {
  ae: ['reconstruction'],
  dae: ['reconstruction'],
  'dropout-ae': ['reconstruction'],
  vae: ['reconstruction', 'kl'],
  mae: ['maskedMse'],
  vqvae: ['reconstruction', 'codebook', 'commitment'],
};

for (const recipe of RECIPES) {
  test(`${recipe.name}: forward shapes and named loss terms`, () => {
    const model = buildModel(recipe, resolveSettings(recipe, {}));
    try {
      tf.tidy(() => {
        const x = tf.randomUniform([3, 784], 0, 1, 'float32', 1) as tf.Tensor2D;
        const z = model.encode(x);
        assert.deepEqual(z.shape, [3, model.latentDim]);
        const images = model.decode(z);
        assert.deepEqual(images.shape, [3, 784]);
        const pixels = images.dataSync();
        assert.ok(pixels.every((p) => p >= 0 && p <= 1), 'decoded images are in [0, 1]');
        assert.deepEqual(model.reconstruct(x).shape, [3, 784]);
        const result = model.lossOn(x, stepContext(true, 1));
        assert.deepEqual(Object.keys(result.terms).sort(), EXPECTED_TERMS[recipe.family]!.slice().sort());
        assert.ok(Number.isFinite(result.loss.dataSync()[0]!));
        assert.equal(result.objective.rank, 0);
      });
      const layers = model.layers();
      assert.equal(layers.reduce((n, l) => n + l.params, 0), model.params.count, 'layer table accounts for every parameter');
    } finally {
      model.params.dispose();
    }
  });
}

test('ae-mlp-8 has the recipe architecture 784→128→32→8→32→128→784', () => {
  const recipe = RECIPES.find((r) => r.name === 'ae-mlp-8')!;
  const model = buildModel(recipe, resolveSettings(recipe, {}));
  assert.deepEqual(model.layers().map((l) => l.outputShape[1]), [128, 32, 8, 32, 128, 784]);
  // (784·128+128) + (128·32+32) + (32·8+8) + (8·32+32) + (32·128+128) + (128·784+784)
  assert.equal(model.params.count, 100480 + 4128 + 264 + 288 + 4224 + 101136);
  model.params.dispose();
});

test('vae-mlp-20 loss is BCE-sum + KL per sample, and the objective sums over the batch', () => {
  const recipe = RECIPES.find((r) => r.name === 'vae-mlp-20')!;
  const model = buildModel(recipe, resolveSettings(recipe, {}));
  tf.tidy(() => {
    const x = tf.randomUniform([4, 784], 0, 1, 'float32', 2) as tf.Tensor2D;
    const r = model.lossOn(x, stepContext(true, 3));
    const [loss, recon, kl, objective] = [r.loss, r.terms.reconstruction!, r.terms.kl!, r.objective].map((t) => t.dataSync()[0]!);
    assert.ok(Math.abs(loss - (recon + kl)) < 1e-3 * loss);
    assert.ok(Math.abs(objective - 4 * loss) < 1e-3 * objective);
    assert.ok(recon > 400, 'an untrained decoder scores about 784·ln 2 nats per image');
  });
  model.params.dispose();
});

test('the same seed builds the same weights and the same loss; another seed does not', () => {
  const recipe = RECIPES.find((r) => r.name === 'vae-mlp-2')!;
  const lossWith = (seed: number) => {
    const model = buildModel(recipe, resolveSettings(recipe, { seed }));
    const value = tf.tidy(() => model.lossOn(tf.ones([2, 784]).mul(0.5) as tf.Tensor2D, stepContext(true, 'same')).loss.dataSync()[0]!);
    model.params.dispose();
    return value;
  };
  assert.equal(lossWith(7), lossWith(7));
  assert.notEqual(lossWith(7), lossWith(8));
});

test('a fixed-latent recipe refuses another latent size', () => {
  const recipe = RECIPES.find((r) => r.name === 'vae-mlp-2')!;
  assert.throws(() => resolveSettings(recipe, { latent: 5 }), /fixed latent size of 2/);
});

test("another family's setting is refused, not stored and ignored; the optimizer's settings apply to every recipe", () => {
  const ae = RECIPES.find((r) => r.name === 'ae-mlp-8')!;
  assert.throws(() => resolveSettings(ae, { maskRatio: 0.5 }), /Mask ratio is not a setting of ae-mlp-8 \(an Autoencoder\)/);
  assert.throws(() => resolveSettings(ae, { klWeight: 2 }), /KL weight β is not a setting of ae-mlp-8/);
  assert.equal(resolveSettings(ae, { weightDecay: 0.01 }).weightDecay, 0.01);
  const mae = RECIPES.find((r) => r.name === 'mae-mlp-8')!;
  assert.equal(resolveSettings(mae, { maskRatio: 0.5, maskKind: 'block' }).maskKind, 'block');
});
