// Every setting a recipe's range allows must leave its family a meaningful objective: at the
// smallest allowed value of each of its settings, one training step has a loss above 0 and moves
// the weights. A bound that would not (a mask ratio of 0 hides nothing, so the MAE loss is 0) is
// excluded from the range, and the schema's refusal says why.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initBackend } from '../../src/main/engine/backend/backend';
import type { ImageSet } from '../../src/main/engine/data/datasets';
import { buildModel, resolveSettings } from '../../src/main/engine/models/build';
import { stepContext, readSteps, trainOnBatch } from '../../src/main/engine/training/trainer';
import { trainingStepFor } from '../../src/main/engine/training/training-step';
import { TrainSettingsSchema } from '../../src/shared/contract';
import { RECIPES, SETTING_SPECS, type TrainSettings } from '../../src/shared/recipes';

await initBackend();

/** Settings that shape the run, not the objective. */
const RUN_SHAPE = new Set<keyof TrainSettings>(['epochs', 'batch', 'seed', 'limit', 'patience']);
const BATCH = 8;

/** Random digit-like images: enough for a loss to have something to fit. */
function images(count: number): ImageSet {
  const pixels = Uint8Array.from({ length: count * 784 }, (_, i) => ((i * 2654435761) >>> 24) % 256);
  return { count, pixels, labels: new Uint8Array(count) };
}

test('an excluded lower bound is refused with the reason it is excluded', () => {
  const excluded = Object.values(SETTING_SPECS).filter((spec) => spec.minExclusive);
  assert.ok(excluded.length >= 5);
  for (const spec of excluded) {
    assert.ok(spec.whyAboveMin, `${spec.key}: an excluded bound needs its reason`);
    const parsed = TrainSettingsSchema.shape[spec.key].safeParse(spec.min);
    assert.equal(parsed.success, false, spec.key);
    assert.equal(parsed.error!.issues[0]!.message, `must be above ${spec.min}: ${spec.whyAboveMin}`);
  }
});

test("at the smallest value each of its settings allows, every recipe's loss is above 0 and a step moves the weights", (t) => {
  const set = images(BATCH);
  let cases = 0;
  for (const recipe of RECIPES) {
    const keys = recipe.settings.filter((k): k is Exclude<keyof TrainSettings, 'maskKind'> => k !== 'maskKind' && !RUN_SHAPE.has(k));
    for (const key of keys) {
      const spec = SETTING_SPECS[key];
      const smallest = spec.minExclusive ? spec.min + (spec.max - spec.min) * 1e-3 : spec.min;
      const model = buildModel(recipe, resolveSettings(recipe, { [key]: smallest, batch: BATCH }));
      const before = model.params.variables.map((v) => v.dataSync().slice());
      const training = trainingStepFor(model, BATCH);
      const [step] = readSteps([trainOnBatch(model, training, { set, order: Int32Array.from({ length: BATCH }, (_, i) => i), buffer: new Float32Array(BATCH * 784) }, 0, BATCH, stepContext(true, 1))]);
      training.syncModel();
      const moved = model.params.variables.some((v, i) => v.dataSync().some((value, j) => value !== before[i]![j]));
      assert.ok(step!.loss > 0, `${recipe.name} with ${key} ${smallest}: loss ${step!.loss}`);
      assert.ok(moved, `${recipe.name} with ${key} ${smallest}: no weight moved`);
      training.dispose();
      model.params.dispose();
      cases++;
    }
  }
  assert.ok(cases >= RECIPES.length, `${cases} cases`);
  t.diagnostic(`objectives: ${cases} recipe × setting cases at the smallest allowed value, each with a loss above 0 and moving weights`);
});
