// Variational autoencoder (Kingma & Welling): q(z|x) = N(μ, σ²), z = μ + σ·ε, and the loss
// reconstruction + β·KL(q(z|x) ‖ N(0, I)), reported per sample.
import * as tf from '../backend/tf';
import type { RecipeInfo, TrainSettings } from '../../../shared/recipes';
import type { Autoencoder, LossResult, StepContext } from './autoencoder';
import { convDecoder, convEncoder } from './conv-nets';
import { bceSumPerSample, klDivergencePerSample, mseSumPerSample } from './losses';
import { denseParams, mlp } from './mlp';
import { dense } from '../nn/dense';
import { ParamStore } from './params';

/** z = μ + exp(½ log σ²) · ε, ε ~ N(0, I). */
export function reparameterize(mu: tf.Tensor2D, logVar: tf.Tensor2D, seed: number): tf.Tensor2D {
  return tf.tidy(() => mu.add(logVar.mul(0.5).exp().mul(tf.randomNormal(mu.shape, 0, 1, 'float32', seed))));
}

interface Posterior {
  mu: tf.Tensor2D;
  logVar: tf.Tensor2D;
}

export class VariationalAutoencoder implements Autoencoder {
  readonly family = 'vae' as const;
  readonly params: ParamStore;
  readonly latentDim: number;
  private readonly posterior: (x: tf.Tensor2D) => Posterior;
  /** Decoder output before the sigmoid (logits). */
  private readonly decoderLogits: (z: tf.Tensor2D) => tf.Tensor2D;
  /** vae-mlp-8 reconstructs with squared error; the others with binary cross-entropy. */
  private readonly reconstructionLoss: (logits: tf.Tensor2D, x: tf.Tensor2D) => tf.Tensor1D;

  constructor(
    readonly recipe: RecipeInfo,
    readonly settings: TrainSettings
  ) {
    this.params = new ParamStore(settings.seed);
    const latent = settings.latent;
    this.latentDim = latent;
    const store = this.params;
    switch (recipe.name) {
      case 'vae-mlp-8': {
        // 784→128→32→16, split into (μ, log σ²); decoder as ae-mlp-8.
        const encoder = mlp(store, 'encoder', [784, 128, 32, 2 * latent], 'relu', 'linear');
        this.posterior = (x) => {
          const [mu, logVar] = tf.split(encoder(x), 2, 1) as [tf.Tensor2D, tf.Tensor2D];
          return { mu, logVar };
        };
        this.decoderLogits = mlp(store, 'decoder', [latent, 32, 128, 784], 'relu', 'linear');
        this.reconstructionLoss = (logits, x) => mseSumPerSample(tf.sigmoid(logits), x);
        return;
      }
      case 'vae-conv-2': {
        const encoder = convEncoder(store, 'encoder', 16);
        const muHead = denseParams(store, 'encoder/mu', 16, latent, 'linear');
        const logVarHead = denseParams(store, 'encoder/logvar', 16, latent, 'linear');
        this.posterior = (x) => {
          const h = encoder(x);
          return { mu: dense(h, muHead.w as tf.Tensor2D, muHead.b as tf.Tensor1D, 'linear'), logVar: dense(h, logVarHead.w as tf.Tensor2D, logVarHead.b as tf.Tensor1D, 'linear') };
        };
        this.decoderLogits = convDecoder(store, 'decoder', latent);
        this.reconstructionLoss = bceSumPerSample;
        return;
      }
      default: {
        // vae-mlp-20: 784→400→(μ, log σ²); vae-mlp-2: 784→256→(μ, log σ²).
        const hidden = recipe.name === 'vae-mlp-2' ? 256 : 400;
        const trunk = mlp(store, 'encoder', [784, hidden], 'relu', 'relu');
        const muHead = denseParams(store, 'encoder/mu', hidden, latent, 'linear');
        const logVarHead = denseParams(store, 'encoder/logvar', hidden, latent, 'linear');
        this.posterior = (x) => {
          const h = trunk(x);
          return { mu: dense(h, muHead.w as tf.Tensor2D, muHead.b as tf.Tensor1D, 'linear'), logVar: dense(h, logVarHead.w as tf.Tensor2D, logVarHead.b as tf.Tensor1D, 'linear') };
        };
        this.decoderLogits = mlp(store, 'decoder', [latent, hidden, 784], 'relu', 'linear');
        this.reconstructionLoss = bceSumPerSample;
      }
    }
  }

  lossOn(x: tf.Tensor2D, ctx: StepContext): LossResult {
    const { mu, logVar } = this.posterior(x);
    const z = reparameterize(mu, logVar, ctx.nextSeed());
    const reconstruction = this.reconstructionLoss(this.decoderLogits(z), x);
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
    return tf.tidy(() => tf.sigmoid(this.decoderLogits(z)));
  }

  reconstruct(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.decode(this.encode(x)));
  }

  layers() {
    return this.params.layers;
  }
}
