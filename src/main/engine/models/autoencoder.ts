// What every model family offers the trainer and the explorer views. Inputs and outputs at this
// boundary are images in [0, 1], [B, 784]; a recipe that trains on [-1, 1] converts inside.
import type * as tf from '../backend/tf';
import type { LayerSummary } from '../../../shared/contract';
import type { Family, RecipeInfo, TrainSettings } from '../../../shared/recipes';
import type { ParamStore } from './params';

/** Per-step context: whether dropout/noise/masks are on, and a source of seeds for them. */
export interface StepContext {
  training: boolean;
  nextSeed(): number;
  /**
   * `make(seed)` with the next seed: a random tensor (noise, a mask) that depends on nothing but
   * the seed. A model whose only randomness comes from here can have its step run as a TensorFlow
   * graph (training/graph-step.ts), each draw made in JavaScript and fed to it.
   */
  draw<T extends tf.Tensor>(make: (seed: number) => T): T;
}

export interface LossResult {
  /** What the optimiser minimises (the recipe's own reduction: a sum over the batch where the reference sums). */
  objective: tf.Scalar;
  /** The recipe's reported loss, per sample, in its own units (a mean over the batch). */
  loss: tf.Scalar;
  /** Each named term of `loss`, same units. */
  terms: Record<string, tf.Scalar>;
}

export interface Autoencoder {
  readonly family: Family;
  readonly recipe: RecipeInfo;
  readonly settings: TrainSettings;
  readonly params: ParamStore;
  /** Width of the latent vector `encode` returns (for VQ-VAE: the flattened 7×7×D pre-quantisation map). */
  readonly latentDim: number;
  lossOn(x: tf.Tensor2D, ctx: StepContext): LossResult;
  /** Latent means (μ for a VAE, the code for an AE). */
  encode(x: tf.Tensor2D): tf.Tensor2D;
  /** Decoded images in [0, 1]. */
  decode(z: tf.Tensor2D): tf.Tensor2D;
  reconstruct(x: tf.Tensor2D): tf.Tensor2D;
  /** Layer table for `eval` and the app. */
  layers(): LayerSummary[];
  /** End of a training epoch (VQ-VAE restarts dead codes here). */
  afterEpoch?(ctx: StepContext): void;
  /** End of a training run, however it ended: frees what only training held (VQ-VAE: recent encoder outputs). */
  afterTraining?(): void;
  /** Figures of the last training epoch that are not loss terms (VQ-VAE: perplexity, codes in use). */
  epochStats?(): Record<string, number>;
  /**
   * `lossOn` only computes: it changes no state of its own and reads nothing back, so its work is
   * the same for every batch of a size and a trainer may record it once as a TensorFlow graph
   * (training/graph-step.ts). A model that keeps figures between steps (VQ-VAE) leaves it unset.
   */
  readonly pureLoss?: boolean;
}

export type { ParamStore };

/** The data range a recipe trains in: [0, 1] as given, or [-1, 1] (normalised with mean 0.5, std 0.5). */
export function toModelRange(recipe: RecipeInfo, x: tf.Tensor2D): tf.Tensor2D {
  return recipe.dataRange === 'symmetric' ? x.mul(2).sub(1) : x;
}

export function fromModelRange(recipe: RecipeInfo, y: tf.Tensor2D): tf.Tensor2D {
  return recipe.dataRange === 'symmetric' ? (y.add(1).div(2).clipByValue(0, 1) as tf.Tensor2D) : y;
}
