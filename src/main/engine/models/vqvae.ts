// VQ-VAE (van den Oord et al., 2017): the encoder's 7×7 map of vectors z_e is replaced by the
// nearest codebook entries e_k, gradients pass straight through to z_e, and the loss is
// reconstruction + ‖sg[z_e] − e‖² + β‖z_e − sg[e]‖².
import * as tf from '../backend/tf';
import type { RecipeInfo, TrainSettings } from '../../../shared/recipes';
import type { Autoencoder, LossResult, StepContext } from './autoencoder';
import { codebookLoss, commitmentLoss, mse, straightThrough } from './losses';
import { buildNetwork, imagePixels, type Network } from './network';
import { ParamStore } from './params';
import { codebookLookup, nearestCode } from '../nn/codebook';
import { linearWeightInit } from '../nn/init';
import { makeRng } from '../random';

/** How often each of `size` codes occurs in `codes`. */
export function countCodes(codes: ArrayLike<number>, size: number): number[] {
  const counts = new Array<number>(size).fill(0);
  for (let i = 0; i < codes.length; i++) counts[codes[i]!]!++;
  return counts;
}

/** Perplexity exp(H(usage)) and the number of codes never used. */
export function usageStats(counts: ArrayLike<number>): { perplexity: number; deadCodes: number } {
  const all = Array.from(counts);
  const total = all.reduce((a, b) => a + b, 0);
  const entropy = all.reduce((h, c) => (c > 0 ? h - (c / total) * Math.log(c / total) : h), 0);
  return { perplexity: Math.exp(entropy), deadCodes: all.filter((c) => c === 0).length };
}

export class VqVae implements Autoencoder {
  readonly family = 'vqvae' as const;
  readonly params: ParamStore;
  readonly latentDim: number;
  readonly codebook: tf.Variable;
  /** x → z_e, a map [B, height, width, codeDim] of code vectors. */
  private readonly encoder: Network<tf.Tensor4D>;
  /** z_q (the same map, quantised) → x̂ [B, pixels] in [0, 1]. */
  private readonly decoder: Network<tf.Tensor2D>;
  /** The code map's height and width (7×7 for 28×28 images, 8×8 for 32×32, 16×16 for 64×64). */
  readonly mapSize: [number, number];
  /**
   * Code counts over the current training epoch, kept on the backend and read once at the epoch's
   * end (not every step), and recent encoder outputs for dead-code restarts.
   */
  private epochCounts: tf.Tensor1D | null = null;
  private recentZe: tf.Tensor2D | null = null;
  private lastStats: Record<string, number> = {};

  constructor(
    readonly recipe: RecipeInfo,
    readonly settings: TrainSettings
  ) {
    this.params = new ParamStore(settings.seed);
    const { encoder, decoder } = recipe.network;
    this.encoder = buildNetwork(this.params, 'encoder', encoder, [imagePixels(recipe.image)], recipe, settings) as Network<tf.Tensor4D>;
    const mapShape = this.encoder.outputShape;
    this.mapSize = [mapShape[0]!, mapShape[1]!];
    this.latentDim = mapShape.reduce((n, d) => n * d, 1);
    this.codebook = this.params.create('codebook', [settings.codebookSize, settings.codeDim], linearWeightInit);
    this.params.describe('codebook', mapShape, [this.codebook]);
    this.decoder = buildNetwork(this.params, 'decoder', decoder, mapShape, recipe, settings) as Network<tf.Tensor2D>;
  }

  /** k = argmin_j ‖z_e − e_j‖² for each row of z_e [N, D]. */
  nearestCodes(zE: tf.Tensor2D): tf.Tensor1D {
    return nearestCode(zE, this.codebook as tf.Tensor2D);
  }

  /** e_k for each code [N] → [N, D]. */
  lookup(codes: tf.Tensor1D): tf.Tensor2D {
    return codebookLookup(this.codebook as tf.Tensor2D, codes);
  }

