// Recipe name + settings → a fresh model of the right family.
import { familyWithArticle, findRecipe, recipeDefaults, RECIPES, SETTING_SPECS, type RecipeInfo, type SettingKey, type TrainSettings } from '../../../shared/recipes';
import { UserError } from '../errors';
import { PlainAutoencoder } from './ae';
import type { Autoencoder } from './autoencoder';
import { MaskedAutoencoder } from './mae';
import { VariationalAutoencoder } from './vae';
import { VqVae } from './vqvae';

export function requireRecipe(name: string): RecipeInfo {
  const recipe = findRecipe(name);
  if (!recipe) throw new UserError(`unknown recipe "${name}": valid recipes are ${RECIPES.map((r) => r.name).join(', ')}`);
  return recipe;
}

/**
 * The recipe's defaults overlaid with the user's settings (which the schema has already checked).
 * Throws a UserError for a fixed latent size asked to change, and for another family's setting
 * (a mask ratio given to a plain AE), which would otherwise be stored and silently ignored.
 */
export function resolveSettings(recipe: RecipeInfo, overrides: Partial<TrainSettings>): TrainSettings {
  const defaults = recipeDefaults(recipe);
  for (const key of Object.keys(overrides) as SettingKey[]) {
    const owners = RECIPES.filter((r) => r.settings.includes(key));
    if (key === 'latent' || owners.length === 0 || recipe.settings.includes(key)) continue;
    const label = key === 'maskKind' ? 'Mask kind' : SETTING_SPECS[key].label;
    throw new UserError(
      `${label} is not a setting of ${recipe.name} (${familyWithArticle(recipe.family)}): leave it out, or pick a recipe that has it: ${owners.map((r) => r.name).join(', ')}`,
    );
  }
  if (recipe.fixedLatent && overrides.latent !== undefined && overrides.latent !== defaults.latent) {
    throw new UserError(`recipe ${recipe.name} has a fixed latent size of ${defaults.latent}; pick a recipe whose latent size can change, e.g. ae-mlp-8 or vae-mlp-20`);
  }
  return { ...defaults, ...overrides };
}

export function buildModel(recipe: RecipeInfo, settings: TrainSettings): Autoencoder {
  switch (recipe.family) {
    case 'ae':
    case 'dae':
    case 'dropout-ae':
      return new PlainAutoencoder(recipe, settings);
    case 'vae':
      return new VariationalAutoencoder(recipe, settings);
    case 'mae':
      return new MaskedAutoencoder(recipe, settings);
    case 'vqvae':
      return new VqVae(recipe, settings);
  }
}
