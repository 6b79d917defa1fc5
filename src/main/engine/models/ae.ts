// Plain, denoising and dropout autoencoders: one network x → z → x̂, differing only in what the
// encoder sees while training (x, clip(x + σε), or x with dropout inside). The masked autoencoder
// (mae.ts) is this network with its own loss.
import * as tf from '../backend/tf';
import type { RecipeInfo, TrainSettings } from '../../../shared/recipes';
import { fromModelRange, toModelRange, type Autoencoder, type LossResult, type StepContext } from './autoencoder';
import { bceSumPerSample, mse } from './losses';
import { buildNetwork, imagePixels, type Network } from './network';
import { ParamStore } from './params';

/** DAE corruption: x + noise (N(0, σ²) draws, x's shape), clipped back to the data range [0, 1]. */
export function addNoise(x: tf.Tensor2D, noise: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => x.add(noise).clipByValue(0, 1) as tf.Tensor2D);
}

export class PlainAutoencoder implements Autoencoder {
  readonly family;
  readonly pureLoss = true;
  readonly params: ParamStore;
  readonly latentDim: number;
  protected readonly encoder: Network<tf.Tensor2D>;
  protected readonly decoder: Network<tf.Tensor2D>;
  /** A BCE recipe (ae-mlp-2, the AE half of "AE vs VAE") sums BCE per sample like its VAE, so the decoder emits logits. */
  private readonly usesBce: boolean;

  constructor(
    readonly recipe: RecipeInfo,
    readonly settings: TrainSettings
  ) {
    this.family = recipe.family;
    this.params = new ParamStore(settings.seed);
    const { encoder, decoder, reconstruction } = recipe.network;
    this.encoder = buildNetwork(this.params, 'encoder', encoder, [imagePixels(recipe.image)], recipe, settings) as Network<tf.Tensor2D>;
    this.latentDim = this.encoder.outputShape[0]!;
    this.decoder = buildNetwork(this.params, 'decoder', decoder, this.encoder.outputShape, recipe, settings) as Network<tf.Tensor2D>;
    this.usesBce = reconstruction === 'bce';
  }

  /** The decoder's output in the model's own range (logits for the BCE recipe). */
  private forward(input: tf.Tensor2D, ctx: StepContext): tf.Tensor2D {
    return this.decoder.forward(this.encoder.forward(input, ctx), ctx);
  }

  lossOn(x: tf.Tensor2D, ctx: StepContext): LossResult {
    const target = toModelRange(this.recipe, x);
    // The DAE's loss is on noisy inputs in training and test alike (seeded in test).
    const input = this.family === 'dae' ? addNoise(x, ctx.draw((seed) => tf.randomNormal(x.shape, 0, this.settings.noiseSigma, 'float32', seed))) : x;
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
    return tf.tidy(() => this.encoder.forward(toModelRange(this.recipe, x)));
  }

  decode(z: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const out = this.decoder.forward(z);
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
