// The latent explorer's state: the model shown, its test-set encodings, and the probe (a full
// latent vector) with its decoded image. It outlives the view, so leaving and coming back finds the
// map as it was; while the model trains, each finished epoch re-encodes and re-decodes.
import type { ModelSummary } from '../../../shared/contract';
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
