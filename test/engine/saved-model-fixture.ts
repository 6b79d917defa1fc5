/** Saves untrained models of any image shape as library folders, for tests that need a model of a shape without training one. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { datasetChecksum, loadDataset } from '../../src/main/engine/data/datasets';
import type { Autoencoder } from '../../src/main/engine/models/autoencoder';
import { buildModel, recipeForImages, requireRecipe, resolveSettings } from '../../src/main/engine/models/build';
import { saveModelFolder } from '../../src/main/engine/persistence/model-folder';
import type { TrainSettings } from '../../src/shared/recipes';

/**
 * A model of `recipeName` for the images of the dataset `ref` (an image folder), with its initial
 * weights, saved as `<modelsDir>/<name>` (id `user/<name>`). Returns the model; the caller disposes
 * its parameters. Needs a backend initialised (initBackend, or an engine host created first).
 */
export async function saveUntrainedModel(modelsDir: string, name: string, recipeName: string, ref: string, settings: Partial<TrainSettings> = {}): Promise<Autoencoder> {
  const dataset = await loadDataset(ref);
  const recipe = recipeForImages(requireRecipe(recipeName), dataset.shape);
  const model = buildModel(recipe, resolveSettings(recipe, settings), dataset.shape);
  const dir = join(modelsDir, name);
  mkdirSync(dir, { recursive: true });
  const at = new Date(0).toISOString();
  saveModelFolder(dir, model, {
    app: { name: 'latent-explorer', version: 'test' },
    name,
    dataset: { ref, name: dataset.name, title: dataset.title, classes: dataset.classes, trainCount: dataset.train.count, testCount: dataset.test.count, sha256: datasetChecksum(dataset) },
    backend: 'test',
    createdAt: at,
    updatedAt: at,
    status: 'done',
    history: [],
    metrics: null,
  });
  return model;
}
