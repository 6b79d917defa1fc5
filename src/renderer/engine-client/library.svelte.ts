// The model library and the current model: which model the explorer views work on. The choice
// survives a reload (localStorage) because reopening the app should land where the user left.
import type { ModelSummary, Params } from '../../shared/contract';
import { engine } from './engine';
import { errorText, notify } from './notices.svelte';

const CURRENT_KEY = 'latent-explorer.current-model';

function storedCurrent(): string | null {
  try {
    return localStorage.getItem(CURRENT_KEY);
  } catch {
    return null;
  }
}

/** User models newest first, then the bundled ones by name. */
function libraryOrder(a: ModelSummary, b: ModelSummary): number {
  if (a.source !== b.source) return a.source === 'user' ? -1 : 1;
  if (a.source === 'user') return b.createdAt.localeCompare(a.createdAt);
  return a.name.localeCompare(b.name);
}

class Library {
  models = $state.raw<ModelSummary[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  currentId = $state<string | null>(storedCurrent());
  /** The open model, or null when none is open (or it was deleted). */
  current = $derived(this.models.find((m) => m.id === this.currentId) ?? null);

  async refresh(): Promise<void> {
    try {
      this.models = [...(await engine.call('models.list', {}))].sort(libraryOrder);
      this.error = null;
    } catch (error) {
      this.error = errorText(error);
    } finally {
      this.loaded = true;
    }
  }

  open(id: string | null): void {
    this.currentId = id;
    try {
      if (id) localStorage.setItem(CURRENT_KEY, id);
      else localStorage.removeItem(CURRENT_KEY);
    } catch {
      // Storage can be disabled; the choice then lasts for this page only.
    }
  }

  /** Resolves true when renamed; failures are reported as notices. */
  async rename(id: string, name: string): Promise<boolean> {
    try {
      const renamed = await engine.call('models.rename', { id, name });
      this.replace(id, renamed);
      if (this.currentId === id) this.open(renamed.id);
      return true;
    } catch (error) {
      notify(`Could not rename: ${errorText(error)}`, 'error');
      return false;
    }
  }

  /** Points a model at the new place of its dataset folder; resolves true when the engine accepted it. */
  async locateDataset(id: string, place: string): Promise<boolean> {
    try {
      this.replace(id, await engine.call('models.locateDataset', { id, dataset: place }));
      return true;
    } catch (error) {
      notify(`Could not use that folder: ${errorText(error)}`, 'error');
      return false;
    }
  }

  /** Imports an ONNX encoder and decoder as a new model and opens it; resolves true when imported (failures are notices). */
  async importModel(params: Params<'models.import'>): Promise<boolean> {
    try {
      const imported = await engine.call('models.import', params);
      this.models = [...this.models, imported].sort(libraryOrder);
      this.open(imported.id);
      notify(`Imported "${imported.name}" (${imported.family.toUpperCase()}, ${imported.latent}-D latent).`);
      return true;
    } catch (error) {
      notify(`Could not import: ${errorText(error)}`, 'error');
      return false;
    }
  }

  private replace(id: string, summary: ModelSummary): void {
    this.models = this.models.map((m) => (m.id === id ? summary : m)).sort(libraryOrder);
  }

  async remove(model: ModelSummary): Promise<void> {
    try {
      const { trashed } = await engine.call('models.delete', { id: model.id });
      this.models = this.models.filter((m) => m.id !== model.id);
      if (this.currentId === model.id) this.open(null);
      notify(trashed ? `Moved "${model.name}" to the trash.` : `Deleted "${model.name}".`);
    } catch (error) {
      notify(`Could not delete "${model.name}": ${errorText(error)}`, 'error');
    }
  }
}

export const library = new Library();
