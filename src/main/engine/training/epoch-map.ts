// What a training run records after each epoch so that the latent map can later move across
// training: the 2-D positions of a fixed subset of the test set (the first EPOCH_MAP_IMAGES).
// A 2-D latent is its own map. A wider latent is projected onto that epoch's own PCA plane (the
// plane the latent view shows for the model, `explore.pcaPlane`), its axes' signs flipped where
// needed to agree with the previous epoch's: PCA axes have no sign of their own, and a map that
// mirrors itself between frames would hide the movement the animation is for. (The final plane
// applied to every epoch would need every epoch's full latents kept: d times the bytes.)
import type { EpochMaps } from '../../../shared/contract';
import { takeFirst, type ImageSet } from '../data/datasets';
import { encodeSet, principalPlane } from '../explore/explore';
import type { Autoencoder } from '../models/autoencoder';

/** Test images whose positions are recorded per epoch: the latent view's default map size. */
export const EPOCH_MAP_IMAGES = 2000;

function dot(a: number[], b: number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** Records one map per epoch of a run; `maps()` is everything recorded so far. */
export class EpochMapRecorder {
  private readonly set: ImageSet;
  private readonly epochs: number[] = [];
  private readonly positions: number[] = [];
  private axes: number[][] | null = null;
  private projection: EpochMaps['projection'] = 'latent';

  /** `test`: the run's test set; its first EPOCH_MAP_IMAGES images (fewer if it is smaller) are mapped. */
  constructor(test: ImageSet) {
    this.set = takeFirst(test, Math.min(EPOCH_MAP_IMAGES, test.count));
  }

  /** Encodes the subset with `model` as it is after `epoch` and keeps its 2-D positions (2 floats per image). */
  async record(model: Autoencoder, epoch: number): Promise<void> {
    const { dims, points } = await encodeSet(model, this.set, this.set.count);
    const n = this.set.count;
    if (dims === 2) {
      for (const value of points) this.positions.push(value);
    } else {
      this.projection = 'pca';
      const plane = principalPlane(Float32Array.from(points), n, dims);
      const axes = plane.axes.map((axis, k) => (this.axes && dot(axis, this.axes[k]!) < 0 ? axis.map((v) => -v) : axis));
      this.axes = axes;
      for (let i = 0; i < n; i++) {
        const z = points.slice(i * dims, (i + 1) * dims).map((v, j) => v - plane.mean[j]!);
        this.positions.push(dot(z, axes[0]!), dot(z, axes[1]!));
      }
    }
    this.epochs.push(epoch);
  }

  /** The maps recorded so far, positions epoch-major ([epochs × images × 2]). */
  maps(): EpochMaps {
    return { epochs: [...this.epochs], labels: Array.from(this.set.labels), projection: this.projection, positions: Float32Array.from(this.positions) };
  }
}
