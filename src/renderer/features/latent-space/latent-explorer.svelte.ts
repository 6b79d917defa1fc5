// The latent explorer's state: the model shown, its test-set encodings, and the probe (a full
// latent vector) with its decoded image. It outlives the view, so leaving and coming back finds the
// map as it was; while the model trains, each finished epoch re-encodes and re-decodes. A probe
// path can be recorded (every probe position with its time) and replayed at its own speed, or
// stepped through one point at a time. On a neighbour map (UMAP, t-SNE) the probe is a point of
// that map, turned into a latent by the engine's inverse.
import { classColor } from '../../../shared/class-colors';
import type { ModelSummary, Params, Result } from '../../../shared/contract';
import { isNeighbourMethod, MAP_POINT_CHOICES, METHOD_NAMES, type NeighbourMethod } from '../../../shared/neighbour-map';
import { MAX_PATH_MS, MAX_PATH_POINTS, type ProbePath } from '../../../shared/scene';
import { catalog } from '../../engine-client/catalog.svelte';
import { engine } from '../../engine-client/engine';
import { colouredBy, encodingOf, labelNames, loadEncodings, type Encodings } from './latent-encodings';
import { axisPlane, identityPlane, moveTo, probeOffOrigin, project, projectAll } from './latent-plane';
import { LatestWins } from '../../engine-client/latest-wins';
import { errorText } from '../../engine-client/notices.svelte';
import { engineRef, neighbourMap } from './neighbour-map-view.svelte';

/** Points encoded first, so the map is interactive at once; the rest follow in a second request. */
const FIRST_POINTS = 2000;
export const ALL_POINTS = 10_000;

interface DecodeRequest {
  id: string;
  z: number[];
}

/** The kinds of map: the plane (PCA, or the space itself for 2-D), two chosen dimensions, or a neighbour map. */
export type MapKind = 'plane' | 'axes' | NeighbourMethod;

/** The probe on a neighbour map: where it sits there, the sample projected nearest, and how far (latent units) the decoded latent lies from that sample's. */
export interface MapProbe {
  point: [number, number];
  nearest: number;
  latentDistance: number;
  /** From the point to where its latent maps back, in map units. */
  mapResidual: number;
}

/** Index of the row of `points` (count × dims) nearest to z (Euclidean). */
function nearestRow(points: Float32Array, dims: number, count: number, z: number[]): number {
  let best = 0;
  let bestD2 = Infinity;
  for (let i = 0; i < count; i++) {
    let d2 = 0;
    for (let d = 0; d < dims; d++) d2 += (points[i * dims + d]! - z[d]!) ** 2;
    if (d2 < bestD2) [best, bestD2] = [i, d2];
  }
  return best;
}

class LatentExplorer {
  model = $state.raw<ModelSummary | null>(null);
  /** The test-set encodings as the engine sent them (labelled by class). */
  private loaded = $state.raw<Encodings | null>(null);
  /** For a dataset with known factors: the factor the map is coloured by (its index; 0 = the first, the label). */
  colourBy = $state(0);
  loading = $state(false);
  error = $state<string | null>(null);
  /** The probe: a point of the full latent space. */
  probe = $state.raw<number[]>([0, 0]);
  /** The probe's decoded image (Image8), null until the first decode returns. */
  decoded = $state.raw<string | null>(null);
  /** Bumped whenever the model's weights may have changed (an epoch trained), so decodings are redone. */
  version = $state(0);
  /** The training epoch whose encodings the map shows, while the model trains in this session. */
  trainedEpoch = $state<number | null>(null);
  /** The recorded (or opened) probe path, null when there is none. */
  path = $state.raw<ProbePath | null>(null);
  recording = $state(false);
  playing = $state(false);
  /** The path point the probe was last put on by a replay or a step; null when it has not been. */
  pathStep = $state<number | null>(null);

