// The size of a part for a view that asks for many images of a large shape a part at a time (a
// 32×32 manifold of 64×64 RGB images; see inParts in src/shared/answer-size.ts): as many as fit in
// one answer of the model's images.
import { itemsPerAnswer } from '../../shared/answer-size';
import { MAX_IMAGES_PER_REQUEST } from '../../shared/contract';
import { MNIST_SHAPE, type ImageShape } from '../../shared/network';
import { library } from './library.svelte';

/** Library model `id`'s images and latent width (28×28 gray and 512, the widest, for a model the library does not list yet). */
function modelShapes(id: string): { image: ImageShape; latent: number } {
  return library.models.find((m) => m.id === id) ?? { image: MNIST_SHAPE, latent: 512 };
}

/**
 * How many items fit in one answer of model `id`, each carrying `images` images, `numbers`
 * numbers and `latents` latent codes (at most MAX_IMAGES_PER_REQUEST).
 */
export function partSize(id: string, { images = 1, numbers = 0, latents = 0 } = {}): number {
  const { image, latent } = modelShapes(id);
  return Math.min(MAX_IMAGES_PER_REQUEST, itemsPerAnswer(image, images, numbers + latents * latent));
}
