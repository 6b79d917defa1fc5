// What one optimiser step on a batch is, whichever runs it: the eager step (eager-step.ts) or, on
// TensorFlow's backend, one TensorFlow graph (graph-step.ts); training-step.ts picks.
import type * as tf from '../backend/tf';
import type { Autoencoder, StepContext } from '../models/autoencoder';
import type { AdamSettings } from '../nn/adam';

/** A training step's loss and terms (per sample) still on the backend: [loss, ...terms in `names` order]. */
export interface StepLosses {
  values: tf.Tensor1D;
  names: string[];
}

export interface TrainingStep {
  /** What runs the step: 'eager' (tfjs, op by op) or 'graph' (one TensorFlow graph). */
  readonly kind: 'eager' | 'graph';
  /**
   * One Adam step of the model on x [batch, pixels] with `ctx`'s draws. Returns the batch's
   * losses without reading them back: a read-back per step stalls the backend's queue (a GPU's
   * above all) and costs a round trip every step.
   */
  step(x: tf.Tensor2D, ctx: StepContext): StepLosses;
  /** Brings the model's variables up to date (a graph keeps the parameters it trains in TensorFlow). */
  syncModel(): void;
  dispose(): void;
}

/** torch.optim.Adam as the recipes configure it (ε = 1e-8, weight decay as L2 on the gradient). */
export function adamSettings(settings: Autoencoder['settings']): AdamSettings {
  return { lr: settings.lr, beta1: settings.adamBeta1, beta2: settings.adamBeta2, epsilon: 1e-8, weightDecay: settings.weightDecay };
}
