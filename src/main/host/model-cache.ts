// Loaded models by id, so that a drag through latent space decodes without reloading weights.
// Few are kept: each holds its weights in backend memory. A request uses a model under a lease:
// a model forgotten meanwhile (evicted, renamed, deleted, or rewritten by a training run) keeps
// its weights until the last request using it has finished, then frees them.
import type { ModelLibrary } from './model-library';
import { closeModel, openModelFolder, type OpenedModel } from '../engine/persistence/library-model';

const CAPACITY = 4;

interface Entry {
  /** Opening is asynchronous for an imported model (ONNX Runtime sessions). */
  opened: Promise<OpenedModel>;
  /** The model once open, so that forgetting it frees it at once. */
  ready?: OpenedModel;
  /** Requests using it right now. */
  leases: number;
  forgotten: boolean;
}

export class ModelCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly library: ModelLibrary) {}

  /** Runs `f` with the model, loading it if needed; its weights stay valid until `f` settles. */
  async use<T>(id: string, f: (opened: OpenedModel) => T | Promise<T>): Promise<T> {
    const entry = this.entry(id);
    entry.leases++;
    try {
      return await f(await entry.opened);
    } finally {
      entry.leases--;
      if (entry.forgotten && entry.leases === 0) this.close(entry);
    }
  }

  forget(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    entry.forgotten = true;
    if (entry.leases === 0) this.close(entry);
  }

  private close(entry: Entry): void {
    if (entry.ready) closeModel(entry.ready);
    else entry.opened.then(closeModel, () => {}); // still opening; one that fails to open holds nothing
  }

  clear(): void {
    for (const id of [...this.entries.keys()]) this.forget(id);
  }

  private entry(id: string): Entry {
    const hit = this.entries.get(id);
    if (hit) {
      // Map order is insertion order: re-inserting marks it most recently used.
      this.entries.delete(id);
      this.entries.set(id, hit);
      return hit;
    }
    const entry: Entry = { opened: openModelFolder(this.library.dirOf(id).dir), leases: 0, forgotten: false };
    this.entries.set(id, entry);
    // A model that fails to open is not kept: asking again reads the folder again.
    entry.opened.then(
      (opened) => (entry.ready = opened),
      () => {
        if (this.entries.get(id) === entry) this.entries.delete(id);
      }
    );
    if (this.entries.size > CAPACITY) this.forget(this.entries.keys().next().value!);
    return entry;
  }
}
