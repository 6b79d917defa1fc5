// Training runs started through the contract: one at a time (training saturates the CPU or GPU),
// each reporting progress, epochs and its end as events.
import { randomUUID } from 'node:crypto';
import type { Params } from '../../../shared/contract';
import { loadDataset } from '../data/datasets';
import { UserError } from '../errors';
import type { EventListener } from '../host';
import type { ModelLibrary } from '../library';
import { buildModel, requireRecipe, resolveSettings } from '../models/build';
import { RunControl } from './run-control';
import { train } from './trainer';

interface ActiveRun {
  runId: string;
  modelId: string;
  control: RunControl;
  done: Promise<void>;
}

export class TrainingRuns {
  private active: ActiveRun | null = null;

  constructor(
    private readonly library: ModelLibrary,
    private readonly backend: string,
    private readonly emit: EventListener,
    /** Called when a model's files change, so cached copies are reloaded. */
    private readonly changed: (modelId: string) => void
  ) {}

  async start({ name, recipe: recipeName, dataset: datasetRef, settings: overrides }: Params<'train.start'>) {
    if (this.active) throw new UserError(`a training run (${this.active.modelId}) is already in progress: cancel it or wait for it to finish`, 'conflict');
    const recipe = requireRecipe(recipeName);
    const settings = resolveSettings(recipe, overrides);
    const dir = this.library.newModelDir(name);
    const dataset = await loadDataset(datasetRef);
    const runId = randomUUID();
    const modelId = `user/${name}`;
    const control = new RunControl();
    const model = buildModel(recipe, settings);
    const ids = { runId, modelId };
    const done = train({
      model,
      dataset,
      dir,
      name,
      backend: this.backend,
      control,
      onProgress: (p) => this.emit('train.progress', { ...ids, ...p }),
      onEpoch: (record) => {
        this.changed(modelId);
        this.emit('train.epoch', { ...ids, ...record, epochs: settings.epochs });
      },
    })
      .then((outcome) => this.emit('train.end', { ...ids, status: outcome.status, message: outcome.message, savedEpochs: outcome.history.length }))
      .catch((error: Error) => this.emit('train.end', { ...ids, status: 'failed', message: error.message, savedEpochs: 0 }))
      .finally(() => {
        model.params.dispose();
        this.changed(modelId);
        this.active = null;
      });
    this.active = { runId, modelId, control, done };
    return ids;
  }

  private run(runId: string): ActiveRun {
    if (this.active?.runId !== runId) throw new UserError(`no training run ${runId} is in progress`, 'not-found');
    return this.active;
  }

  pause(runId: string): boolean {
    const paused = this.run(runId).control.pause();
    this.emit('train.paused', { runId, paused });
    return paused;
  }

  resume(runId: string): boolean {
    const paused = this.run(runId).control.resume();
    this.emit('train.paused', { runId, paused });
    return paused;
  }

  cancel(runId: string): void {
    this.run(runId).control.cancel();
  }

  /** Refuses to rename or delete the model that is being trained. */
  assertIdle(modelId: string): void {
    if (this.active?.modelId === modelId) throw new UserError(`${modelId} is being trained: cancel the run first`, 'conflict');
  }

  async cancelAll(): Promise<void> {
    this.active?.control.cancel();
    await this.active?.done;
  }
}
