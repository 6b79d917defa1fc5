// The neighbour map (UMAP or t-SNE) of the shown model's test encodings, as the latent view draws
// it instead of the PCA plane. The engine fits it off the request path (model.neighbourMap) and
// reports progress as events; the fit can be cancelled; the finished map (cached in the engine per
// model version, method, count and seed) comes back as plane coordinates in the same order as the
// test images, so index i is test #i.
import type { NeighbourMethod } from '../../../shared/neighbour-map';
import { engine } from '../../engine-client/engine';
import { errorText } from '../../engine-client/notices.svelte';

/** One seed for every map the window asks for, so a map asked for again (or by a scene) is the same, and the engine's cached one. */
export const MAP_SEED = 1;

export type MapStatus = 'off' | 'running' | 'ready' | 'failed';

/** Which map: the model, the method and how many of its first test images. */
export interface MapRef {
  id: string;
  method: NeighbourMethod;
  limit: number;
}

/** The engine's name for this map (split and seed added). */
export function engineRef(ref: MapRef): MapRef & { split: 'test'; seed: number } {
  return { ...ref, split: 'test', seed: MAP_SEED };
}

class NeighbourMapView {
  status = $state<MapStatus>('off');
  /** Iterations done and their total while the fit runs (0 of 0 while the encodings are computed). */
  epoch = $state(0);
  epochs = $state(0);
  /** limit × 2 map coordinates once ready. */
  coords = $state.raw<Float32Array | null>(null);
  /** Each map point's class. */
  labels = $state.raw<Uint16Array | null>(null);
  error = $state<string | null>(null);
  /** The map this state is for; null when none is wanted. */
  ref = $state.raw<MapRef | null>(null);
  private jobId: string | null = null;

  constructor() {
    engine.on('neighbourMap.progress', ({ jobId, epoch, epochs }) => {
      if (jobId !== this.jobId) return;
      this.epoch = epoch;
      this.epochs = epochs;
    });
    engine.on('neighbourMap.end', ({ jobId, status, message }) => {
      if (jobId !== this.jobId) return;
      this.jobId = null;
      if (status === 'done') void this.fetch();
      else if (status === 'failed') [this.status, this.error] = ['failed', message];
      else this.status = 'off';
    });
  }

  /** Shows the map of `ref`: at once when the engine has it, else once its fit ends. */
  async show(ref: MapRef): Promise<void> {
    const same = this.ref?.id === ref.id && this.ref.method === ref.method && this.ref.limit === ref.limit;
    if (same && this.status !== 'failed' && this.status !== 'off') return;
    this.ref = ref;
    this.jobId = null;
    this.coords = this.labels = null;
    this.error = null;
    [this.status, this.epoch, this.epochs] = ['running', 0, 0];
    await this.fetch();
  }

  /** Stops the running fit (the engine drops it); the view goes back to the PCA plane. */
  async cancel(): Promise<void> {
    const jobId = this.jobId;
    this.forget();
    if (jobId) await engine.call('model.neighbourMapCancel', { jobId });
  }

  /** Forgets the map (another model is shown); a fit running in the engine still finishes and is cached there. */
  forget(): void {
    this.ref = null;
    this.jobId = null;
    this.coords = this.labels = null;
    this.status = 'off';
  }

  private async fetch(): Promise<void> {
    const ref = this.ref;
    if (!ref) return;
    try {
      const answer = await engine.call('model.neighbourMap', engineRef(ref));
      if (ref !== this.ref) return;
      if (answer.status === 'ready') {
        this.coords = Float32Array.from(answer.points);
        this.labels = Uint16Array.from(answer.labels);
        this.status = 'ready';
      } else {
        this.jobId = answer.jobId;
        [this.epoch, this.epochs] = [answer.epoch, answer.epochs];
      }
    } catch (error) {
      if (ref === this.ref) [this.status, this.error] = ['failed', errorText(error)];
    }
  }
}

export const neighbourMap = new NeighbourMapView();