  /**
   * The map shown: the plane (PCA for a wide latent, the space itself for 2-D), the plane of two
   * chosen latent dimensions, or the UMAP or t-SNE map of a wide latent.
   */
  mapKind = $state<MapKind>('plane');
  /** The latent dimensions (u, v) the 'axes' map shows, chosen in the Dimensions tool. */
  axes = $state.raw<[number, number]>([0, 1]);
  /** How many test images each neighbour map covers. */
  mapPoints = $state<Record<NeighbourMethod, number>>({ umap: MAP_POINT_CHOICES.umap[0]!, tsne: MAP_POINT_CHOICES.tsne[0]! });
  /** Where the probe sits on the neighbour map when it was put there on the map; null when set otherwise. */
  mapProbe = $state.raw<MapProbe | null>(null);

  /** The factors of variation the model's dataset carries (the sprites), else null. */
  factors = $derived(catalog.dataset(this.model?.dataset ?? '')?.factors ?? null);
  /** The encodings as the map shows them: labelled by the chosen factor when the dataset has factors. */
  encodings = $derived(this.loaded && this.factors ? colouredBy(this.loaded, this.colourBy, this.factors.length) : this.loaded);
  /** The dataset's class names (what the engine's labels index); until its folder is described, the label numbers. */
  datasetClasses = $derived(catalog.dataset(this.model?.dataset ?? '')?.classes ?? labelNames(this.loaded?.labels ?? []));
  /** The names of the labels the map shows: the chosen factor's levels, else the dataset's classes. */
  classes = $derived(this.factors && this.loaded?.factors ? (this.factors[this.colourBy]?.levels ?? []) : this.datasetClasses);
  /** The map's colour per label: a colour factor's own colours, else the class palette. */
  classColors = $derived.by(() => {
    const own = this.factors && this.loaded?.factors ? this.factors[this.colourBy]?.colors : undefined;
    return this.classes.map((_, c) => own?.[c] ?? classColor(c));
  });
  /** The plane the map shows when it is no neighbour map. */
  plane = $derived(this.encodings ? (this.mapKind === 'axes' ? axisPlane(this.encodings.dims, ...this.axes) : this.encodings.plane) : identityPlane());
  /** The encodings' coordinates on that plane (count × 2). */
  planeCoords = $derived(
    this.encodings ? (this.mapKind === 'axes' ? projectAll(this.plane, this.encodings.points, this.encodings.count) : this.encodings.coords) : null
  );
  /** The neighbour map shown when it is finished (UMAP or t-SNE), else null. */
  onMap = $derived<NeighbourMethod | null>(
    isNeighbourMethod(this.mapKind) && neighbourMap.status === 'ready' && neighbourMap.coords !== null && neighbourMap.ref?.method === this.mapKind ? this.mapKind : null
  );
  /** The probe on the map shown; on a neighbour map, a probe set off the map sits on its nearest encoding's point. */
  probeCoords = $derived.by((): [number, number] => {
    if (this.onMap && this.encodings) {
      if (this.mapProbe) return this.mapProbe.point;
      const coords = neighbourMap.coords!;
      const i = nearestRow(this.encodings.points, this.encodings.dims, Math.min(this.encodings.count, coords.length / 2), this.probe);
      return [coords[i * 2]!, coords[i * 2 + 1]!];
    }
    return this.encodings ? project(this.plane, this.probe) : [this.probe[0] ?? 0, this.probe[1] ?? 0];
  });
  /** Names of the map's two axes. */
  axisNames = $derived.by((): [string, string] => (this.onMap ? [`${METHOD_NAMES[this.onMap]} 1`, `${METHOD_NAMES[this.onMap]} 2`] : this.planeAxisNames));
  /** The axes of the latent plane (what grids decode over), also while a neighbour map is shown. */
  planeAxisNames = $derived.by((): [string, string] => {
    if (this.mapKind === 'axes') return [`z${this.axes[0] + 1}`, `z${this.axes[1] + 1}`];
    return (this.encodings?.dims ?? 2) === 2 ? ['z₁', 'z₂'] : ['PC1', 'PC2'];
  });

