// Which model each explorer view works on: the user's pick for that view (kept while moving
// between views), else the open model when it fits the view, else the view's preferred bundled
// model, else any model of a fitting family.
import type { ModelSummary } from '../../shared/contract';
import type { Family } from '../../shared/recipes';
import { library } from '../engine-client/library.svelte';

const picked = $state<Record<string, string>>({});

/** The model the view on screen works on, where that view picks its own (a tool view); else null. */
export const viewModel = $state<{ shown: ModelSummary | null }>({ shown: null });

/** What the sidebar and status bar name: the model the view on screen works on, else the open one. */
export function modelOnScreen(): ModelSummary | null {
  return viewModel.shown ?? library.current;
}

export function modelsOf(families: readonly Family[]): ModelSummary[] {
  return library.models.filter((m) => families.includes(m.family));
}

export function chooseModel(view: string, id: string): void {
  picked[view] = id;
}

/**
 * The model for `view` among those of `families`. The open model is taken by default only when
 * it is of the `suited` families (a view that can run any model still prefers its specialists).
 */
export function chosenModel(
  view: string,
  families: readonly Family[],
  preferred: readonly string[],
  suited: readonly Family[] = families
): ModelSummary | null {
  const models = modelsOf(families);
  const byId = (id: string | null | undefined) => models.find((m) => m.id === id);
  const open = byId(library.currentId);
  const suitedOpen = open && suited.includes(open.family) ? open : undefined;
  return byId(picked[view]) ?? suitedOpen ?? preferred.map(byId).find(Boolean) ?? models.find((m) => suited.includes(m.family)) ?? models[0] ?? null;
}
