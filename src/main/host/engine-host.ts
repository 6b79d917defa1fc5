// The engine behind the contract: one object that answers every request in src/shared/contract.ts
// and emits its events. The CLI's `serve`, the Electron utility process and the tests all host
// this same object; it never knows which channel carries its messages.
import type { Method, Params, Result } from '../../shared/contract';
import { MAX_MESSAGE_CHARS, Requests } from '../../shared/contract';
import { imageChars, itemsPerAnswer, NUMBER_CHARS } from '../../shared/answer-size';
import type { ImageShape } from '../../shared/network';
import { shapeText } from '../engine/data/image-folder';
import type { EventListener } from '../../shared/rpc';
import * as tf from '../engine/backend/tf';
import { bytesToBase64 } from '../../shared/image8';
import { METHOD_NAMES } from '../../shared/neighbour-map';
import { RECIPES } from '../../shared/recipes';
import { initBackend, isBackendFault } from '../engine/backend/backend';
import { chooseCached, EXPLORE_WORK } from '../engine/backend/fastest';
import { useFastestBackendFor } from '../engine/training/calibrate';
import { datasetInfos, requireShape } from '../engine/data/datasets';
import { DatasetLoads } from './dataset-loads';
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
import { importOnnxModel } from '../engine/imported/import-onnx';
import { applyDirection, latentDirection } from '../engine/explore/directions';
import { binarizedChunk, importanceWeightedNll } from '../engine/explore/likelihood';
import { samplePosteriors, vaePosteriorStats } from '../engine/explore/posterior-stats';
import { modelFactorScores } from '../engine/explore/factor-scores';
import { traverse } from '../engine/explore/traversal';
import { ModelLibrary, type MoveToTrash } from './model-library';
import { ModelCache } from './model-cache';
import type { Autoencoder } from '../engine/models/autoencoder';
import { readEpochMaps } from '../engine/persistence/epoch-maps';
import { readLibraryManifest, type OpenedModel } from '../engine/persistence/library-model';
import { pytorchSafetensors } from '../engine/persistence/pytorch-export';
import { TrainingRuns } from './training-runs';
import { NeighbourMaps } from './neighbour-maps';
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
  /** Backend override ('gpu', 'node', 'wasm', 'cpu'); else LATENT_EXPLORER_BACKEND, else measured (see createEngineHost). */
  backend?: string;
  /** How a deleted model goes to the OS trash: the `trash` package unless the host has its own (Electron's shell). */
  moveToTrash?: MoveToTrash;
  /**
   * Called after a request failed inside the compute backend (isBackendFault), once its caller
   * has been told; the engine process exits here so that its supervisor starts a fresh one.
   */
  onBackendFault?: () => void;
}

/**
 * Refuses, before any work, an answer of `count` items (each `imagesEach` images of `shape` and
 * `numbersEach` numbers) that would exceed the message limit: a 'too-large' UserError naming how
 * many items of that kind (`unit`) fit, so that the caller asks in parts.
 */
