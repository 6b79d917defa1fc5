// Which model each explorer view works on: the user's pick for that view (kept while moving
// between views), else the open model when it fits the view, else the view's preferred bundled
// model, else any model of a fitting family.
import type { ModelSummary } from '../../shared/contract';
import type { Family } from '../../shared/recipes';
import { library } from './library.svelte';

const picked = $state<Record<string, string>>({});

export function modelsOf(families: readonly Family[]): ModelSummary[] {
  return library.models.filter((m) => families.includes(m.family));
}

export function chooseModel(view: string, id: string): void {
  picked[view] = id;
}

export function chosenModel(view: string, families: readonly Family[], preferred: readonly string[]): ModelSummary | null {
  const models = modelsOf(families);
  const byId = (id: string | null | undefined) => models.find((m) => m.id === id);
  return byId(picked[view]) ?? byId(library.currentId) ?? preferred.map(byId).find(Boolean) ?? models[0] ?? null;
}
