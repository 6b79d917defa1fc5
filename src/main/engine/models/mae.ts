// Masked autoencoder: the AE network fed x·m, scored only on the pixels the mask hid.
import * as tf from '../backend/tf';
import type { RecipeInfo, TrainSettings } from '../../../shared/recipes';
import type { Autoencoder, LossResult, StepContext } from './autoencoder';
import { maskedMse } from './losses';
import { sampleMask } from './masks';
import { buildNetwork, imagePixels, type Network } from './network';
import { ParamStore } from './params';

export class MaskedAutoencoder implements Autoencoder {
  readonly family = 'mae' as const;
  readonly params: ParamStore;
  readonly latentDim: number;
  private readonly encoder: Network<tf.Tensor2D>;
  private readonly decoder: Network<tf.Tensor2D>;

  constructor(
    readonly recipe: RecipeInfo,
    readonly settings: TrainSettings
  ) {
    this.params = new ParamStore(settings.seed);
    const { encoder, decoder } = recipe.network;
    this.encoder = buildNetwork(this.params, 'encoder', encoder, [imagePixels(recipe.image)], recipe, settings) as Network<tf.Tensor2D>;
    this.latentDim = this.encoder.outputShape[0]!;
    this.decoder = buildNetwork(this.params, 'decoder', decoder, this.encoder.outputShape, recipe, settings) as Network<tf.Tensor2D>;
  }

  /** x̂ = dec(enc(x·m)): the network's guess for every pixel from the visible ones (m = 1 visible). */
  private forward(x: tf.Tensor2D, visible: tf.Tensor2D): tf.Tensor2D {
    return this.decoder.forward(this.encoder.forward(x.mul(visible)));
  }

  lossOn(x: tf.Tensor2D, ctx: StepContext): LossResult {
    const visible = sampleMask(this.settings.maskKind, x.shape[0], this.settings.maskRatio, ctx.nextSeed());
    const loss = maskedMse(this.forward(x, visible), x, visible);
    return { objective: loss, loss, terms: { maskedMse: loss } };
  }

  /** The network's guess for every pixel given only the visible ones (1 = visible). */
  predictMasked(x: tf.Tensor2D, visible: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.forward(x, visible));
  }

  /** Inpainting: visible pixels exactly as given, hidden ones from the network. */
  inpaint(x: tf.Tensor2D, visible: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.where(tf.cast(visible, 'bool'), x, this.predictMasked(x, visible)));
  }

  encode(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.encoder.forward(x));
  }

  decode(z: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.decoder.forward(z));
  }

  reconstruct(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.decode(this.encode(x)));
  }

  layers() {
    return this.params.layers;
  }
}