function requireAnswerFits(method: Method, count: number, unit: string, shape: ImageShape, imagesEach = 1, numbersEach = 0): void {
  const fits = itemsPerAnswer(shape, imagesEach, numbersEach);
  if (count <= fits) return;
  const each = imagesEach * imageChars(shape) + numbersEach * NUMBER_CHARS;
  throw new UserError(
    `${method}: ${count} ${unit} of ${shapeText(shape)} images would take about ${(count * each).toLocaleString('en-US')} characters, over one answer's limit of ${MAX_MESSAGE_CHARS.toLocaleString('en-US')}; ask for at most ${fits} ${unit} at a time`,
    'too-large'
  );
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

function hostFromHandlers(handlers: Handlers, listeners: Set<EventListener>, dispose: () => Promise<void>, onBackendFault?: () => void): EngineHost {
  return {
    async call(method, params) {
      if (!Object.hasOwn(handlers, method)) throw new UserError(`unknown method "${String(method)}"`, 'not-found');
      const handler = handlers[method as EngineMethod] as (p: unknown) => Promise<Result<typeof method>>;
      try {
        return await handler(parseParams(method, params));
      } catch (error) {
        if (!isBackendFault(error)) throw error;
        const next = onBackendFault ? 'the engine restarts itself: try again in a moment' : 'restart the engine to continue';
        // Told after this answer has gone out, so the caller learns what happened before the engine stops.
        if (onBackendFault) setImmediate(onBackendFault);
        throw new UserError(`${method} failed inside the compute backend (${(error as Error).message}); ${next}; models saved so far are kept`, 'unavailable');
      }
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose,
  };
}

/**
 * Builds the engine: picks the backend, then answers the contract. The explorer's requests run on
 * the backend measured fastest at decoding (`latent-explorer bench`'s cached figures), else on the
 * lightest (wasm), so TensorFlow's ~2 s library load is paid only where it wins; a training run
 * switches to the fastest for its recipe (calibrated, cached) and back when it ends.
 */
export async function createEngineHost(options: EngineOptions): Promise<EngineHost> {
  await initBackend(options.backend);
  await chooseCached(EXPLORE_WORK);
  const listeners = new Set<EventListener>();
  const emit: EventListener = (event, payload) => {
    for (const listener of listeners) listener(event, payload);
  };
  const library = new ModelLibrary(options.modelsDir, options.bundledDir, options.moveToTrash);
  const models = new ModelCache(library);
  const datasets = new DatasetLoads(emit);
  const runs = new TrainingRuns(
    library,
    emit,
    (id) => models.forget(id),
    {
      forRun: (recipe, settings) => useFastestBackendFor(recipe, settings),
      afterRun: () => chooseCached(EXPLORE_WORK),
    },
    (ref) => datasets.load(ref)
  );
  const neighbourMaps = new NeighbourMaps(emit);
  /** `f` with the model under a lease (see ModelCache), so that nothing frees it mid-request. */
  const withModel = <T>(id: string, f: (opened: OpenedModel) => T | Promise<T>) => models.use(id, f);
  /** `f` with a model trained here: the family-specific tools need its layers, not only encode and decode. */
  const withTrained = <T>(id: string, what: string, f: (model: Autoencoder, opened: Extract<OpenedModel, { kind: 'trained' }>) => T | Promise<T>) =>
    models.use(id, (opened) => {
      if (opened.kind === 'imported') throw new UserError(`${what} needs a model trained here; ${id} was imported from ONNX (an encoder and a decoder)`);
      return f(opened.model, opened);
    });
  const datasetOf = async (opened: OpenedModel) => {
    const dataset = await datasets.forModel(opened.manifest.dataset);
    requireShape(dataset, opened.latent.image, `model ${opened.manifest.name}`);
    return dataset;
  };

  const handlers: Handlers = {
    'engine.info': async () => ({ version: APP_VERSION, backend: await initBackend(), modelsDir: options.modelsDir }),
    'catalog.recipes': async () => [...RECIPES],
    'catalog.datasets': async () => datasetInfos(),
    'models.list': async () => library.list((message) => emit('engine.log', { level: 'warn', message })),
    'models.describe': ({ id }) =>
      withTrained(id, 'describing layers', (m, { manifest }) => {
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
    'models.history': async ({ id }) => {
      const manifest = readLibraryManifest(library.dirOf(id).dir);
      return { history: manifest.kind === 'imported' ? [] : manifest.history }; // trained elsewhere: no epochs here
    },
    'models.locateDataset': async ({ id, dataset }) => {
      runs.assertIdle(id);
      const summary = await library.locateDataset(id, dataset);
      models.forget(id);
      return summary;
    },
    'models.import': async ({ name, dataset, range, outputs, encoder, decoder }) => {
      const upload = ({ fileName, data }: { fileName: string; data: string }) => ({ source: fileName, bytes: Buffer.from(data, 'base64') });
      const dir = library.newModelDir(name);
      await importOnnxModel({ encoder: upload(encoder), decoder: upload(decoder), dataset: () => datasets.load(dataset), datasetRef: dataset, name, range, outputs }, dir);
      return library.summary('user', name);
    },
    'models.export': ({ id }) =>
      withTrained(id, 'export to PyTorch', (m) => {
        const fileName = `${library.dirOf(id).folder}.safetensors`;
        const { bytes, construct, module } = pytorchSafetensors(m, fileName);
        return { fileName, data: Buffer.from(bytes).toString('base64'), construct, ...(module ? { module } : {}) };
      }),
    'train.start': (params) => runs.start(params),
    'train.pause': async ({ runId }) => ({ paused: runs.pause(runId) }),
    'train.resume': async ({ runId }) => ({ paused: runs.resume(runId) }),
    'train.cancel': async ({ runId }) => {
      runs.cancel(runId);
      return { cancelled: true };
    },
    'data.describe': ({ dataset }) => datasets.describe(dataset),
    'data.cancel': async ({ dataset }) => ({ cancelled: datasets.cancel(dataset) }),
    'data.images': async ({ dataset, split, indices }) => {
      const set = (await datasets.load(dataset))[split];
      return tf.tidy(() => {
        const { x, labels } = setImages(set, indices);
        return { images: imagesOf(x), labels };
      });
    },
    'model.encode': ({ id, split, limit }) =>
      withModel(id, async (opened) => encodeSet(opened.latent, (await datasetOf(opened))[split], limit)),
    'model.decode': ({ id, z }) =>
      withModel(id, async ({ latent }) => {
        requireAnswerFits('model.decode', z.length, 'points', latent.image);
        return { images: await decodePoints(latent, z) };
      }),
    'model.grid': ({ id, n, mode, region, plane, rows = [0, n] }) =>
      withModel(id, ({ latent }) => {
        requireAnswerFits('model.grid', rows[1], 'rows', latent.image, n);
        return decodeGrid(latent, n, mode, region, plane, rows);
      }),
    'model.sample': ({ id, count, seed, offset }) =>
      withModel(id, ({ latent }) => {
        requireAnswerFits('model.sample', count, 'samples', latent.image, 1, latent.latentDim);
        return samplePrior(latent, count, seed, offset);
      }),
    'model.reconstruct': ({ id, split, indices }) =>
      withModel(id, async (opened) => {
        requireAnswerFits('model.reconstruct', indices.length, 'indices', opened.latent.image, 2);
        return reconstructImages(opened.latent, (await datasetOf(opened))[split], indices);
      }),
    'model.interpolate': ({ id, from, to, steps, mode }) => withModel(id, ({ latent }) => interpolate(latent, from, to, steps, mode)),
    'model.pca': ({ id }) => withModel(id, async (opened) => pcaPlane(opened.latent, (await datasetOf(opened)).test)),
    'model.epochMaps': async ({ id, first, count }) => {
      const maps = readEpochMaps(library.dirOf(id).dir);
      if (!maps) return null;
      const per = maps.labels.length * 2;
      const page = maps.positions.subarray(first * per, Math.min(maps.epochs.length, first + count) * per);
      const bytes = new Uint8Array(page.buffer, page.byteOffset, page.byteLength);
      return { total: maps.epochs.length, first, epochs: maps.epochs.slice(first, first + count), labels: maps.labels, projection: maps.projection, positions: bytesToBase64(bytes) };
    },
    'model.posteriorStats': ({ id, split, limit }) =>
      withTrained(id, 'posterior statistics', async (m, opened) => vaePosteriorStats(m, (await datasetOf(opened))[split], limit)),
    'model.factorScores': ({ id, split, limit }) =>
      withModel(id, async (opened) => {
        const dataset = await datasetOf(opened);
        return modelFactorScores(opened.latent, dataset, dataset[split], limit);
      }),
    'model.posterior': ({ id, split, indices }) =>
      withTrained(id, 'the posterior of a sample', async (m, opened) => samplePosteriors(m, (await datasetOf(opened))[split], indices)),
    'model.traverse': ({ id, z, dims, range, steps }) =>
      withTrained(id, 'traversals', (m) => {
        requireAnswerFits('model.traverse', dims.length, 'dimensions', m.recipe.image, steps, steps);
        return traverse(m, z, dims, range, steps);
      }),
    'model.direction': ({ id, split, from, to, limit }) =>
      withTrained(id, 'latent directions', async (m, opened) => latentDirection(m, (await datasetOf(opened))[split], from, to, limit)),
    'model.applyDirection': ({ id, z, direction, strengths }) => withTrained(id, 'latent directions', (m) => applyDirection(m, z, direction, strengths)),
    'model.neighbourMap': (params) => withTrained(params.id, `the ${METHOD_NAMES[params.method]} map`, async (m, opened) => neighbourMaps.request(m, opened, (await datasetOf(opened))[params.split], params)),
    'model.neighbourMapCancel': async ({ jobId }) => ({ cancelled: neighbourMaps.cancel(jobId) }),
    'model.neighbourMapInverse': (params) => withTrained(params.id, `the ${METHOD_NAMES[params.method]} map`, (m, opened) => neighbourMaps.inverse(m, opened, params)),
    // Each chunk draws its own importance samples (seed + offset), its pixels are the whole binarized set's.
    'model.nll': ({ id, offset, limit, samples, seed }) =>
      withTrained(id, 'the likelihood estimate', async (m, opened) =>
        importanceWeightedNll(m, binarizedChunk((await datasetOf(opened)).test, offset, limit, seed), samples, seed + offset)
      ),
    'model.inpaint': ({ id, image, mask }) => withTrained(id, 'inpainting', (m) => inpaint(m, image, mask)),
    'model.denoise': ({ id, image, sigma, seed }) => withModel(id, ({ latent }) => denoise(latent, image, sigma, seed)),
    'model.quantize': ({ id, image }) => withTrained(id, 'quantising', (m) => quantize(m, image)),
    'model.decodeCodes': ({ id, codes }) => withTrained(id, 'decoding a code map', (m) => ({ image: decodeCodes(m, codes) })),
    'model.codebook': ({ id, limit, tiles }) =>
      withTrained(id, 'the codebook view', async (m, opened) => {
        // Another family is refused by codebookStats itself, with what it needs.
        if (m.family === 'vqvae') requireAnswerFits('model.codebook', Math.min(tiles?.[1] ?? Infinity, m.settings.codebookSize - (tiles?.[0] ?? 0)), 'tiles', m.recipe.image);
        return codebookStats(m, (await datasetOf(opened)).test, limit, tiles);
      }),
    'model.codeUsers': ({ id, code, count }) => withTrained(id, 'finding code users', async (m, opened) => codeUsers(m, (await datasetOf(opened)).test, code, count)),
  };
  return hostFromHandlers(
    handlers,
    listeners,
    async () => {
      await runs.cancelAll();
      neighbourMaps.cancelAll();
      models.clear();
      listeners.clear();
    },
    options.onBackendFault
  );
}
