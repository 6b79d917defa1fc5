// The model library: bundled models (read-only, resources/models) and the user's own models
// folder. A model id is "<source>/<folder name>"; names given by users are checked so that they
// can never point outside the models folder.
import { existsSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { IMPORTED_RECIPE, ModelName, type ModelSummary } from '../../shared/contract';
import { MNIST_SHAPE } from '../../shared/network';
import { UserError } from '../engine/errors';
import { datasetChecksum, isBundledDataset, loadModelDataset, splitDatasetRef } from '../engine/data/datasets';
import { readLibraryManifest } from '../engine/persistence/library-model';
import { readManifest, updateManifest } from '../engine/persistence/model-folder';
import { inUseError, liveRunLock, runStatus } from '../engine/persistence/run-lock';

type Source = ModelSummary['source'];

/** Moves a folder to the OS trash; rejects with the reason when it cannot. */
export type MoveToTrash = (path: string) => Promise<void>;

/** The CLI's and web mode's way: the `trash` package (loaded only when a model is deleted). */
const trashPackage: MoveToTrash = async (path) => {
  const { default: trash } = await import('trash');
  await trash(path, { glob: false });
};

export class ModelLibrary {
  constructor(
    readonly modelsDir: string,
    readonly bundledDir: string,
    private readonly moveToTrash: MoveToTrash = trashPackage
  ) {
    mkdirSync(modelsDir, { recursive: true });
  }

  private root(source: Source): string {
    return source === 'bundled' ? this.bundledDir : this.modelsDir;
  }

  /** The folder of a model id, refusing anything that is not a plain child of its source folder. */
  dirOf(id: string): { source: Source; dir: string; folder: string } {
    const slash = id.indexOf('/');
    const source = id.slice(0, slash);
    const folder = id.slice(slash + 1);
    if ((source !== 'user' && source !== 'bundled') || !ModelName.safeParse(folder).success) {
      throw new UserError(`"${id}" is not a model id (expected user/<name> or bundled/<name>)`, 'not-found');
    }
    const root = resolve(this.root(source));
    const dir = resolve(root, folder);
    if (!dir.startsWith(root + sep)) throw new UserError(`"${id}" points outside the models folder`);
    if (!existsSync(dir)) throw new UserError(`model ${id} does not exist`, 'not-found');
    return { source, dir, folder };
  }

  summary(source: Source, folder: string): ModelSummary {
    const dir = join(this.root(source), folder);
    const manifest = readLibraryManifest(dir);
    const datasetMissing = !isBundledDataset(manifest.dataset.ref) && !existsSync(splitDatasetRef(manifest.dataset.ref).path);
    const common = { id: `${source}/${folder}`, name: folder, source, family: manifest.family, dataset: manifest.dataset.name, datasetMissing, createdAt: manifest.createdAt, path: dir };
    if (manifest.kind === 'imported') {
      const checksum = `${manifest.encoder.sha256}+${manifest.decoder.sha256}`;
      return { ...common, checksum, imported: true, recipe: IMPORTED_RECIPE, latent: manifest.latent, image: manifest.image ?? MNIST_SHAPE, epochs: 0, testLoss: null, status: 'done' };
    }
    return {
      ...common,
      checksum: manifest.weights.sha256,
      imported: false,
      recipe: manifest.recipe,
      image: manifest.image ?? MNIST_SHAPE, // models from before colour are all 28×28 gray
      latent: manifest.family === 'vqvae' ? manifest.settings.codeDim : manifest.settings.latent,
      epochs: manifest.history.length,
      testLoss: manifest.metrics?.testLoss ?? null,
      status: runStatus(dir, manifest.status),
    };
  }

  /** Every loadable model; folders with a broken manifest are reported through `onProblem`, not hidden silently. */
  list(onProblem: (message: string) => void = () => {}): ModelSummary[] {
    const models: ModelSummary[] = [];
    for (const source of ['bundled', 'user'] as const) {
      const root = this.root(source);
      if (!existsSync(root)) continue;
      for (const folder of readdirSync(root).sort()) {
        if (folder.startsWith('.')) continue;
        try {
          // Inside the try: a dangling link or an unreadable entry is one problem, not a failed list.
          if (!statSync(join(root, folder)).isDirectory()) continue;
          // Listed models must be openable, and ids only ever name folders with valid model names.
          if (!ModelName.safeParse(folder).success) throw new UserError(`${join(root, folder)}: "${folder}" is not a valid model name; rename the folder (letters, digits, spaces and . _ ( ) -)`);
          models.push(this.summary(source, folder));
        } catch (error) {
          onProblem((error as Error).message);
        }
      }
    }
    return models;
  }

  /** A new, empty folder for a user model named `name`. */
  newModelDir(name: string): string {
    const dir = join(this.modelsDir, ModelName.parse(name));
    if (existsSync(dir)) throw new UserError(`a model named "${name}" already exists: choose another name`, 'conflict');
    return dir;
  }

  /** Refuses to touch a folder that a live run (this engine's or a `train` command's) is writing. */
  private assertNotTraining(dir: string): void {
    const holder = liveRunLock(dir);
    if (holder) throw inUseError(dir, holder);
  }

  rename(id: string, name: string): ModelSummary {
    const { source, dir } = this.dirOf(id);
    if (source === 'bundled') throw new UserError('bundled models are read-only: train your own copy to rename it', 'conflict');
    this.assertNotTraining(dir);
    renameSync(dir, this.newModelDir(name));
    return this.summary('user', name);
  }

  /**
   * Points a user model at the new place of its dataset folder: the folder must load and hold the
   * images the model was trained on (checksum, or for models saved before checksums the image
   * counts); the checksum is stored from then on.
   */
  async locateDataset(id: string, place: string): Promise<ModelSummary> {
    const { source, dir, folder } = this.dirOf(id);
    if (source === 'bundled') throw new UserError('bundled models are read-only and use the bundled datasets', 'conflict');
    this.assertNotTraining(dir);
    const trained = readManifest(dir).dataset;
    const found = await loadModelDataset(trained, place);
    if (!trained.sha256 && (found.train.count !== trained.trainCount || found.test.count !== trained.testCount)) {
      throw new UserError(`${place} has ${found.train.count} training and ${found.test.count} test images, but this model was trained on ${trained.trainCount} and ${trained.testCount}: give the folder it was trained on`);
    }
    updateManifest(dir, (manifest) => ({ ...manifest, dataset: { ...manifest.dataset, ref: found.name, name: found.name, sha256: datasetChecksum(found) } }));
    return this.summary(source, folder);
  }

  /** Moves a user model to the OS trash, so a mistaken delete can be undone there. */
  async delete(id: string): Promise<{ deleted: string; trashed: boolean }> {
    const { source, dir } = this.dirOf(id);
    if (source === 'bundled') throw new UserError('bundled models are read-only and cannot be deleted', 'conflict');
    this.assertNotTraining(dir);
    await this.moveToTrash(dir);
    return { deleted: id, trashed: true };
  }
}
