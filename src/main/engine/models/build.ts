// Recipe name + settings → a fresh model of the right family.
import { findRecipe, recipeDefaults, RECIPES, type RecipeInfo, type TrainSettings } from '../../../shared/recipes';
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

/** The recipe's defaults overlaid with the user's settings (which the schema has already checked). */
export function resolveSettings(recipe: RecipeInfo, overrides: Partial<TrainSettings>): TrainSettings {
  const defaults = recipeDefaults(recipe);
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
