// What can be trained: the engine's recipes and datasets, fetched once per connection.
import type { DatasetInfo } from '../../shared/contract';
import type { RecipeInfo } from '../../shared/recipes';
import { engine } from './engine';
import { errorText } from './notices.svelte';

class Catalog {
  recipes = $state.raw<RecipeInfo[]>([]);
  datasets = $state.raw<DatasetInfo[]>([]);
  error = $state<string | null>(null);

  async load(): Promise<void> {
    try {
      const [recipes, datasets] = await Promise.all([engine.call('catalog.recipes', {}), engine.call('catalog.datasets', {})]);
      this.recipes = recipes;
      this.datasets = datasets;
      this.error = null;
    } catch (error) {
      this.error = errorText(error);
    }
  }

  dataset(name: string): DatasetInfo | undefined {
    return this.datasets.find((d) => d.name === name);
  }
}

export const catalog = new Catalog();
