// The training step as tfjs runs it on any backend, op by op: the loss's gradients by
// tf.variableGrads, then Adam (nn/adam.ts).
import * as tf from '../backend/tf';
import type { Autoencoder, StepContext } from '../models/autoencoder';
import { Adam, type AdamSettings } from '../nn/adam';
import type { StepLosses, TrainingStep } from './step';

/** The eager step: any backend, any model. */
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
