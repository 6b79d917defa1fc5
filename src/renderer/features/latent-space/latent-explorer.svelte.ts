// The latent explorer's state: the model shown, its test-set encodings, and the probe (a full
// latent vector) with its decoded image. It outlives the view, so leaving and coming back finds the
// map as it was; while the model trains, each finished epoch re-encodes and re-decodes. A probe
// path can be recorded (every probe position with its time) and replayed at its own speed, or
// stepped through one point at a time.
import type { ModelSummary } from '../../../shared/contract';
import { MAX_PATH_MS, MAX_PATH_POINTS, type ProbePath } from '../../../shared/scene';
import { catalog } from '../../engine-client/catalog.svelte';
import { engine } from '../../engine-client/engine';
import { encodingOf, labelNames, loadEncodings, type Encodings } from './latent-encodings';
import { moveTo, project } from './latent-plane';
import { LatestWins } from '../../engine-client/latest-wins';
import { errorText } from '../../engine-client/notices.svelte';

/** Points encoded first, so the map is interactive at once; the rest follow in a second request. */
const FIRST_POINTS = 2000;
export const ALL_POINTS = 10_000;

interface DecodeRequest {
  id: string;
  z: number[];
}

class LatentExplorer {
  model = $state.raw<ModelSummary | null>(null);
  encodings = $state.raw<Encodings | null>(null);
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

  /** The dataset's class names; until its folder is described, the encodings' label numbers. */
  classes = $derived(catalog.dataset(this.model?.dataset ?? '')?.classes ?? labelNames(this.encodings?.labels ?? []));
  /** The probe on the plane the map shows. */
  probeCoords = $derived(this.encodings ? project(this.encodings.plane, this.probe) : ([this.probe[0] ?? 0, this.probe[1] ?? 0] as [number, number]));

  private readonly decoder = new LatestWins<DecodeRequest, { images: string[] }>(
    ({ id, z }) => engine.call('model.decode', { id, z: [z] }),
    ({ images }) => (this.decoded = images[0] ?? null),
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
    this.encodings = null;
    this.decoded = null;
    this.error = null;
    this.trainedEpoch = null;
    // A path in the old model's space means nothing in the new one's.
    this.stopPlaying();
    this.recording = false;
    this.path = null;
    this.pathStep = null;
    this.decoder.drop();
    this.setProbe(new Array(model.latent).fill(0));
    if (await this.load(FIRST_POINTS)) await this.load(ALL_POINTS);
  }

  /** The weights changed (training finished `epoch`): encode again, decode the probe again. */
  async refresh(epoch?: number): Promise<void> {
    this.version += 1;
    this.setProbe(this.probe);
    if ((await this.load(this.encodings?.count ?? ALL_POINTS)) && epoch !== undefined) this.trainedEpoch = Math.max(epoch, this.trainedEpoch ?? 0);
  }

  setProbe(z: number[]): void {
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

  /** Moves the probe to plane coordinates (u, v), within the plane through where it is. */
  moveProbe(u: number, v: number): void {
    this.setProbe(this.encodings ? moveTo(this.encodings.plane, this.probe, u, v) : [u, v]);
  }

  /** Jumps the probe to a test sample's encoding. */
  pick(index: number): void {
    if (this.encodings && index < this.encodings.count) this.setProbe(encodingOf(this.encodings, index));
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
      const first = this.encodings === null;
      this.encodings = encodings;
      // A wide latent's probe starts at the mean of the data, where the plane is centred.
      if (first && encodings.dims !== 2) this.setProbe(encodings.plane.origin);
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
