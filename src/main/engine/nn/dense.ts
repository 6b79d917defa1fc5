// A fully connected layer, y = act(x·W + b), with a backward pass built for the wasm backend.
//
// tfjs's automatic gradient of x·W multiplies with transposeA/transposeB set, which the wasm
// backend runs in a plain C++ loop about 12× slower than its XNNPACK path (taken only for
// untransposed operands). Here every product is untransposed: the transposes are done explicitly
// (cheap next to the product), and the data's gradient is never computed for a first layer.
import * as tf from '../tf';
import { applyUnfused, fusedPart, preActivationGrad, type Activation } from './activation';
import { defineOp } from './custom-op';
import { transpose2d } from './transpose';

export type { Activation } from './activation';

/** Σ over rows of a [rows, cols] matrix: summing along rows is ~4× faster on wasm than down columns. */
export function sumRows(dz: tf.Tensor2D): tf.Tensor1D {
  return tf.sum(transpose2d(dz), 1);
}

const denseOp = defineOp<{ activation: Activation }>({
  name: 'LatentExplorerDense',
  inputsToSave: ['x', 'w'],
  forward: (inputs, { activation }) => {
    const { x, w, b } = inputs as { x: tf.Tensor2D; w: tf.Tensor2D; b: tf.Tensor1D };
    const [batch, inSize] = x.shape;
    const outSize = w.shape[1];
    // The fused kernel itself: tf.fused.matMul would split ReLU off while a gradient is recorded.
    const z = tf.engine().runKernel<tf.Tensor3D>(
      tf._FusedMatMul,
      { a: tf.reshape(x, [1, batch, inSize]), b: tf.reshape(w, [1, inSize, outSize]), bias: b },
      { transposeA: false, transposeB: false, activation: fusedPart(activation) }
    );
    return applyUnfused(tf.reshape(z, [batch, outSize]), activation);
  },
  gradient: (dy, saved, { activation }) => {
    const [x, w, y] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const dz = preActivationGrad(dy as tf.Tensor2D, y, activation);
    return {
      x: () => tf.matMul(dz, transpose2d(w)),
      w: () => tf.matMul(transpose2d(x), dz),
      b: () => sumRows(dz),
    };
  },
});

/** act(x·W + b) for x [batch, in], W [in, out] (the saved-weights layout), b [out]. */
export function dense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, activation: Activation): tf.Tensor2D {
  return denseOp({ x, w, b }, { activation }) as tf.Tensor2D;
}
