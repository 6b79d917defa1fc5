import { initBackend } from './src/main/engine/backend';
import { epochOrder } from './src/main/engine/data/batches';
import { loadDataset } from './src/main/engine/data/datasets';
import { buildModel, requireRecipe, resolveSettings } from './src/main/engine/models/build';
import { adamFor, stepContext, trainOnBatch } from './src/main/engine/training/trainer';
await initBackend();
const recipeName = process.argv[2] ?? 'ae-mlp-8';
const dataset = await loadDataset('mnist');
const recipe = requireRecipe(recipeName); const batch = 128;
const model = buildModel(recipe, resolveSettings(recipe, { batch }));
const optimizer = adamFor(model.settings);
const source = { set: dataset.train, order: epochOrder(dataset.train.count, 1, 1), buffer: new Float32Array(batch * 784) };
const ctx = stepContext(true, 'bench');
let cursor = 0;
const step = () => { if (cursor + batch > dataset.train.count) cursor = 0; trainOnBatch(model, optimizer, source, cursor, batch, ctx); cursor += batch; };
for (let i = 0; i < 30; i++) step();
for (let r = 0; r < 3; r++) { const N = 300; const t0 = performance.now(); for (let i = 0; i < N; i++) step(); const per = (performance.now() - t0) / N;
console.log('ms/step', per.toFixed(3), 'samples/s', (batch / per * 1000).toFixed(0)); }
process.exit(0);
