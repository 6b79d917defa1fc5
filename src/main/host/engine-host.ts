// The engine behind the contract: one object that answers every request in src/shared/contract.ts
// and emits its events. The CLI's `serve`, the Electron utility process and the tests all host
// this same object; it never knows which channel carries its messages.
import type { Method, Params, Result } from '../../shared/contract';
import { Requests } from '../../shared/contract';
import type { EventListener } from '../../shared/rpc';
import * as tf from '../engine/backend/tf';
import { RECIPES } from '../../shared/recipes';
import { initBackend } from '../engine/backend/backend';
import { datasetInfos, loadDataset } from '../engine/data/datasets';
import { UserError } from '../engine/errors';
import {
  codebookStats,
  codeUsers,
  decodeCodes,
  decodeGrid,
  decodePoints,
  denoise,
  encodeSet,
  imagesOf,
  inpaint,
  interpolate,
  pcaPlane,
  quantize,
  reconstructImages,
  samplePrior,
  setImages,
} from '../engine/explore/explore';
import { applyDirection, latentDirection } from '../engine/explore/directions';
import { vaePosteriorStats } from '../engine/explore/posterior-stats';
import { traverse } from '../engine/explore/traversal';
import { ModelLibrary, type MoveToTrash } from './model-library';
import { ModelCache } from './model-cache';
import type { Autoencoder } from '../engine/models/autoencoder';
import { readManifest, type LoadedModel } from '../engine/persistence/model-folder';
import { TrainingRuns } from './training-runs';
import { UmapMaps } from './umap-maps';
import { APP_VERSION } from '../engine/version';

export interface EngineHost {
  /** Parses `params` with the method's schema (UserError 'bad-request' when invalid), then answers. */
  call<M extends Method>(method: M, params: unknown): Promise<Result<M>>;
  onEvent(listener: EventListener): () => void;
  dispose(): Promise<void>;
}

export interface EngineOptions {
  /** Where the user's models live (created if missing). */
  modelsDir: string;
  /** Read-only bundled models (resources/models). */
  bundledDir: string;
  /** Backend override ('wasm', 'cpu', 'tensorflow', …); else LATENT_EXPLORER_BACKEND, else the first that loads. */
  backend?: string;
  /** How a deleted model goes to the OS trash: the `trash` package unless the host has its own (Electron's shell). */
  moveToTrash?: MoveToTrash;
}

/** Methods the engine answers; 'engine.restart' belongs to whoever supervises the engine process. */
type EngineMethod = Exclude<Method, 'engine.restart'>;
type Handlers = { [M in EngineMethod]: (params: Params<M>) => Promise<Result<M>> };

