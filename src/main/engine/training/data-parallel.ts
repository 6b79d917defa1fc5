// Data-parallel training on the CPU backends: wasm runs one thread per process here, so a second
// core is only reachable through a second thread with its own backend. Each worker holds a replica
// of the model and takes its share of every batch; the shares' gradients meet in shared memory,
// and every replica adds the slots in one order and applies the sum with its own Adam, so the
// replicas stay bit-identical without sending weights around.
import { Worker } from 'node:worker_threads';
import { gatherBatch } from '../data/batches';
import { IMAGE_PIXELS } from '../data/datasets';
import { UserError } from '../errors';
import type { Autoencoder, StepContext } from '../models/autoencoder';
import * as tf from '../tf';
import { stepContext, type BatchSource } from './trainer';

/** What a worker is given at start (structured-cloned; the buffers are shared, not copied). */
export interface WorkerSetup {
  index: number;
  workers: number;
  backend: string;
  recipe: string;
  settings: Autoencoder['settings'];
  /** Whether the objective sums over the batch (shares' gradients add) or averages (they weigh by size). */
  objectiveSums: boolean;
  /** The batch's pixels, [batch, 784]. */
  input: SharedArrayBuffer;
  /** One slot of every parameter's gradient, flattened in ParamStore order, per worker. */
  grads: SharedArrayBuffer;
  /** The parameters, flattened in ParamStore order: broadcast to the workers, or read back. */
  weights: SharedArrayBuffer;
  /** [0]: arrivals at the gradient barrier, counted across all steps. */
  sync: SharedArrayBuffer;
}

export type WorkerRequest = { type: 'step'; size: number; seed: number } | { type: 'load-weights' } | { type: 'save-weights' };
export type WorkerReply = { type: 'ready' } | { type: 'stepped'; rows: number; loss: number; terms: Record<string, number> } | { type: 'error'; message: string };

/** `--workers`: 1 trains in this thread, 2 in two data-parallel workers (the machines here have two cores). */
export function parseWorkers(value: string): 1 | 2 {
  if (value !== '1' && value !== '2') throw new UserError(`--workers must be 1 or 2, got "${value}"`);
  return Number(value) as 1 | 2;
}

/** The rows [from, from+count) of a batch of `size` that worker `index` of `workers` takes. */
export function shareOf(index: number, workers: number, size: number): { from: number; count: number } {
  const per = Math.ceil(size / workers);
  const from = Math.min(size, index * per);
  return { from, count: Math.min(size, from + per) - from };
}

/** The step context of worker `index`'s share: its own seeds (dropout, noise, sampling) per step. */
export function shareContext(seed: number, index: number): StepContext {
  return stepContext(true, `${seed}-${index}`);
}

/** A probe on two images: a summed objective is twice the per-sample loss, a mean one equals it. */
function objectiveSums(model: Autoencoder): boolean {
  return tf.tidy(() => {
    const result = model.lossOn(tf.fill([2, IMAGE_PIXELS], 0.5) as tf.Tensor2D, stepContext(false, 'reduction-probe'));
    const ratio = result.objective.dataSync()[0]! / result.loss.dataSync()[0]!;
    return Math.abs(ratio - 2) < Math.abs(ratio - 1);
  });
}

export class DataParallelTrainer {
  private constructor(
    private readonly workers: Worker[],
    private readonly input: Float32Array,
    private readonly weights: Float32Array
  ) {}

  /** Starts `count` workers with replicas of `model`, its current weights included. */
  static async start(model: Autoencoder, count: number): Promise<DataParallelTrainer> {
    const backend = tf.getBackend();
    if (backend !== 'wasm' && backend !== 'cpu') throw new UserError(`--workers ${count} needs the wasm or cpu backend (this run uses ${backend}); pass --backend wasm, or --workers 1`);
    if (model.afterEpoch || model.epochStats) throw new UserError(`recipe ${model.recipe.name} keeps state outside its parameters and cannot train in workers; use --workers 1`);
    const floats = model.params.count;
    const shared = {
      input: new SharedArrayBuffer(model.settings.batch * IMAGE_PIXELS * 4),
      grads: new SharedArrayBuffer(count * floats * 4),
      weights: new SharedArrayBuffer(floats * 4),
      sync: new SharedArrayBuffer(4),
    };
    const sums = objectiveSums(model);
    const workers = Array.from({ length: count }, (_, index) => {
      const workerData: WorkerSetup = { index, workers: count, backend, recipe: model.recipe.name, settings: model.settings, objectiveSums: sums, ...shared };
      return new Worker(new URL('./data-parallel-worker.mjs', import.meta.url), { workerData });
    });
    const trainer = new DataParallelTrainer(workers, new Float32Array(shared.input), new Float32Array(shared.weights));
    try {
      await Promise.all(workers.map((w) => reply(w)));
      let offset = 0;
      for (const v of model.params.variables) {
        trainer.weights.set(v.dataSync() as Float32Array, offset);
        offset += v.size;
      }
      await trainer.all({ type: 'load-weights' });
    } catch (error) {
      await trainer.dispose();
      throw error;
    }
    return trainer;
  }

  /** One optimiser step on images order[start … start+size), as trainer.trainOnBatch does in one thread. */
  async trainOnBatch(source: BatchSource, start: number, size: number, ctx: StepContext): Promise<{ loss: number; terms: Record<string, number> }> {
    gatherBatch(source.set, source.order, start, size, this.input);
    const replies = await this.all({ type: 'step', size, seed: ctx.nextSeed() });
    // Per-sample figures of the shares, weighed by their rows: the batch's own means.
    let loss = 0;
    const terms: Record<string, number> = {};
    for (const r of replies) {
      if (r.type !== 'stepped' || r.rows === 0) continue;
      loss += (r.loss * r.rows) / size;
      for (const [name, v] of Object.entries(r.terms)) terms[name] = (terms[name] ?? 0) + (v * r.rows) / size;
    }
    return { loss, terms };
  }

  /** Copies the replicas' (identical) weights into `model`, for evaluation and saving. */
  async copyWeightsTo(model: Autoencoder): Promise<void> {
    await this.request(this.workers[0]!, { type: 'save-weights' });
    let offset = 0;
    for (const v of model.params.variables) {
      tf.tidy(() => v.assign(tf.tensor(this.weights.slice(offset, offset + v.size), v.shape)));
      offset += v.size;
    }
  }

  async dispose(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private all(message: WorkerRequest): Promise<WorkerReply[]> {
    return Promise.all(this.workers.map((w) => this.request(w, message)));
  }

  private request(worker: Worker, message: WorkerRequest): Promise<WorkerReply> {
    const answer = reply(worker);
    worker.postMessage(message);
    return answer;
  }
}

/** The worker's next message; its failure (a thrown error, an early exit) rejects. */
function reply(worker: Worker): Promise<WorkerReply> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (message: WorkerReply) => {
      cleanup();
      if (message.type === 'error') reject(new Error(`training worker: ${message.message}`));
      else resolve(message);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`training worker exited (code ${code})`));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}
