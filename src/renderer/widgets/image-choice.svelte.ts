// The image the inpainting, denoising and codebook views work on, shared by them: a test image by
// index or one drawn by hand. Moving between views keeps it, so one digit can be followed through
// all three models.
import { IMAGE_PIXELS } from '../../shared/contract';
import { base64ToBytes, bytesToBase64 } from '../../shared/image8';
import type { SceneImage } from '../../shared/scene';

class ImageChoice {
  source = $state<'test' | 'drawn'>('test');
  index = $state(0);
  /** The hand-drawn image, kept while the test set is browsed. */
  drawn = $state.raw<Uint8Array>(new Uint8Array(IMAGE_PIXELS));

  /** The choice as a scene keeps it: the test image's index, or the drawn image's pixels. */
  toScene(): SceneImage {
    return this.source === 'test' ? { source: 'test', index: this.index } : { source: 'drawn', pixels: bytesToBase64(this.drawn) };
  }

  /** Shows a scene's image (its schema has checked the index's range and the pixels' size). */
  fromScene(image: SceneImage): void {
    if (image.source === 'test') this.index = image.index;
    else this.drawn = base64ToBytes(image.pixels);
    this.source = image.source;
  }
}

export const imageChoice = new ImageChoice();
