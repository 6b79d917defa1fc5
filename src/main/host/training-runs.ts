// Training runs started through the contract: one at a time (training saturates the CPU or GPU),
// each reporting progress, epochs and its end as events.
import { randomUUID } from 'node:crypto';
import type { BackendInfo, Params, TrainEnd } from '../../shared/contract';
import type { RecipeInfo, TrainSettings } from '../../shared/recipes';
import type { EventListener } from '../../shared/rpc';
import { loadDataset, type Dataset } from '../engine/data/datasets';
import { UserError } from '../engine/errors';
import type { ModelLibrary } from './model-library';
import { buildModel, recipeForImages, requireRecipe, resolveSettings } from '../engine/models/build';
import { RunControl } from '../engine/training/run-control';
import { takeRunLock } from '../engine/persistence/run-lock';
import { train, trainingImages } from '../engine/training/trainer';

interface ActiveRun {
  runId: string;
  modelId: string;
  control: RunControl;
  done: Promise<void>;
}

/** How a run gets its backend: the fastest for its recipe before it starts, the explorer's again after. */
export interface RunBackends {
  forRun(recipe: RecipeInfo, settings: TrainSettings): Promise<BackendInfo>;
  afterRun(): Promise<unknown>;
}

export class TrainingRuns {
  private active: ActiveRun | null = null;
  /** The model id of a run whose dataset is still loading: it holds the one training slot already. */
  private starting: string | null = null;

  constructor(
    private readonly library: ModelLibrary,
    private readonly emit: EventListener,
    /** Called when a model's files change, so cached copies are reloaded. */
    private readonly changed: (modelId: string) => void,
    private readonly backends: RunBackends,
    /** How a run loads its dataset (the host's reports an image folder's first load). */
    private readonly loadData: (ref: string) => Promise<Dataset> = loadDataset
  ) {}

  async start({ name, recipe: recipeName, dataset: datasetRef, settings: overrides }: Params<'train.start'>) {
    const busy = this.active?.modelId ?? this.starting;
    if (busy) throw new UserError(`a training run (${busy}) is already in progress: cancel it or wait for it to finish`, 'conflict');
    const recipe = requireRecipe(recipeName);
    const settings = resolveSettings(recipe, overrides);
    const modelId = `user/${name}`;
    this.library.newModelDir(name); // a taken name is refused before the dataset loads…
    this.starting = modelId;
    let dataset: Dataset;
    let backend: BackendInfo;
    try {
      dataset = await this.loadData(datasetRef);
      recipeForImages(recipe, dataset.shape, dataset.title);
      backend = await this.backends.forRun(recipe, settings);
    } finally {
      this.starting = null;
    }
    const dir = this.library.newModelDir(name); // …and again after: the name may have been taken meanwhile
    const lock = takeRunLock(dir); // a `train --out` of the same folder from the command line is refused from here on
    this.emit('engine.log', { level: 'info', message: `${modelId}: training on ${backend.name} (${backend.reason})` });
    const { note } = trainingImages(settings.limit, dataset.train);
    if (note) this.emit('engine.log', { level: 'warn', message: `${modelId}: ${note}` });
    const runId = randomUUID();
    const control = new RunControl();
    const model = buildModel(recipe, settings, dataset.shape);
    const ids = { runId, modelId };
    const done = train({
      model,
      dataset,
      dir,
      lock,
      name,
      backend: backend.name,
      control,
      onProgress: (p) => this.emit('train.progress', { ...ids, ...p }),
      onEpoch: (record) => {
        this.changed(modelId);
        this.emit('train.epoch', { ...ids, ...record, epochs: settings.epochs });
      },
    })
      .then(
        (outcome): Omit<TrainEnd, 'runId' | 'modelId'> => ({ status: outcome.status, message: outcome.message, savedEpochs: outcome.history.length }),
        (error: Error): Omit<TrainEnd, 'runId' | 'modelId'> => ({ status: 'failed', message: error.message, savedEpochs: 0 })
      )
      .then(async (end) => {
        // Released before train.end goes out, so a new run may start the moment it arrives.
        model.params.dispose();
        await this.backends.afterRun().catch((error: Error) => this.emit('engine.log', { level: 'warn', message: `after ${modelId}: ${error.message}` }));
        this.changed(modelId);
        this.active = null;
        this.emit('train.end', { ...ids, ...end });
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
