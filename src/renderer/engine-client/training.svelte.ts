// The one training run the window follows: its settings, live progress, per-epoch records and
// outcome. It lives outside the Training view so a run keeps being followed (status bar, curves)
// while the user looks at other views.
import type { Events, Params, TrainEnd, TrainEpoch, TrainProgress } from '../../shared/contract';
import { engine } from './engine';
import { library } from './library.svelte';
import { BatchCurves } from './loss-series';
import { errorText } from './notices.svelte';

export type RunPhase = 'starting' | 'running' | 'paused' | 'ended';
type Tagged = { [E in 'train.progress' | 'train.epoch' | 'train.paused' | 'train.end']: { event: E; payload: Events[E] } }[
  'train.progress' | 'train.epoch' | 'train.paused' | 'train.end'
];

class TrainingRun {
  phase = $state<RunPhase | null>(null);
  runId = $state<string | null>(null);
  modelId = $state<string | null>(null);
  name = $state('');
  recipe = $state('');
  epochs = $state(1);
  progress = $state.raw<TrainProgress | null>(null);
  history = $state.raw<TrainEpoch[]>([]);
  end = $state.raw<TrainEnd | null>(null);
  /** A start that the engine refused (bad settings, name taken, engine busy). */
  error = $state<string | null>(null);
  /** Bumped on every batch so the chart redraws; the curves themselves are not reactive. */
  curvesVersion = $state(0);
  curves = new BatchCurves(1);

  /** Share of the whole run done, 0..1, advancing within each epoch. */
  fraction = $derived.by(() => {
    if (this.end?.status === 'done') return 1;
    const p = this.progress;
    const epochsDone = this.history.length ? this.history[this.history.length - 1].epoch : 0;
    const withinRun = p ? p.epoch - 1 + (p.batches > 0 ? p.batch / p.batches : 0) : epochsDone;
    return Math.min(1, Math.max(0, Math.max(withinRun, epochsDone) / Math.max(1, this.epochs)));
  });
  active = $derived(this.phase === 'starting' || this.phase === 'running' || this.phase === 'paused');

  /** Events that arrive before train.start answers with the run id wait here. */
  private early: Tagged[] = [];

  constructor() {
    engine.on('train.progress', (p) => this.receive({ event: 'train.progress', payload: p }));
    engine.on('train.epoch', (p) => this.receive({ event: 'train.epoch', payload: p }));
    engine.on('train.paused', (p) => this.receive({ event: 'train.paused', payload: p }));
    engine.on('train.end', (p) => this.receive({ event: 'train.end', payload: p }));
    engine.on('engine.exited', () => this.lose());
  }

  async start(params: Params<'train.start'>, epochs: number): Promise<void> {
    this.reset(params.name, params.recipe, epochs);
    this.phase = 'starting';
    try {
      const { runId, modelId } = await engine.call('train.start', params);
      this.runId = runId;
      this.modelId = modelId;
      if (this.phase === 'starting') this.phase = 'running';
      const early = this.early.filter((e) => e.payload.runId === runId);
      this.early = [];
      for (const e of early) this.apply(e);
    } catch (error) {
      this.phase = null;
      this.error = errorText(error);
    }
  }

  async pause(): Promise<void> {
    await this.control('train.pause');
  }

  async resume(): Promise<void> {
    await this.control('train.resume');
  }

  async cancel(): Promise<void> {
    await this.control('train.cancel');
  }

  /** Forgets a finished run so the panel shows the form's model again. */
  dismiss(): void {
    if (!this.active) this.phase = null;
  }

  private async control(method: 'train.pause' | 'train.resume' | 'train.cancel'): Promise<void> {
    if (!this.runId) return;
    try {
      const result = await engine.call(method, { runId: this.runId });
      if ('paused' in result && this.phase !== 'ended') this.phase = result.paused ? 'paused' : 'running';
    } catch (error) {
      this.error = errorText(error);
    }
  }

  private reset(name: string, recipe: string, epochs: number): void {
    this.runId = null;
    this.modelId = null;
    this.name = name;
    this.recipe = recipe;
    this.epochs = epochs;
    this.progress = null;
    this.history = [];
    this.end = null;
    this.error = null;
    this.early = [];
    this.curves = new BatchCurves(epochs);
    this.curvesVersion += 1;
  }

  private receive(tagged: Tagged): void {
    const { runId } = tagged.payload;
    if (runId === this.runId) this.apply(tagged);
    else if (this.phase === 'starting' && this.runId === null) this.early.push(tagged);
    else if (!this.active && tagged.event === 'train.progress') this.adopt(tagged.payload);
  }

  /** The engine process died mid-run: the run is over, its completed epochs are on disk. */
  private lose(): void {
    if (!this.active) return;
    this.end = {
      runId: this.runId ?? '',
      modelId: this.modelId ?? '',
      status: 'failed',
      message: 'The engine stopped during training; every completed epoch is saved.',
      savedEpochs: this.history.length,
    };
    this.phase = 'ended';
  }

  /** A run started elsewhere (another window, or before a reload): follow it from here on. */
  private adopt(p: TrainProgress): void {
    this.reset(p.modelId, '', p.epochs);
    this.runId = p.runId;
    this.modelId = p.modelId;
    this.phase = 'running';
    this.apply({ event: 'train.progress', payload: p });
    engine.call('models.history', { id: p.modelId }).then(
      ({ history }) => {
        if (this.runId !== p.runId || this.history.length > 0) return;
        this.history = history.map((r) => ({ ...r, runId: p.runId, modelId: p.modelId, epochs: p.epochs }));
      },
      () => undefined // The model has no saved epoch yet: nothing to show.
    );
  }

  private apply(tagged: Tagged): void {
    switch (tagged.event) {
      case 'train.progress': {
        const p = tagged.payload;
        this.progress = p;
        this.epochs = p.epochs;
        this.curves.push(p.epoch - 1 + (p.batches > 0 ? p.batch / p.batches : 0), p.terms);
        this.curvesVersion += 1;
        break;
      }
      case 'train.epoch':
        this.history = [...this.history.filter((r) => r.epoch !== tagged.payload.epoch), tagged.payload];
        this.epochs = tagged.payload.epochs;
        // The model is saved at each epoch: show it in the library as soon as it exists.
        void library.refresh();
        break;
      case 'train.paused':
        if (this.phase !== 'ended') this.phase = tagged.payload.paused ? 'paused' : 'running';
        break;
      case 'train.end':
        this.end = tagged.payload;
        this.phase = 'ended';
        void library.refresh().then(() => {
          if (tagged.payload.savedEpochs > 0) library.open(tagged.payload.modelId);
        });
        break;
    }
  }
}

export const training = new TrainingRun();
