// Loaded models by id, so that a drag through latent space decodes without reloading weights.
// Few are kept: each holds its weights in backend memory.
import type { ModelLibrary } from './library';
import { loadModelFolder, type LoadedModel } from './persistence/model-folder';

const CAPACITY = 4;

export class ModelCache {
  private readonly loaded = new Map<string, LoadedModel>();

  constructor(private readonly library: ModelLibrary) {}

  async get(id: string): Promise<LoadedModel> {
    const hit = this.loaded.get(id);
    if (hit) {
      // Map order is insertion order: re-inserting marks it most recently used.
      this.loaded.delete(id);
      this.loaded.set(id, hit);
      return hit;
    }
    const entry = loadModelFolder(this.library.dirOf(id).dir);
    this.loaded.set(id, entry);
    if (this.loaded.size > CAPACITY) this.forget(this.loaded.keys().next().value!);
    return entry;
  }

  forget(id: string): void {
    this.loaded.get(id)?.model.params.dispose();
    this.loaded.delete(id);
  }

  clear(): void {
    for (const id of [...this.loaded.keys()]) this.forget(id);
  }
}
