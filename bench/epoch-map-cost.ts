// What recording the latent map after every epoch costs a training run (training/epoch-map.ts,
// persistence/epoch-maps.ts): encoding the first 2,000 test images, for a latent wider than 2 the
// PCA plane, and saving the folder's maps (binary and index, atomically), per epoch. Untrained
// models of each recipe named (the cost depends on the network and the latent width, not the
// weights); epoch 1 is reported apart (first calls warm the backend), then the median of epochs 2–8.
// Run: node --import tsx bench/epoch-map-cost.ts [recipe …]   (default: vae-mlp-2 ae-mlp-8 vae-mlp-50-binarized vae-conv-2 vqvae-conv)
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../src/main/engine/backend/backend';
import { loadDataset } from '../src/main/engine/data/datasets';
import { buildModel, requireRecipe, resolveSettings } from '../src/main/engine/models/build';
import { EPOCH_MAPS_FILE, saveEpochMaps } from '../src/main/engine/persistence/epoch-maps';
import { EpochMapRecorder } from '../src/main/engine/training/epoch-map';

const EPOCHS = 8;
const recipes = process.argv.slice(2);
const backend = await initBackend();
const mnist = await loadDataset('mnist');
console.log(`backend ${backend.name}${backend.threads ? ` (${backend.threads} threads)` : ''}`);
for (const name of recipes.length > 0 ? recipes : ['vae-mlp-2', 'ae-mlp-8', 'vae-mlp-50-binarized', 'vae-conv-2', 'vqvae-conv']) {
  const recipe = requireRecipe(name);
  const model = buildModel(recipe, resolveSettings(recipe, {}));
  const recorder = new EpochMapRecorder(mnist.test);
  const dir = mkdtempSync(join(tmpdir(), 'le-epoch-map-cost-'));
  const ms: number[] = [];
  for (let epoch = 1; epoch <= EPOCHS; epoch++) {
    const started = performance.now();
    await recorder.record(model, epoch);
    saveEpochMaps(dir, recorder.maps());
    ms.push(performance.now() - started);
  }
  const later = ms.slice(1).sort((a, b) => a - b);
  const bytes = statSync(join(dir, EPOCH_MAPS_FILE)).size;
  const perEpoch = recorder.maps().positions.byteLength / EPOCHS;
  console.log(`${name} (latent ${model.latentDim}): ${later[Math.floor(later.length / 2)]!.toFixed(0)} ms per epoch (epoch 1: ${ms[0]!.toFixed(0)} ms); ${perEpoch} bytes per epoch + a ${bytes}-byte index`);
  model.params.dispose();
  rmSync(dir, { recursive: true, force: true });
}
