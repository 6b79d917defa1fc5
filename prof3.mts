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
const rates = [];
for (let r = 0; r < 30; r++) { const N = 40; const t0 = performance.now(); for (let i = 0; i < N; i++) step(); rates.push(Math.round(batch * N / (performance.now() - t0) * 1000)); }
console.log(rates.join(' '));
process.exit(0);
