// One optimiser step on a batch, as the trainer, the calibration and the bench run it: eager tfjs
// (tf.variableGrads, then Adam), or, on TensorFlow's backend, the whole step as one TensorFlow graph
// (graph-step.ts) where the model allows it.
import * as tf from '../backend/tf';
import { NotTraceable } from '../backend/tensorflow-trace';
import type { Autoencoder, StepContext } from '../models/autoencoder';
import { Adam, type AdamSettings } from '../nn/adam';
import { onTensorFlow } from '../nn/tensorflow-ops';
import { GraphStep } from './graph-step';

/** A training step's loss and terms (per sample) still on the backend: [loss, ...terms in `names` order]. */
export interface StepLosses {
  values: tf.Tensor1D;
  names: string[];
}

export interface TrainingStep {
  /** What runs the step, for reports: 'eager' (tfjs op by op) or 'graph' (one TensorFlow graph). */
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

/** The step as tfjs runs it on any backend: the loss's gradients by tf.variableGrads, then Adam (nn/adam.ts). */
export class EagerStep implements TrainingStep {
  readonly kind = 'eager';
  private readonly optimizer: Adam;

  constructor(
    private readonly model: Autoencoder,
    adam: AdamSettings
  ) {
    this.optimizer = new Adam(adam);
  }

  step(x: tf.Tensor2D, ctx: StepContext): StepLosses {
    let names: string[] = [];
    const values = tf.tidy(() => {
      let kept: tf.Tensor1D | undefined;
      const { grads } = tf.variableGrads(() => {
        const result = this.model.lossOn(x, ctx);
        names = Object.keys(result.terms);
        kept = tf.keep(tf.stack([result.loss, ...Object.values(result.terms)]) as tf.Tensor1D);
        return result.objective;
      }, this.model.params.variables);
      this.optimizer.applyGradients(grads);
      return kept!;
    });
    return { values, names };
  }

  syncModel(): void {}

  dispose(): void {
    this.optimizer.dispose();
  }
}

/**
 * The fastest way to train `model` on the active backend at `batch` images a step: on TensorFlow's
 * backend, a model whose loss is pure (`Autoencoder.pureLoss`) and records as a graph gets the
 * graph step (~2× fewer milliseconds a step on the MLPs: BENCHMARKS.md); any other gets the eager
 * step. The caller disposes it.
 */
export function trainingStepFor(model: Autoencoder, batch: number): TrainingStep {
  const adam = adamSettings(model.settings);
  if (onTensorFlow() && model.pureLoss) {
    try {
      return new GraphStep(model, adam, batch);
    } catch (error) {
      if (!(error instanceof NotTraceable)) throw error;
    }
  }
  return new EagerStep(model, adam);
}
