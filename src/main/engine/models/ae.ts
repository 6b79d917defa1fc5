// Plain, denoising and dropout autoencoders: one network x → z → x̂, differing only in what the
// encoder sees while training (x, clip(x + σε), or x with dropout inside).
import * as tf from '../backend/tf';
import type { RecipeInfo, TrainSettings } from '../../../shared/recipes';
import { fromModelRange, toModelRange, type Autoencoder, type LossResult, type StepContext } from './autoencoder';
import { bceSumPerSample, mse } from './losses';
import { mlp, normalInitFor } from './mlp';
import { mlpNet } from './nets';
import { ParamStore } from './params';

/** DAE corruption: x + N(0, σ²) noise, clipped back to the data range [0, 1]. */
export function addNoise(x: tf.Tensor2D, sigma: number, seed: number): tf.Tensor2D {
  return tf.tidy(() => x.add(tf.randomNormal(x.shape, 0, sigma, 'float32', seed)).clipByValue(0, 1) as tf.Tensor2D);
}

export class PlainAutoencoder implements Autoencoder {
  readonly family;
  readonly params: ParamStore;
  readonly latentDim: number;
  readonly encoder: (x: tf.Tensor2D, ctx?: StepContext) => tf.Tensor2D;
  private readonly decoder: (z: tf.Tensor2D, ctx?: StepContext) => tf.Tensor2D;
  /** ae-mlp-2 is the AE half of "AE vs VAE": same BCE-sum loss as vae-mlp-2, so the decoder emits logits. */
  private readonly usesBce: boolean;

  constructor(
    readonly recipe: RecipeInfo,
    readonly settings: TrainSettings
  ) {
    this.family = recipe.family;
    this.params = new ParamStore(settings.seed);
    const net = mlpNet(recipe.name, settings.latent);
    const options = {
      init: net.initStd ? normalInitFor(net.initStd) : undefined,
      dropoutRate: recipe.family === 'dropout-ae' ? settings.dropoutRate : 0,
    };
    this.latentDim = settings.latent;
    this.encoder = mlp(this.params, 'encoder', net.encoder, 'relu', 'linear', options);
    this.decoder = mlp(this.params, 'decoder', net.decoder, 'relu', net.output, options);
    this.usesBce = recipe.name === 'ae-mlp-2';
  }

  /** The decoder's output in the model's own range (logits for the BCE recipe). */
  private forward(input: tf.Tensor2D, ctx: StepContext): tf.Tensor2D {
    return this.decoder(this.encoder(input, ctx), ctx);
  }

  lossOn(x: tf.Tensor2D, ctx: StepContext): LossResult {
    const target = toModelRange(this.recipe, x);
    // The DAE's loss is on noisy inputs in training and test alike (seeded in test).
    const input = this.family === 'dae' ? addNoise(x, this.settings.noiseSigma, ctx.nextSeed()) : x;
    const out = this.forward(toModelRange(this.recipe, input), ctx);
    if (this.usesBce) {
      const perSample = bceSumPerSample(out, target);
      const loss = tf.mean(perSample) as tf.Scalar;
      return { objective: tf.sum(perSample) as tf.Scalar, loss, terms: { reconstruction: loss } };
    }
    const loss = mse(out, target);
    return { objective: loss, loss, terms: { reconstruction: loss } };
  }

  encode(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.encoder(toModelRange(this.recipe, x)));
  }

  decode(z: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const out = this.decoder(z);
      return fromModelRange(this.recipe, this.usesBce ? tf.sigmoid(out) : out);
    });
  }

  reconstruct(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.decode(this.encode(x)));
  }

  layers() {
    return this.params.layers;
  }
}
