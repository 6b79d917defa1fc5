// Where a training step's time goes on the native TensorFlow backend: every TensorFlow op an eager
// step runs, counted and timed by name at tfjs-node's binding (its eager calls are synchronous on
// the CPU, so the wall time of a call is the op's), and the rest of the step (tfjs bookkeeping, our
// JavaScript); then the same step as the trainer runs it there, one TensorFlow graph where the
// recipe allows (training/graph-step.ts). Batch 128, MNIST, after 100 untimed steps each.
//
//   node --import tsx bench/native-step-ops.ts [recipe] [--steps N]
//
// TF_NUM_INTRAOP_THREADS (or LATENT_EXPLORER_THREADS) sets TensorFlow's threads per op.
import { parseArgs } from 'node:util';
import * as tf from '../src/main/engine/backend/tf';
import { initBackend } from '../src/main/engine/backend/backend';
import { epochOrder } from '../src/main/engine/data/batches';
import { imageBytesOf, loadDataset } from '../src/main/engine/data/datasets';
import { buildModel, requireRecipe, resolveSettings } from '../src/main/engine/models/build';
import { stepContext, trainOnBatch } from '../src/main/engine/training/trainer';
import { EagerStep } from '../src/main/engine/training/eager-step';
import { adamSettings, type TrainingStep } from '../src/main/engine/training/step';
import { trainingStepFor } from '../src/main/engine/training/training-step';

const BATCH = 128;
const { values, positionals } = parseArgs({ allowPositionals: true, options: { steps: { type: 'string', default: '200' } } });
const recipe = requireRecipe(positionals[0] ?? 'ae-mlp-8');
const steps = Number(values.steps);

await initBackend('node');
const model = buildModel(recipe, resolveSettings(recipe, { batch: BATCH }));
const dataset = await loadDataset('mnist');
const eager = new EagerStep(model, adamSettings(model.settings));
const pixels = imageBytesOf(dataset.train);
const source = { set: dataset.train, order: epochOrder(dataset.train.count, 1, 1), buffer: new Float32Array(BATCH * pixels) };
const ctx = stepContext(true, 'bench');
let cursor = 0;
const stepOf = (training: TrainingStep) => () => {
  if (cursor + BATCH > dataset.train.count) cursor = 0;
  trainOnBatch(model, training, source, cursor, BATCH, ctx).values.dispose();
  cursor += BATCH;
};
let step = stepOf(eager);
for (let i = 0; i < 100; i++) step();

// The binding's executeOp is a read-only property: the backend is handed an object that times it.
type Binding = { executeOp(name: string, ...rest: unknown[]): unknown };
const backend = tf.backend() as unknown as { binding: Binding };
const binding = backend.binding;
const byOp = new Map<string, { calls: number; ns: bigint }>();
const timed = Object.create(binding) as Binding;
Object.defineProperty(timed, 'executeOp', {
  value: (name: string, ...rest: unknown[]) => {
    const started = process.hrtime.bigint();
    try {
      return binding.executeOp(name, ...rest);
    } finally {
      const entry = byOp.get(name) ?? { calls: 0, ns: 0n };
      entry.calls++;
      entry.ns += process.hrtime.bigint() - started;
      byOp.set(name, entry);
    }
  },
});
backend.binding = timed;

const started = process.hrtime.bigint();
for (let i = 0; i < steps; i++) step();
const stepMs = Number(process.hrtime.bigint() - started) / 1e6 / steps;
backend.binding = binding;

const perStep = (ns: bigint) => Number(ns) / 1e6 / steps;
const opsMs = perStep([...byOp.values()].reduce((sum, e) => sum + e.ns, 0n));
const calls = [...byOp.values()].reduce((sum, e) => sum + e.calls, 0) / steps;
const threads = process.env.TF_NUM_INTRAOP_THREADS ?? "TensorFlow's default";
console.log(`${recipe.name}, eager: ${stepMs.toFixed(2)} ms a step (${Math.round((BATCH / stepMs) * 1000).toLocaleString('en-US')} samples/s), TensorFlow threads per op: ${threads}`);
console.log(`  ${calls.toFixed(0)} TensorFlow ops a step: ${opsMs.toFixed(2)} ms; the rest (tfjs and our JavaScript): ${(stepMs - opsMs).toFixed(2)} ms`);
for (const [name, entry] of [...byOp].sort((a, b) => Number(b[1].ns - a[1].ns))) {
  console.log(`  ${name.padEnd(24)} ${(entry.calls / steps).toFixed(1).padStart(5)} a step ${(perStep(entry.ns) * 1000).toFixed(0).padStart(7)} µs a step ${(Number(entry.ns) / 1e3 / entry.calls).toFixed(1).padStart(8)} µs each`);
}
eager.dispose();

const trained = trainingStepFor(model, BATCH);
step = stepOf(trained);
for (let i = 0; i < 100; i++) step();
const graphStarted = process.hrtime.bigint();
for (let i = 0; i < steps; i++) step();
const trainedMs = Number(process.hrtime.bigint() - graphStarted) / 1e6 / steps;
console.log(`the step as the trainer runs it here (${trained.kind}): ${trainedMs.toFixed(2)} ms a step (${Math.round((BATCH / trainedMs) * 1000).toLocaleString('en-US')} samples/s)`);
trained.dispose();