  private readonly decoder = new LatestWins<DecodeRequest, { images: string[] }>(
    ({ id, z }) => engine.call('model.decode', { id, z: [z] }),
    ({ images }) => (this.decoded = images[0] ?? null),
    (error) => (this.error = errorText(error))
  );
  private readonly inverter = new LatestWins<Params<'model.neighbourMapInverse'>, Result<'model.neighbourMapInverse'>>(
    (ask) => engine.call('model.neighbourMapInverse', ask),
    ({ z, image, nearest, latentDistance, mapResidual }, { point }) => {
      this.decoder.drop();
      this.probe = z;
      this.decoded = image;
      this.mapProbe = { point, nearest, latentDistance, mapResidual };
    },
    (error) => (this.error = errorText(error))
  );
  private loadToken = 0;
  private recordStart = 0;
  private recorded: { t: number; z: number[] }[] = [];
  private replayTimers: ReturnType<typeof setTimeout>[] = [];

  constructor() {
    engine.on('train.epoch', (epoch) => {
      if (epoch.modelId === this.model?.id) void this.refresh(epoch.epoch);
    });
  }

  /** Shows `model` (a fresh summary of the open one just replaces it). */
  async open(model: ModelSummary): Promise<void> {
    if (this.model?.id === model.id) {
      this.model = model;
      return;
    }
    this.model = model;
    this.loaded = null;
    this.colourBy = 0;
    this.decoded = null;
    this.error = null;
    this.trainedEpoch = null;
    // A path in the old model's space means nothing in the new one's.
    this.stopPlaying();
    this.recording = false;
    this.path = null;
    this.pathStep = null;
    this.decoder.drop();
    this.inverter.drop();
    this.mapKind = 'plane';
    this.axes = [0, 1];
    neighbourMap.forget();
    this.setProbe(new Array(model.latent).fill(0));
    if (await this.load(FIRST_POINTS)) await this.load(ALL_POINTS);
  }

  /** The weights changed (training finished `epoch`): encode again (and fit the neighbour map shown again), decode the probe again. */
  async refresh(epoch?: number): Promise<void> {
    this.version += 1;
    this.setProbe(this.probe);
    // The engine keeps neighbour maps per model version: a map shown is fitted again for the new weights.
    const mapRef = neighbourMap.ref;
    if (mapRef) {
      neighbourMap.forget();
      void neighbourMap.show(mapRef);
    }
    if ((await this.load(this.encodings?.count ?? ALL_POINTS)) && epoch !== undefined) this.trainedEpoch = Math.max(epoch, this.trainedEpoch ?? 0);
  }

  /** Sets the probe to latent z (off the neighbour map's inverse: it then sits on its nearest encoding's point there). */
  setProbe(z: number[]): void {
    this.inverter.drop();
    this.mapProbe = null;
    this.probe = z;
    if (this.model) this.decoder.push({ id: this.model.id, z });
    if (this.recording) this.record(z);
  }

  /** Starts recording the probe's moves from where it is now (a replay in progress stops). */
  startRecording(): void {
    this.stopPlaying();
    this.recordStart = performance.now();
    this.recorded = [{ t: 0, z: this.probe }];
    this.recording = true;
  }

  /** Ends the recording; it becomes the path (a recording of one point, the probe never moved, keeps the old path). */
  stopRecording(): void {
    if (!this.recording) return;
    this.recording = false;
    if (this.recorded.length > 1) {
      this.path = this.recorded;
      this.pathStep = null;
    }
    this.recorded = [];
  }

  private record(z: number[]): void {
    const t = Math.round(performance.now() - this.recordStart);
    this.recorded.push({ t, z });
    // A recording stops by itself where a scene could no longer hold it.
    if (this.recorded.length >= MAX_PATH_POINTS || t >= MAX_PATH_MS) this.stopRecording();
  }

  /** A path from a scene (checked by its schema), shown but not yet replayed. */
  loadPath(path: ProbePath | null): void {
    this.stopPlaying();
    this.stopRecording();
    this.path = path;
    this.pathStep = null;
  }

