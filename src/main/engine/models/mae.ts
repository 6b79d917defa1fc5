// Masked autoencoder: the AE network fed x·m, scored only on the pixels the mask hid.
import * as tf from '../backend/tf';
import type { RecipeInfo, TrainSettings } from '../../../shared/recipes';
import type { Autoencoder, LossResult, StepContext } from './autoencoder';
import { maskedMse } from './losses';
import { sampleMask } from './masks';
import { mlp } from './mlp';
import { mlpNet } from './nets';
import { ParamStore } from './params';

export class MaskedAutoencoder implements Autoencoder {
  readonly family = 'mae' as const;
  readonly params: ParamStore;
  readonly latentDim: number;
  private readonly encoder: (x: tf.Tensor2D) => tf.Tensor2D;
  private readonly decoder: (z: tf.Tensor2D) => tf.Tensor2D;

  constructor(
    readonly recipe: RecipeInfo,
    readonly settings: TrainSettings
  ) {
    this.params = new ParamStore(settings.seed);
    const net = mlpNet(recipe.name, settings.latent);
    this.latentDim = settings.latent;
    this.encoder = mlp(this.params, 'encoder', net.encoder, 'relu', 'linear');
    this.decoder = mlp(this.params, 'decoder', net.decoder, 'relu', net.output);
  }

  lossOn(x: tf.Tensor2D, ctx: StepContext): LossResult {
    const visible = sampleMask(this.settings.maskKind, x.shape[0], this.settings.maskRatio, ctx.nextSeed());
    const xHat = this.decoder(this.encoder(x.mul(visible)));
    const loss = maskedMse(xHat, x, visible);
    return { objective: loss, loss, terms: { maskedMse: loss } };
  }

  /** The network's guess for every pixel given only the visible ones (1 = visible). */
  predictMasked(x: tf.Tensor2D, visible: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.decoder(this.encoder(x.mul(visible))));
  }

  /** Inpainting: visible pixels exactly as given, hidden ones from the network. */
  inpaint(x: tf.Tensor2D, visible: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.where(tf.cast(visible, 'bool'), x, this.predictMasked(x, visible)));
  }

  encode(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.encoder(x));
  }

  decode(z: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.decoder(z));
  }

  reconstruct(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.decode(this.encode(x)));
  }

  layers() {
    return this.params.layers;
  }
}
