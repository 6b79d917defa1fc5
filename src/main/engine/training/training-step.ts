// Which training step a model gets on the active backend (step.ts): on TensorFlow's, one TensorFlow
// graph where the model allows it (graph-step.ts), else the eager step (eager-step.ts).
import type { Autoencoder } from '../models/autoencoder';
import { onTensorFlow } from '../nn/tensorflow-ops';
import { EagerStep } from './eager-step';
import { GraphStep } from './graph-step';
import { adamSettings, type TrainingStep } from './step';

/**
 * The fastest way to train `model` on the active backend at `batch` images a step: on TensorFlow's
 * backend, a model whose loss is pure (`Autoencoder.pureLoss`) and records as a graph gets the
 * graph step (about half the milliseconds a step on the MLPs: BENCHMARKS.md); any other gets the
 * eager step, which trains the same. The caller disposes it.
 */
export function trainingStepFor(model: Autoencoder, batch: number): TrainingStep {
  const adam = adamSettings(model.settings);
  if (onTensorFlow() && model.pureLoss) {
    try {
      return new GraphStep(model, adam, batch);
    } catch {
      // NotTraceable (a loss with randomness or read-backs of its own), or a TensorFlow that does
      // not load the graph (a library version without one of its ops or attributes): eager then.
    }
  }
  return new EagerStep(model, adam);
}