  /** Replays the path at the speed it was recorded: each point is put on the probe at its time. */
  play(): void {
    const path = this.path;
    if (!path || this.recording) return;
    this.stopPlaying();
    this.playing = true;
    this.replayTimers = path.map((point, i) =>
      setTimeout(() => {
        this.pathStep = i;
        this.setProbe(point.z);
        if (i === path.length - 1) this.playing = false;
      }, point.t)
    );
  }

  stopPlaying(): void {
    this.replayTimers.forEach(clearTimeout);
    this.replayTimers = [];
    this.playing = false;
  }

  /** Puts the probe on the path's next (+1) or previous (−1) point: stepping through a path by hand. */
  step(delta: 1 | -1): void {
    const path = this.path;
    if (!path || this.recording) return;
    this.stopPlaying();
    const at = Math.max(0, Math.min(path.length - 1, this.pathStep === null ? (delta > 0 ? 0 : path.length - 1) : this.pathStep + delta));
    this.pathStep = at;
    this.setProbe(path[at]!.z);
  }

  /**
   * Moves the probe to map coordinates (u, v): on the plane, within the plane through where it is;
   * on a neighbour map, to the latent the engine's inverse gives for that point (decoded there too).
   */
  moveProbe(u: number, v: number): void {
    const ref = neighbourMap.ref;
    if (this.onMap && ref) {
      // The probe follows the pointer at once; its latent, image and distance when the engine answers.
      this.mapProbe = { nearest: -1, latentDistance: NaN, mapResidual: NaN, ...this.mapProbe, point: [u, v] };
      this.inverter.push({ ...engineRef(ref), point: [u, v] });
      return;
    }
    this.setProbe(this.encodings ? moveTo(this.plane, this.probe, u, v) : [u, v]);
  }

  /** Shows latent dimension d along the map's u (which = 0) or v (1) axis; the other axis keeps its dimension unless it is d (they swap). */
  useAxis(which: 0 | 1, d: number): void {
    const axes: [number, number] = this.mapKind === 'axes' ? [...this.axes] : [0, 1];
    if (axes[1 - which] === d) axes[1 - which] = axes[which];
    axes[which] = d;
    this.axes = axes;
    this.mapKind = 'axes';
  }

  /** Jumps the probe to a test sample's encoding (on a neighbour map, to that sample's point). */
  pick(index: number): void {
    if (!this.encodings || index >= this.encodings.count) return;
    this.setProbe(encodingOf(this.encodings, index));
    const coords = neighbourMap.coords;
    if (this.onMap && coords && index * 2 < coords.length) this.mapProbe = { point: [coords[index * 2]!, coords[index * 2 + 1]!], nearest: index, latentDistance: 0, mapResidual: 0 };
  }

  /**
   * The labels of a neighbour map's points (the first test images, in order) as the map is coloured:
   * by the chosen factor when the dataset has factors, else as the engine labelled them.
   */
  mapLabels(labels: Uint16Array | null): Uint16Array | null {
    const shown = this.encodings;
    if (!labels || !this.factors || !shown?.factors || labels.length > shown.count) return labels;
    return shown.labels.subarray(0, labels.length);
  }

  /** Resolves true when these encodings are now shown (not overtaken by another model or load). */
  private async load(limit: number): Promise<boolean> {
    const model = this.model;
    if (!model) return false;
    const token = ++this.loadToken;
    this.loading = true;
    try {
      const encodings = await loadEncodings(model, limit);
      if (token !== this.loadToken) return false;
      const first = this.loaded === null;
      this.loaded = encodings;
      // A wide latent's probe starts at the mean of the data, where the plane is centred; a 2-D one
      // left at the origin moves onto the map when the origin is off it.
      const offOrigin = encodings.dims === 2 && this.probe.every((x) => x === 0) ? probeOffOrigin(encodings.points, encodings.count) : null;
      if (first && encodings.dims !== 2) this.setProbe(encodings.plane.origin);
      else if (first && offOrigin) this.setProbe(offOrigin);
      return true;
    } catch (error) {
      if (token === this.loadToken) this.error = errorText(error);
      return false;
    } finally {
      if (token === this.loadToken) this.loading = false;
    }
  }
}

export const explorer = new LatentExplorer();
