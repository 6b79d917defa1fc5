// Neighbour maps (UMAP, t-SNE) of models' encodings, computed off the request path: a request
// starts the fit (or finds it running, or done) and returns at once; the fit reports progress as
// events, can be cancelled, and its result is kept per model version, method, split, image count
// and seed.
import { randomUUID } from 'node:crypto';
import type { Params, Result } from '../../shared/contract';
import { METHOD_NAMES } from '../../shared/neighbour-map';
import type { EventListener } from '../../shared/rpc';
import type { ImageSet } from '../engine/data/datasets';
import { UserError } from '../engine/errors';
import { decodePoints, encodeSet } from '../engine/explore/explore';
import { fitNeighbourMap, inverseNeighbourMap } from '../engine/explore/neighbour-map';
import type { Autoencoder } from '../engine/models/autoencoder';
import type { LoadedModel } from '../engine/persistence/model-folder';

interface NeighbourMap {
  embedding: number[][];
  latents: number[][];
  labels: number[];
}

interface RunningFit {
  jobId: string;
  epoch: number;
  epochs: number;
  controller: AbortController;
}

/** Maps kept at once: each holds its latents and map points (10,000 × (latent + 2) numbers at most). */
const MAX_MAPS = 8;

/** One map per model version (its manifest's updatedAt), method, split, image count and seed. */
function mapKey(loaded: LoadedModel, { id, method, split, limit, seed }: Params<'model.neighbourMap'>): string {
  return [id, loaded.manifest.updatedAt, method, split, limit, seed].join('|');
}

export class NeighbourMaps {
  private readonly maps = new Map<string, NeighbourMap>();
  private readonly running = new Map<string, RunningFit>();

  constructor(private readonly emit: EventListener) {}

  /** The map of this model version, method, split, count and seed: points when done, else the running (or just started) fit. */
  request(model: Autoencoder, loaded: LoadedModel, set: ImageSet, params: Params<'model.neighbourMap'>): Result<'model.neighbourMap'> {
    const key = mapKey(loaded, params);
    const map = this.maps.get(key);
    if (map) return { status: 'ready', points: map.embedding.flat(), labels: map.labels };
    const fit = this.running.get(key) ?? this.start(key, params, encodeSet(model, set, params.limit));
    return { status: 'running', jobId: fit.jobId, epoch: fit.epoch, epochs: fit.epochs };
  }

  /** Starts a fit as soon as asked (so a second request joins it); it runs once the encodings are in. */
  private start(key: string, { id: modelId, method, seed }: Params<'model.neighbourMap'>, encodings: ReturnType<typeof encodeSet>): RunningFit {
    const fit: RunningFit = { jobId: randomUUID(), epoch: 0, epochs: 0, controller: new AbortController() };
    this.running.set(key, fit);
    const onProgress = (epoch: number, epochs: number) => {
      Object.assign(fit, { epoch, epochs });
      this.emit('neighbourMap.progress', { jobId: fit.jobId, modelId, method, epoch, epochs });
    };
    encodings
      .then(async ({ dims, points, labels }) => {
        const latents = Array.from({ length: labels.length }, (_, i) => points.slice(i * dims, (i + 1) * dims));
        return { embedding: await fitNeighbourMap(method, latents, { seed, onProgress, signal: fit.controller.signal }), latents, labels };
      })
      .then(
        (map) => {
          this.running.delete(key);
          if (this.maps.size >= MAX_MAPS) this.maps.delete(this.maps.keys().next().value!);
          this.maps.set(key, map);
          this.emit('neighbourMap.end', { jobId: fit.jobId, modelId, method, status: 'done', message: `mapped ${map.labels.length} encodings` });
        },
        (error: Error) => {
          this.running.delete(key);
          this.emit('neighbourMap.end', { jobId: fit.jobId, modelId, method, status: fit.controller.signal.aborted ? 'cancelled' : 'failed', message: error.message });
        }
      );
    return fit;
  }

  cancel(jobId: string): boolean {
    const fit = [...this.running.values()].find((f) => f.jobId === jobId);
    fit?.controller.abort();
    return fit !== undefined;
  }

  /** A point of a finished map → a latent (the documented inverse in engine/explore/neighbour-map.ts), decoded. */
  async inverse(model: Autoencoder, loaded: LoadedModel, { point, ...params }: Params<'model.neighbourMapInverse'>): Promise<Result<'model.neighbourMapInverse'>> {
    const map = this.maps.get(mapKey(loaded, params));
    if (!map) throw new UserError(`this ${METHOD_NAMES[params.method]} map is not computed yet: request it with model.neighbourMap first`, 'conflict');
    const inverse = inverseNeighbourMap(point, map.embedding, map.latents);
    return { ...inverse, image: (await decodePoints(model, [inverse.z]))[0]! };
  }

  cancelAll(): void {
    for (const fit of this.running.values()) fit.controller.abort();
  }
}
