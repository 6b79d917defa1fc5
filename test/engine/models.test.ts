import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initBackend } from '../../src/main/engine/backend/backend';
import { buildModel, recipeForImages, resolveSettings } from '../../src/main/engine/models/build';
import { UserError } from '../../src/main/engine/errors';
import { VqVae } from '../../src/main/engine/models/vqvae';
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

/** The shapes every recipe is checked at: MNIST's, and colour at 32×32 and 64×64 (a conv recipe's smallest map is then 8×8 and 16×16). */
const SHAPES = [
  { height: 28, width: 28, channels: 1 },
  { height: 32, width: 32, channels: 3 },
  { height: 64, width: 64, channels: 3 },
];

for (const recipe of RECIPES) {
  for (const image of SHAPES) {
    const pixels = image.height * image.width * image.channels;
    test(`${recipe.name} on ${image.height}×${image.width}×${image.channels}: forward shapes and named loss terms`, () => {
      const model = buildModel(recipe, resolveSettings(recipe, {}), image);
      try {
        assert.deepEqual(model.recipe.image, image);
        if (model instanceof VqVae) assert.deepEqual(model.mapSize, [image.height / 4, image.width / 4], 'the code map follows the image size');
        tf.tidy(() => {
          const x = tf.randomUniform([3, pixels], 0, 1, 'float32', 1) as tf.Tensor2D;
          const z = model.encode(x);
          assert.deepEqual(z.shape, [3, model.latentDim]);
          const images = model.decode(z);
          assert.deepEqual(images.shape, [3, pixels]);
          const values = images.dataSync();
          assert.ok(values.every((p) => p >= 0 && p <= 1), 'decoded images are in [0, 1]');
          assert.deepEqual(model.reconstruct(x).shape, [3, pixels]);
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
}

test('a conv recipe refuses image sides that are not multiples of 4, naming a size that fits; an MLP takes them', () => {
  const recipe = RECIPES.find((r) => r.name === 'vae-conv')!;
  assert.throws(
    () => recipeForImages(recipe, { height: 30, width: 45, channels: 3 }, 'pets'),
    (error: Error) => error instanceof UserError && /recipe vae-conv needs image sides that are multiples of 4 .* but pets's are 30×45: pick that size for an image folder \(folder#32x44\)/.test(error.message)
  );
  const mlp = RECIPES.find((r) => r.name === 'vae-mlp-20')!;
  assert.deepEqual(recipeForImages(mlp, { height: 30, width: 45, channels: 3 }).image, { height: 30, width: 45, channels: 3 });
  assert.equal(recipeForImages(mlp, mlp.image), mlp, 'the recipe itself for its own shape');
});

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
