// The training step each backend gets (training/training-step.ts). On TensorFlow's backend a recipe
// whose loss is pure runs as one TensorFlow graph (training/graph-step.ts): it must train as the
// eager step does (the same losses and parameters from the same seed, through a change of batch
// size and an outside assignment of the parameters) and leak nothing. Elsewhere, and for a loss
// that cannot be recorded, the eager step runs.
import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { loadDataset } from '../../src/main/engine/data/datasets';
import { buildModel, requireRecipe, resolveSettings } from '../../src/main/engine/models/build';
import { readSteps, stepContext, trainOnBatch } from '../../src/main/engine/training/trainer';
import { EagerStep } from '../../src/main/engine/training/eager-step';
import { adamSettings, type TrainingStep } from '../../src/main/engine/training/step';
import { trainingStepFor } from '../../src/main/engine/training/training-step';
import type { StepContext } from '../../src/main/engine/models/autoencoder';
import type { TrainSettings } from '../../src/shared/recipes';
import { assertClose, assertNoTensorGrowth, BACKENDS, useBackend } from './nn-check';

const mnist = await loadDataset('mnist');
/** Batch sizes of the steps run: the last size differs, as an epoch's last batch does. */
const SIZES = [32, 32, 32, 20];

function modelOf(recipeName: string, settings: Partial<TrainSettings> = {}) {
  const recipe = requireRecipe(recipeName);
  return buildModel(recipe, resolveSettings(recipe, { batch: 32, seed: 5, ...settings }));
}

/** Runs SIZES steps on the first MNIST images; the losses of each step (read back) and the parameters after. */
function train(model: ReturnType<typeof modelOf>, step: TrainingStep, between?: () => void) {
  const source = { set: mnist.train, order: Int32Array.from({ length: 256 }, (_, i) => i), buffer: new Float32Array(32 * 784) };
  const ctx = stepContext(true, 'training-step-test');
  const losses = SIZES.map((size, i) => {
    if (i === 2) between?.();
    return readSteps([trainOnBatch(model, step, source, i * 32, size, ctx)])[0]!;
  });
  step.syncModel();
  return { losses, params: model.params.variables };
}

for (const backend of BACKENDS) {
  describe(`the training step on ${backend}`, () => {
    before(() => useBackend(backend));
    const onTensorFlow = () => tf.getBackend() === 'tensorflow';

    const cases = [['ae-mlp-8', {}], ['vae-mlp-20', {}], ['dae-mlp-8', {}], ['mae-mlp-8', {}], ['dropout-ae-mlp-8', {}], ['ae-mlp-8', { weightDecay: 0.01 }]] as const;
    for (const [recipe, settings] of cases) {
      test(`${recipe}${'weightDecay' in settings ? ' with weight decay' : ''}: the step this backend gets trains as the eager step does`, () => {
        const model = modelOf(recipe, settings);
        const reference = modelOf(recipe, settings);
        const other = modelOf(recipe, { ...settings, seed: 9 });
        const step = trainingStepFor(model, 32);
        const eager = new EagerStep(reference, adamSettings(reference.settings));
        try {
          assert.equal(step.kind, onTensorFlow() ? 'graph' : 'eager');
          // Between steps, each model's parameters are set from outside (as a load would): the step must take them up.
          const assignFrom = (m: typeof model) => () => m.params.variables.forEach((v, i) => v.assign(other.params.variables[i]!));
          const ours = train(model, step, assignFrom(model));
          const expected = train(reference, eager, assignFrom(reference));
          ours.losses.forEach((l, i) => {
            const e = expected.losses[i]!;
            assert.ok(Math.abs(l.loss - e.loss) <= 1e-4 * Math.abs(e.loss), `step ${i + 1}: loss ${l.loss} vs ${e.loss} eagerly`);
            assert.deepEqual(Object.keys(l.terms), Object.keys(e.terms));
          });
          ours.params.forEach((p, i) => assertClose(p, expected.params[i]!, 1e-4, `parameter ${model.params.names[i]}`));
        } finally {
          step.dispose();
          eager.dispose();
          model.params.dispose();
          reference.params.dispose();
          other.params.dispose();
        }
      });
    }

    test('a step leaves no tensor behind, a change of batch size included', () => {
      const model = modelOf('vae-mlp-20');
      const step = trainingStepFor(model, 32);
      const source = { set: mnist.train, order: Int32Array.from({ length: 64 }, (_, i) => i), buffer: new Float32Array(32 * 784) };
      const ctx = stepContext(true, 'no-growth');
      let i = 0;
      try {
        assertNoTensorGrowth(() => {
          readSteps([trainOnBatch(model, step, source, 0, i++ % 2 === 0 ? 32 : 20, ctx)]);
          step.syncModel();
        });
      } finally {
        step.dispose();
        model.params.dispose();
      }
    });

    test('a loss that draws seeds of its own, or keeps state between steps (VQ-VAE), trains eagerly, and the refused trace leaks nothing', () => {
      const before = tf.memory().numTensors;
      const vqvae = modelOf('vqvae-conv');
      const ae = modelOf('ae-mlp-8');
      // A seed drawn outside StepContext.draw: the graph could not be fed what it makes.
      const ownSeeds = Object.assign(Object.create(ae), {
        lossOn: (x: tf.Tensor2D, ctx: StepContext) => ae.lossOn(tf.add(x, tf.randomNormal(x.shape, 0, 0.1, 'float32', ctx.nextSeed())) as tf.Tensor2D, ctx),
      });
      for (const model of [vqvae, ownSeeds]) {
        const step = trainingStepFor(model, 32);
        assert.equal(step.kind, 'eager', model.recipe.name);
        step.dispose();
      }
      vqvae.params.dispose();
      ae.params.dispose();
      assert.equal(tf.memory().numTensors, before);
    });
  });
}
