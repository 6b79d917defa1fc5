// The image the inpainting, denoising and codebook views work on, shared by them: a test image by
// index or one drawn by hand. Moving between views keeps it, so one digit can be followed through
// all three models.
import { IMAGE_PIXELS } from '../../shared/contract';

class ImageChoice {
  source = $state<'test' | 'drawn'>('test');
  index = $state(0);
  /** The hand-drawn image, kept while the test set is browsed. */
  drawn = $state.raw<Uint8Array>(new Uint8Array(IMAGE_PIXELS));
}

export const imageChoice = new ImageChoice();
