// Loss terms, named as in the papers. Per-sample terms return shape [B]; callers average them.
import * as tf from '../backend/tf';
import { bceWithLogitsPerSample } from '../nn/bce';
import { klToStandardNormal } from '../nn/gaussian-posterior';
import { meanSquaredError } from '../nn/mse';

/** Binary cross-entropy summed over pixels, from logits for stability (a fused kernel in nn/bce.ts). */
export const bceSumPerSample = bceWithLogitsPerSample;

/** Squared error summed over pixels: Σ (x̂ − x)². */
export function mseSumPerSample(xHat: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.sum(tf.squaredDifference(xHat, x), 1));
}

/** Mean squared error over every element (PyTorch's MSELoss with reduction 'mean'). */
export const mse = meanSquaredError;

/** KL(q(z|x) ‖ N(0, I)) = −½ Σ (1 + log σ² − μ² − σ²), summed over latent dimensions (one op in nn/gaussian-posterior.ts). */
export const klDivergencePerSample = klToStandardNormal;

/** MAE loss: MSE over all pixels of x̂·(1−m) against x·(1−m), so only hidden pixels (m = 0) count. */
export function maskedMse(xHat: tf.Tensor2D, x: tf.Tensor2D, visible: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const hidden = tf.onesLike(visible).sub(visible);
    return tf.mean(tf.squaredDifference(xHat.mul(hidden), x.mul(hidden)));
  });
}

/** sg[·]: the value passes, the gradient stops. */
export const stopGradient = tf.customGrad((...args) => ({
  value: (args[0] as tf.Tensor).clone(),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as unknown as <T extends tf.Tensor>(x: T) => T;

/** VQ-VAE codebook term ‖sg[z_e] − e‖²: moves the codebook toward the encoder outputs. */
export function codebookLoss(zE: tf.Tensor, e: tf.Tensor): tf.Scalar {
  return mse(stopGradient(zE), e);
}

/** VQ-VAE commitment term ‖z_e − sg[e]‖²: keeps the encoder close to its chosen codes (weighted by β). */
export function commitmentLoss(zE: tf.Tensor, e: tf.Tensor): tf.Scalar {
  return mse(zE, stopGradient(e));
}

/** Straight-through estimator: forward z_q = e, backward ∂L/∂z_e = ∂L/∂z_q. */
export function straightThrough(zE: tf.Tensor, e: tf.Tensor): tf.Tensor {
  return tf.tidy(() => zE.add(stopGradient(e.sub(zE))));
}
