// What can be trained: the engine's recipes and datasets, fetched once per connection; an own
// dataset folder's entry (its classes, sizes) is asked for the first time a view names it.
import type { DatasetInfo } from '../../shared/contract';
import type { RecipeInfo } from '../../shared/recipes';
import { engine } from './engine';
import { errorText } from './notices.svelte';

class Catalog {
  recipes = $state.raw<RecipeInfo[]>([]);
  datasets = $state.raw<DatasetInfo[]>([]);
  error = $state<string | null>(null);
  /** Own datasets described so far, by the reference they were asked for. */
  private described = $state.raw<Record<string, DatasetInfo>>({});
  /** Why an own dataset could not be described (one line), by reference. */
  private problems = $state.raw<Record<string, string>>({});
  /** References asked for (answered or not), so each is asked once per connection. */
  private asked = new Set<string>();

  async load(): Promise<void> {
    try {
      const [recipes, datasets] = await Promise.all([engine.call('catalog.recipes', {}), engine.call('catalog.datasets', {})]);
      this.recipes = recipes;
      this.datasets = datasets;
      this.asked.clear();
      this.described = {};
      this.problems = {};
      this.error = null;
    } catch (error) {
      this.error = errorText(error);
    }
  }

  /**
   * A dataset's entry: a bundled one from the catalogue; an own folder's once the engine has
   * described it (undefined until then, and if it cannot be loaded: the views then name classes
   * by their label numbers).
   */
  dataset(name: string): DatasetInfo | undefined {
    const entry = this.datasets.find((d) => d.name === name) ?? this.described[name];
    if (!entry && name && this.datasets.length) this.describe(name);
    return entry;
  }

  /** Asks the engine to describe an own dataset (once per connection); its entry or `problem` follows. */
  describe(name: string): void {
    if (this.asked.has(name)) return;
    this.asked.add(name);
    // Answered later, so the state changes outside whichever derivation asked.
    engine.call('data.describe', { dataset: name }).then(
      (info) => (this.described = { ...this.described, [name]: info }),
      (error) => (this.problems = { ...this.problems, [name]: errorText(error) })
    );
  }

  /** Why an own dataset could not be described, once the engine said so; else undefined. */
  problem(name: string): string | undefined {
    return this.problems[name];
  }
}

export const catalog = new Catalog();
