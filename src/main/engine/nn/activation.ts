// The activations a layer can end with, and their derivatives from the layer's output.
import * as tf from '../backend/tf';
import { activationGrad, onTensorFlow } from './tensorflow-ops';

export type Activation = 'linear' | 'relu' | 'sigmoid';

/**
 * The activation to fuse into a matmul/conv kernel. wasm's fused kernels clamp for ReLU but
 * silently skip sigmoid, so sigmoid is applied apart (see applyUnfused).
 */
export function fusedPart(activation: Activation): 'linear' | 'relu' {
  return activation === 'relu' ? 'relu' : 'linear';
}

export function applyUnfused<T extends tf.Tensor>(z: T, activation: Activation): T {
  return activation === 'sigmoid' ? tf.sigmoid(z) : z;
}

/** dL/dz from dL/dy and the layer's output y = act(z); one op on TensorFlow's backend. */
export function preActivationGrad<T extends tf.Tensor>(dy: T, y: T, activation: Activation): T {
  if (activation !== 'linear' && onTensorFlow()) return activationGrad(dy, y, activation);
  switch (activation) {
    case 'linear':
      return dy;
    case 'relu':
      return tf.mul(dy, tf.step(y));
    case 'sigmoid':
      return tf.mul(dy, tf.mul(y, tf.sub(1, y)));
  }
}
