// One data-parallel worker (see data-parallel.ts): its own one-thread backend and model replica.
// Per step it writes its share's gradient into its slot, waits at a barrier for the other
// shares, and applies the slots' sum with its own Adam, as every other replica does.
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../backend';
import { IMAGE_PIXELS } from '../data/datasets';
import { buildModel, requireRecipe } from '../models/build';
import * as tf from '../tf';
import { shareContext, shareOf, type WorkerReply, type WorkerRequest, type WorkerSetup } from './data-parallel';
import { adamFor } from './trainer';

const setup = workerData as WorkerSetup;
const port = parentPort!;

await initBackend(setup.backend);
const model = buildModel(requireRecipe(setup.recipe), setup.settings);
const optimizer = adamFor(model.settings);
const { variables } = model.params;
const offsets = variables.map((_, k) => variables.slice(0, k).reduce((n, v) => n + v.size, 0));
const floats = model.params.count;
const input = new Float32Array(setup.input);
const slots = Array.from({ length: setup.workers }, (_, i) => new Float32Array(setup.grads, i * floats * 4, floats));
const mine = slots[setup.index]!;
const weights = new Float32Array(setup.weights);
const arrivals = new Int32Array(setup.sync);
const summed = new Float32Array(floats);
let steps = 0;

/** Blocks until every worker has written its slot for this step (this thread has nothing else to do). */
function barrier(): void {
  const target = ++steps * setup.workers;
  if (Atomics.add(arrivals, 0, 1) + 1 === target) {
    Atomics.notify(arrivals, 0);
    return;
  }
  for (let seen = Atomics.load(arrivals, 0); seen < target; seen = Atomics.load(arrivals, 0)) Atomics.wait(arrivals, 0, seen);
}

/** Writes this share's gradient, scaled so that the slots' sum is the whole batch's gradient. */
function shareGradient(size: number, seed: number): WorkerReply {
  const { from, count } = shareOf(setup.index, setup.workers, size);
  if (count === 0) {
    mine.fill(0);
    return { type: 'stepped', rows: 0, loss: 0, terms: {} };
  }
  const scale = setup.objectiveSums ? 1 : count / size;
  return tf.tidy(() => {
    const x = tf.tensor2d(input.subarray(from * IMAGE_PIXELS, (from + count) * IMAGE_PIXELS), [count, IMAGE_PIXELS]);
    let figures: { loss: tf.Scalar; terms: Record<string, tf.Scalar> } | undefined;
    const { grads } = tf.variableGrads(() => {
      const result = model.lossOn(x, shareContext(seed, setup.index));
      // Kept: variableGrads disposes everything inside except the objective.
      figures = { loss: tf.keep(result.loss), terms: Object.fromEntries(Object.entries(result.terms).map(([k, t]) => [k, tf.keep(t)])) };
      return result.objective;
    }, variables);
    variables.forEach((v, k) => {
      const g = grads[v.name]?.dataSync() as Float32Array | undefined;
      const slot = mine.subarray(offsets[k]!, offsets[k]! + v.size);
      if (!g) slot.fill(0);
      else if (scale === 1) slot.set(g);
      else for (let i = 0; i < g.length; i++) slot[i] = g[i]! * scale;
    });
    const terms = Object.fromEntries(Object.entries(figures!.terms).map(([name, t]) => [name, t.dataSync()[0]!]));
    const loss = figures!.loss.dataSync()[0]!;
    tf.dispose([figures!.loss, ...Object.values(figures!.terms)]);
    return { type: 'stepped', rows: count, loss, terms };
  });
}

function applySummedGradient(): void {
  summed.set(slots[0]!);
  for (const slot of slots.slice(1)) for (let i = 0; i < floats; i++) summed[i]! += slot[i]!;
  tf.tidy(() => {
    const grads = Object.fromEntries(variables.map((v, k) => [v.name, tf.tensor(summed.subarray(offsets[k]!, offsets[k]! + v.size), v.shape)]));
    optimizer.applyGradients(grads);
  });
}

function handle(message: WorkerRequest): WorkerReply {
  switch (message.type) {
    case 'step': {
      let answer: WorkerReply;
      try {
        answer = shareGradient(message.size, message.seed);
      } catch (error) {
        // Still arrive, so the other workers are not left waiting at the barrier forever.
        mine.fill(0);
        barrier();
        throw error;
      }
      barrier();
      applySummedGradient();
      return answer;
    }
    case 'load-weights':
      variables.forEach((v, k) => tf.tidy(() => v.assign(tf.tensor(weights.slice(offsets[k]!, offsets[k]! + v.size), v.shape))));
      return { type: 'ready' };
    case 'save-weights':
      variables.forEach((v, k) => weights.set(v.dataSync() as Float32Array, offsets[k]!));
      return { type: 'ready' };
  }
}

port.on('message', (message: WorkerRequest) => {
  try {
    port.postMessage(handle(message));
  } catch (error) {
    port.postMessage({ type: 'error', message: (error as Error).message } satisfies WorkerReply);
  }
});
port.postMessage({ type: 'ready' } satisfies WorkerReply);
