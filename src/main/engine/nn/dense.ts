// A fully connected layer, y = act(x·W + b), with a backward pass built for the wasm backend.
//
// tfjs's automatic gradient of x·W multiplies with transposeA/transposeB set, which the wasm
// backend runs in a plain C++ loop about 12× slower than its XNNPACK path (taken only for
// untransposed operands). Here every product is untransposed: the transposes are done explicitly
// (cheap next to the product) and each input's gradient is computed only when the tape asks for
// it, so the first layer never pays for the gradient of the data.
import * as tf from '@tensorflow/tfjs-core';
// Every model trains through this layer or conv.ts, so they bring tfjs's gradients along.
import './gradients';
import { transpose2d } from './transpose';

export type Activation = 'linear' | 'relu' | 'sigmoid';

const KERNEL = 'LatentExplorerDense';

interface DenseAttrs {
  activation: Activation;
}

/**
 * The forward pass as a kernel made of ordinary ops (run untaped, like customGrad's forward), so
 * that its gradient can be registered with lazily evaluated per-input functions.
 */
function forward({ inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }): tf.Tensor {
  const { x, w, b } = inputs as { x: tf.Tensor2D; w: tf.Tensor2D; b: tf.Tensor1D };
  const { activation } = attrs as unknown as DenseAttrs;
  const [batch, inSize] = x.shape;
  const outSize = w.shape[1];
  return tf.tidy(() => {
    // The fused kernel itself: tf.fused.matMul would split ReLU off while a gradient is recorded.
    // wasm's fused matmul ignores sigmoid, so that one runs apart.
    const z = tf.engine().runKernel<tf.Tensor3D>(
      tf._FusedMatMul,
      { a: tf.reshape(x, [1, batch, inSize]), b: tf.reshape(w, [1, inSize, outSize]), bias: b },
      { transposeA: false, transposeB: false, activation: activation === 'relu' ? 'relu' : 'linear' }
    );
    const y = tf.reshape(z, [batch, outSize]);
    return activation === 'sigmoid' ? tf.sigmoid(y) : y;
  });
}

/** dL/dz from dL/dy and the layer's output y = act(z). */
function preActivationGrad(dy: tf.Tensor2D, y: tf.Tensor2D, activation: Activation): tf.Tensor2D {
  switch (activation) {
    case 'linear':
      return dy;
    case 'relu':
      return tf.mul(dy, tf.step(y));
    case 'sigmoid':
      return tf.mul(dy, tf.mul(y, tf.sub(1, y)));
  }
}

tf.registerGradient({
  kernelName: KERNEL,
  inputsToSave: ['x', 'w'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [x, w, y] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    // Computed once, inside the tape's backward scope, shared by the three gradients.
    const dz = preActivationGrad(dy as tf.Tensor2D, y, (attrs as unknown as DenseAttrs).activation);
    return {
      x: () => tf.matMul(dz, transpose2d(w)),
      w: () => tf.matMul(transpose2d(x), dz),
      b: () => tf.sum(dz, 0),
    };
  },
});

function ensureKernel(): void {
  const backendName = tf.getBackend();
  if (!tf.getKernel(KERNEL, backendName)) tf.registerKernel({ kernelName: KERNEL, backendName, kernelFunc: forward });
}

/** act(x·W + b) for x [batch, in], W [in, out] (the saved-weights layout), b [out]. */
export function dense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, activation: Activation): tf.Tensor2D {
  ensureKernel();
  const attrs: DenseAttrs = { activation };
  return tf.engine().runKernel(KERNEL, { x, w, b }, attrs as unknown as tf.NamedAttrMap);
}