  private flat(z: tf.Tensor4D): tf.Tensor2D {
    return z.reshape([-1, this.settings.codeDim]);
  }

  private mapShape(rows: tf.Tensor2D, batch: number): tf.Tensor4D {
    return rows.reshape([batch, ...this.mapSize, this.settings.codeDim]);
  }

  lossOn(x: tf.Tensor2D, ctx: StepContext): LossResult {
    const batch = x.shape[0];
    const zE = this.flat(this.encoder.forward(x));
    const codes = this.nearestCodes(zE);
    if (ctx.training) this.recordUsage(codes, zE);
    const e = this.lookup(codes);
    const xHat = this.decoder.forward(this.mapShape(straightThrough(zE, e) as tf.Tensor2D, batch));
    const reconstruction = mse(xHat, x);
    const codebook = codebookLoss(zE, e);
    const commitment = commitmentLoss(zE, e);
    const loss = reconstruction.add(codebook).add(commitment.mul(this.settings.commitment)) as tf.Scalar;
    return { objective: loss, loss, terms: { reconstruction, codebook, commitment } };
  }

  private recordUsage(codes: tf.Tensor1D, zE: tf.Tensor2D): void {
    const counts = tf.bincount(codes, tf.tensor1d([], 'float32'), this.settings.codebookSize);
    const total = this.epochCounts ? tf.add(this.epochCounts, counts) : counts;
    this.epochCounts?.dispose();
    this.epochCounts = tf.keep(total) as tf.Tensor1D;
    this.recentZe?.dispose();
    this.recentZe = tf.keep(zE.clone());
  }

  /**
   * End of a training epoch: report perplexity and codes in use, and restart dead codes at
   * random recent encoder outputs, so the codebook does not collapse onto a few entries.
   */
  afterEpoch(ctx: StepContext): void {
    const counts = this.epochCounts ? Float64Array.from(this.epochCounts.dataSync()) : new Float64Array(this.settings.codebookSize);
    this.epochCounts?.dispose();
    this.epochCounts = null;
    const { perplexity, deadCodes } = usageStats(counts);
    this.lastStats = { perplexity, codesInUse: this.settings.codebookSize - deadCodes };
    const dead = [...counts.keys()].filter((k) => counts[k] === 0);
    if (dead.length > 0 && this.recentZe) {
      const book = this.codebook.arraySync() as number[][];
      const recent = this.recentZe.arraySync() as number[][];
      const rng = makeRng(ctx.nextSeed());
      for (const k of dead) book[k] = recent[Math.floor(rng() * recent.length)]!;
      const value = tf.tensor2d(book);
      this.codebook.assign(value);
      value.dispose();
    }
  }

  afterTraining(): void {
    this.recentZe?.dispose();
    this.recentZe = null;
    this.epochCounts?.dispose();
    this.epochCounts = null;
  }

  epochStats(): Record<string, number> {
    return this.lastStats;
  }

  /** Code map [B, cells] of integer codes (cells = the map's height·width: 7·7 = 49 for 28×28 images). */
  quantize(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.nearestCodes(this.flat(this.encoder.forward(x))).reshape([x.shape[0], this.mapSize[0] * this.mapSize[1]]));
  }

  /** Images decoded from code maps [B, cells]. */
  decodeCodes(codes: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.decoder.forward(this.mapShape(this.lookup(codes.reshape([-1]) as tf.Tensor1D), codes.shape[0])));
  }

  encode(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.encoder.forward(x).reshape([x.shape[0], this.latentDim]));
  }

  decode(z: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const zE = z.reshape([-1, this.settings.codeDim]) as tf.Tensor2D;
      return this.decoder.forward(this.mapShape(this.lookup(this.nearestCodes(zE)), z.shape[0]));
    });
  }

  reconstruct(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.decodeCodes(this.quantize(x)));
  }

  layers() {
    return this.params.layers;
  }
}
