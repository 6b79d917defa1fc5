// Variational autoencoder (Kingma & Welling): q(z|x) = N(μ, σ²), z = μ + σ·ε, and the loss
// −ELBO = reconstruction + β·KL(q(z|x) ‖ N(0, I)), reported per sample.
import * as tf from '../backend/tf';
import type { LayerSpec } from '../../../shared/network';
import type { RecipeInfo, TrainSettings } from '../../../shared/recipes';
import { reparameterizedSample } from '../nn/gaussian-posterior';
import type { Autoencoder, LossResult, StepContext } from './autoencoder';
import { bceSumPerSample, klDivergencePerSample, mseSumPerSample } from './losses';
import { buildNetwork, imagePixels, type Network } from './network';
import { ParamStore } from './params';

/** q(z|x) = N(μ, σ²), as its mean and log-variance [B, latent]. */
export interface Posterior {
  mu: tf.Tensor2D;
  logVar: tf.Tensor2D;
}

export class VariationalAutoencoder implements Autoencoder {
  readonly family = 'vae' as const;
  readonly pureLoss = true;
  readonly params: ParamStore;
  readonly latentDim: number;
  /** x [B, 784] in [0, 1] → q(z|x); tensors the caller disposes (or tidies). */
  readonly posterior: (x: tf.Tensor2D) => Posterior;
  /** z → the decoder's logits; p(x|z)'s mean is their sigmoid. */
  private readonly decoder: Network<tf.Tensor2D>;
  /** −log p(x|z) per sample: Bernoulli (BCE-sum) or Gaussian (squared-error sum), as the recipe says. */
  private readonly reconstructionLoss: (logits: tf.Tensor2D, x: tf.Tensor2D) => tf.Tensor1D;
  /** p(x|z) is Bernoulli (the recipe's reconstruction is BCE), so `logLikelihood` is a true log-probability. */
  readonly bernoulli: boolean;

  constructor(
    readonly recipe: RecipeInfo,
    readonly settings: TrainSettings
  ) {
    this.params = new ParamStore(settings.seed);
    this.latentDim = settings.latent;
    const { encoder: encoderSpec, posterior, decoder, reconstruction } = recipe.network;
    const build = (prefix: string, layers: LayerSpec[], inputShape: number[]) =>
      buildNetwork(this.params, prefix, layers, inputShape, recipe, settings) as Network<tf.Tensor2D>;
    const encoder = build('encoder', encoderSpec, [imagePixels(recipe.image)]);
    if (posterior === 'split') {
      this.posterior = (x) => {
        const [mu, logVar] = tf.split(encoder.forward(x), 2, 1) as [tf.Tensor2D, tf.Tensor2D];
        return { mu, logVar };
      };
    } else {
      const head = (name: string) => build('encoder', [{ kind: 'dense', name, units: 'latent', activation: 'linear' }], encoder.outputShape);
      const [muHead, logVarHead] = [head('mu'), head('logvar')];
      this.posterior = (x) => {
        const h = encoder.forward(x);
        return { mu: muHead.forward(h), logVar: logVarHead.forward(h) };
      };
    }
    this.decoder = build('decoder', decoder, [this.latentDim]);
    this.bernoulli = reconstruction === 'bce';
    this.reconstructionLoss = this.bernoulli ? bceSumPerSample : (logits, x) => mseSumPerSample(tf.sigmoid(logits), x);
  }

  lossOn(x: tf.Tensor2D, ctx: StepContext): LossResult {
    const { mu, logVar } = this.posterior(x);
    // z = μ + exp(½ log σ²)·ε with ε ~ N(0, I): one op (nn/gaussian-posterior.ts).
    const z = reparameterizedSample(mu, logVar, ctx.draw((seed) => tf.randomNormal(mu.shape, 0, 1, 'float32', seed)));
    const reconstruction = this.reconstructionLoss(this.decoder.forward(z), x);
    const kl = klDivergencePerSample(mu, logVar);
    const perSample = reconstruction.add(kl.mul(this.settings.klWeight));
    return {
      objective: tf.sum(perSample), // the reference sums over the batch
      loss: tf.mean(perSample),
      terms: { reconstruction: tf.mean(reconstruction), kl: tf.mean(kl) },
    };
  }

  encode(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.posterior(x).mu);
  }

  decode(z: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.sigmoid(this.decoder.forward(z)));
  }

  /**
   * log p(x|z) per row [B] in nats, for z [B, latent] and x [B, 784]: −BCE summed over pixels, a
   * true log-probability only for binary x and a Bernoulli decoder (see `bernoulli`).
   */
  logLikelihood(z: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => this.reconstructionLoss(this.decoder.forward(z), x).neg());
  }

  reconstruct(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.decode(this.encode(x)));
  }

  layers() {
    return this.params.layers;
  }
}
