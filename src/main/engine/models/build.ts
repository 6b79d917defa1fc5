// Recipe name + settings → a fresh model of the right family.
import type { ImageShape } from '../../../shared/network';
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

/**
 * `recipe` made for images of `shape` (a dataset's): an MLP takes any; a convolutional recipe
 * (sideMultiple) gray or RGB images whose sides are multiples of its sideMultiple. Throws a
 * 'bad-request' UserError naming both shapes and a size to pick; `title` names the images.
 */
export function recipeForImages(recipe: RecipeInfo, shape: ImageShape, title = 'the dataset'): RecipeInfo {
  const { height, width, channels } = shape;
  if (channels !== 1 && channels !== 3) throw new UserError(`${title}'s images have ${channels} channels; recipes take gray (1) or RGB (3) images`);
  const multiple = recipe.sideMultiple ?? 1;
  if (height % multiple || width % multiple) {
    const fit = (side: number) => Math.max(multiple, Math.round(side / multiple) * multiple);
    throw new UserError(
      `recipe ${recipe.name} needs image sides that are multiples of ${multiple} (two stride-2 convolutions), but ${title}'s are ${height}×${width}: pick that size for an image folder (folder#${fit(height)}x${fit(width)}) or an MLP recipe`
    );
  }
  const same = height === recipe.image.height && width === recipe.image.width && channels === recipe.image.channels;
  return same ? recipe : { ...recipe, image: { height, width, channels } };
}

/** A fresh model of `recipe`'s family for images of `image` (default: the recipe's own); throws recipeForImages' UserErrors. */
export function buildModel(original: RecipeInfo, settings: TrainSettings, image: ImageShape = original.image): Autoencoder {
  const recipe = recipeForImages(original, image);
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
