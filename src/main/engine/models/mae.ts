// Masked autoencoder: the AE network fed x·m, scored only on the pixels the mask hid.
import * as tf from '../backend/tf';
import { PlainAutoencoder } from './ae';
import type { LossResult, StepContext } from './autoencoder';
import { maskedMse } from './losses';
import { sampleMask } from './masks';

export class MaskedAutoencoder extends PlainAutoencoder {
  /** x̂ = dec(enc(x·m)): the network's guess for every pixel from the visible ones (m = 1 visible). */
  private forwardMasked(x: tf.Tensor2D, visible: tf.Tensor2D): tf.Tensor2D {
    return this.decoder.forward(this.encoder.forward(x.mul(visible)));
  }

  lossOn(x: tf.Tensor2D, ctx: StepContext): LossResult {
    const visible = ctx.draw((seed) => sampleMask(this.settings.maskKind, x.shape[0], this.settings.maskRatio, seed, this.recipe.image));
    const loss = maskedMse(this.forwardMasked(x, visible), x, visible);
    return { objective: loss, loss, terms: { maskedMse: loss } };
  }

  /** The network's guess for every pixel given only the visible ones (1 = visible). */
  predictMasked(x: tf.Tensor2D, visible: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.forwardMasked(x, visible));
  }

  /** Inpainting: visible pixels exactly as given, hidden ones from the network. */
  inpaint(x: tf.Tensor2D, visible: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.where(tf.cast(visible, 'bool'), x, this.predictMasked(x, visible)));
  }
}
