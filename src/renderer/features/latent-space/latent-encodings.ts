// A model's test-set encodings as the latent views draw them: the full latent vectors (μ for a
// VAE), their labels, the plane they are shown on (the space itself for a 2-D latent, the PCA
// plane of the encodings otherwise) and each point's coordinates on that plane.
import type { ModelSummary } from '../../../shared/contract';
import { engine } from '../../engine-client/engine';
import { identityPlane, planeFromPca, projectAll, type LatentPlane } from './latent-plane';

export interface Encodings {
  modelId: string;
  dims: number;
  count: number;
  /** count × dims, row-major. */
  points: Float32Array;
  labels: Uint16Array;
  /** A dataset with known factors (the sprites): each point's level of every factor, count × factors row-major; else null. */
  factors: Uint8Array | null;
  plane: LatentPlane;
  /** count × 2 plane coordinates. */
  coords: Float32Array;
}

export async function loadEncodings(model: ModelSummary, limit: number): Promise<Encodings> {
  const [{ dims, points, labels, factors }, pca] = await Promise.all([
    engine.call('model.encode', { id: model.id, split: 'test', limit }),
    // A 2-D latent is its own plane; a wider one is shown on its main axes.
    model.latent !== 2 ? engine.call('model.pca', { id: model.id }) : null,
  ]);
  const plane = pca ? planeFromPca(pca) : identityPlane();
  const count = labels.length;
  const values = Float32Array.from(points);
  return {
    modelId: model.id,
    dims,
    count,
    points: values,
    labels: Uint16Array.from(labels),
    factors: factors ? Uint8Array.from(factors) : null,
    plane,
    coords: projectAll(plane, values, count),
  };
}

/**
 * The encodings with each point labelled by its level of factor `factor` (of `factorCount`), so
 * that the map's colours, legend, hover, filters and exports follow that factor; unchanged when
 * they carry no factors.
 */
export function colouredBy(encodings: Encodings, factor: number, factorCount: number): Encodings {
  const { factors, count } = encodings;
  if (!factors || factor >= factorCount || factors.length !== count * factorCount) return encodings;
  return { ...encodings, labels: Uint16Array.from({ length: count }, (_, i) => factors[i * factorCount + factor]!) };
}

/** Row `index` of the encodings as a latent vector. */
export function encodingOf(encodings: Encodings, index: number): number[] {
  return Array.from(encodings.points.subarray(index * encodings.dims, (index + 1) * encodings.dims));
}

/** Class names "0" … "max label": what labels are called while their dataset's own names are unknown. */
export function labelNames(labels: ArrayLike<number>): string[] {
  let top = -1;
  for (let i = 0; i < labels.length; i++) top = Math.max(top, labels[i]!);
  return Array.from({ length: top + 1 }, (_, c) => String(c));
}