function parseParams<M extends Method>(method: M, params: unknown) {
  const schema = Requests[method];
  if (!schema) throw new UserError(`unknown method "${String(method)}"`, 'not-found');
  const parsed = schema.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'params';
    throw new UserError(`invalid parameters for ${method}: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data as Params<M>;
}

function hostFromHandlers(handlers: Handlers, listeners: Set<EventListener>, dispose: () => Promise<void>): EngineHost {
  return {
    async call(method, params) {
      if (!Object.hasOwn(handlers, method)) throw new UserError(`unknown method "${String(method)}"`, 'not-found');
      const handler = handlers[method as EngineMethod] as (p: unknown) => Promise<Result<typeof method>>;
      return handler(parseParams(method, params));
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose,
  };
}

/** Builds the engine: picks the backend, then answers the contract. */
export async function createEngineHost(options: EngineOptions): Promise<EngineHost> {
  const backend = await initBackend(options.backend);
  const listeners = new Set<EventListener>();
  const emit: EventListener = (event, payload) => {
    for (const listener of listeners) listener(event, payload);
  };
  const library = new ModelLibrary(options.modelsDir, options.bundledDir, options.moveToTrash);
  const models = new ModelCache(library);
  const runs = new TrainingRuns(library, backend.name, emit, (id) => models.forget(id));
  const umapMaps = new UmapMaps(emit);
  /** `f` with the model under a lease (see ModelCache), so that nothing frees it mid-request. */
  const withModel = <T>(id: string, f: (model: Autoencoder, loaded: LoadedModel) => T | Promise<T>) => models.use(id, (loaded) => f(loaded.model, loaded));
  const datasetOf = (loaded: LoadedModel) => loadDataset(loaded.manifest.dataset.ref);

  const handlers: Handlers = {
    'engine.info': async () => ({ version: APP_VERSION, backend, modelsDir: options.modelsDir }),
    'catalog.recipes': async () => [...RECIPES],
    'catalog.datasets': async () => datasetInfos(),
    'models.list': async () => library.list((message) => emit('engine.log', { level: 'warn', message })),
    'models.describe': ({ id }) =>
      withModel(id, (m, { manifest }) => {
        const { source, folder } = library.dirOf(id);
        return { summary: library.summary(source, folder), settings: manifest.settings, layers: m.layers(), totalParams: m.params.count };
      }),
    'models.rename': async ({ id, name }) => {
      runs.assertIdle(id);
      models.forget(id);
      return library.rename(id, name);
    },
    'models.delete': async ({ id }) => {
      runs.assertIdle(id);
      models.forget(id);
      return library.delete(id);
    },
    'models.history': async ({ id }) => ({ history: readManifest(library.dirOf(id).dir).history }),
    'train.start': (params) => runs.start(params),
    'train.pause': async ({ runId }) => ({ paused: runs.pause(runId) }),
    'train.resume': async ({ runId }) => ({ paused: runs.resume(runId) }),
    'train.cancel': async ({ runId }) => {
      runs.cancel(runId);
      return { cancelled: true };
    },
    'data.images': async ({ dataset, split, indices }) => {
      const set = (await loadDataset(dataset))[split];
      return tf.tidy(() => {
        const { x, labels } = setImages(set, indices);
        return { images: imagesOf(x), labels };
      });
    },
    'model.encode': ({ id, split, limit }) =>
      withModel(id, async (m, loaded) => encodeSet(m, (await datasetOf(loaded))[split], limit)),
    'model.decode': ({ id, z }) => withModel(id, (m) => ({ images: decodePoints(m, z) })),
    'model.grid': ({ id, n, mode, region, plane }) => withModel(id, (m) => decodeGrid(m, n, mode, region, plane)),
    'model.sample': ({ id, count, seed }) => withModel(id, (m) => samplePrior(m, count, seed)),
    'model.reconstruct': ({ id, split, indices }) =>
      withModel(id, async (m, loaded) => reconstructImages(m, (await datasetOf(loaded))[split], indices)),
    'model.interpolate': ({ id, from, to, steps, mode }) => withModel(id, (m) => interpolate(m, from, to, steps, mode)),
    'model.pca': ({ id }) => withModel(id, async (m, loaded) => pcaPlane(m, (await datasetOf(loaded)).test)),
    'model.posteriorStats': ({ id, split, limit }) =>
      withModel(id, async (m, loaded) => vaePosteriorStats(m, (await datasetOf(loaded))[split], limit)),
    'model.traverse': ({ id, z, dims, range, steps }) => withModel(id, (m) => traverse(m, z, dims, range, steps)),
    'model.direction': ({ id, split, from, to, limit }) =>
      withModel(id, async (m, loaded) => latentDirection(m, (await datasetOf(loaded))[split], from, to, limit)),
    'model.applyDirection': ({ id, z, direction, strengths }) => withModel(id, (m) => applyDirection(m, z, direction, strengths)),
    'model.umap': (params) => withModel(params.id, async (m, loaded) => umapMaps.request(m, loaded, (await datasetOf(loaded))[params.split], params)),
    'model.umapCancel': async ({ jobId }) => ({ cancelled: umapMaps.cancel(jobId) }),
    'model.umapInverse': (params) => withModel(params.id, (m, loaded) => umapMaps.inverse(m, loaded, params)),
    'model.inpaint': ({ id, image, mask }) => withModel(id, (m) => inpaint(m, image, mask)),
    'model.denoise': ({ id, image, sigma, seed }) => withModel(id, (m) => denoise(m, image, sigma, seed)),
    'model.quantize': ({ id, image }) => withModel(id, (m) => quantize(m, image)),
    'model.decodeCodes': ({ id, codes }) => withModel(id, (m) => ({ image: decodeCodes(m, codes) })),
    'model.codebook': ({ id, limit }) => withModel(id, async (m, loaded) => codebookStats(m, (await datasetOf(loaded)).test, limit)),
    'model.codeUsers': ({ id, code, count }) => withModel(id, async (m, loaded) => codeUsers(m, (await datasetOf(loaded)).test, code, count)),
  };
  return hostFromHandlers(handlers, listeners, async () => {
    await runs.cancelAll();
    umapMaps.cancelAll();
    models.clear();
    listeners.clear();
  });
}
