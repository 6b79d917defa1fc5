// A fully connected layer, y = act(x·W + b), with a backward pass built for the wasm backend, and
// on TensorFlow's backend one kernel each way whose MatMuls take transpose flags (tensorflow-ops.ts).
//
// tfjs's automatic gradient of x·W multiplies with transposeA/transposeB set, which the wasm
// backend runs in a plain C++ loop about 12× slower than its XNNPACK path (taken only for
// untransposed operands). Here every product is untransposed, in whichever orientation packs
// least (below): the transposes are done explicitly (cheap next to the product), and the data's
// gradient is never computed for a first layer.
import * as tf from '../backend/tf';
import { applyUnfused, fusedPart, preActivationGrad, type Activation } from './activation';
import { defineOp } from './custom-op';
import { denseForward, denseGrad, matMul2d, onTensorFlow } from './tensorflow-ops';
import { transpose2d } from './transpose';

export type { Activation } from './activation';

/** Σ over rows of a [rows, cols] matrix: summing along rows is ~4× faster on wasm than down columns. */
export function sumRows(dz: tf.Tensor2D): tf.Tensor1D {
  return tf.sum(transpose2d(dz), 1);
}

// XNNPACK repacks the right-hand operand of every product whose tensor is new — each step's
// weights, gradients, transposes — at ~2.7 ns per element, while a transpose costs ~0.4 ns per
// element. So a product whose right operand would be large is computed transposed, Cᵀ = Bᵀ·Aᵀ,
// when that packs less. Measured on wasm; other backends do not pack and keep the direct form.
const PACK_NS = 2.7;
const TRANSPOSE_NS = 0.4;

function packingMatters(): boolean {
  return tf.getBackend() === 'wasm';
}

/** Forward as yᵀ = Wᵀ·xᵀ (packs in·batch, transposes W, x and yᵀ) instead of x·W (packs in·out). */
function forwardFlipped(batch: number, inSize: number, outSize: number): boolean {
  const direct = PACK_NS * inSize * outSize;
  const flipped = PACK_NS * inSize * batch + TRANSPOSE_NS * (inSize * outSize + batch * inSize + batch * outSize);
  return packingMatters() && flipped < direct;
}

/** dW as (dzᵀ·x)ᵀ (packs batch·in, transposes dz and the result) instead of xᵀ·dz (packs batch·out, transposes x). */
function weightGradFlipped(batch: number, inSize: number, outSize: number): boolean {
  const direct = PACK_NS * batch * outSize + TRANSPOSE_NS * batch * inSize;
  const flipped = PACK_NS * batch * inSize + TRANSPOSE_NS * (batch * outSize + inSize * outSize);
  return packingMatters() && flipped < direct;
}

/** dx as (W·dzᵀ)ᵀ (packs out·batch, transposes dz and the result) instead of dz·Wᵀ (packs out·in, transposes W). */
function inputGradFlipped(batch: number, inSize: number, outSize: number): boolean {
  const direct = (PACK_NS + TRANSPOSE_NS) * inSize * outSize;
  const flipped = PACK_NS * outSize * batch + TRANSPOSE_NS * (batch * outSize + batch * inSize);
  return packingMatters() && flipped < direct;
}

const denseOp = defineOp<{ activation: Activation }>({
  name: 'LatentExplorerDense',
  inputsToSave: ['x', 'w'],
  forward: (inputs, { activation }) => {
    const { x, w, b } = inputs as { x: tf.Tensor2D; w: tf.Tensor2D; b: tf.Tensor1D };
    if (onTensorFlow()) return denseForward(x, w, b, activation);
    const [batch, inSize] = x.shape;
    const outSize = w.shape[1];
    if (forwardFlipped(batch, inSize, outSize)) {
      const z = tf.add(transpose2d(tf.matMul(transpose2d(w), transpose2d(x))), b) as tf.Tensor2D;
      return applyUnfused(activation === 'relu' ? tf.relu(z) : z, activation);
    }
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
    if (onTensorFlow()) {
      // TensorFlow's MatMul reads either operand transposed at no cost.
      const { dz, dw, db } = denseGrad(dy as tf.Tensor2D, y, x, activation);
      return { x: () => matMul2d(dz, w, false, true), w: () => dw, b: () => db };
    }
    const [batch, inSize] = x.shape;
    const outSize = w.shape[1];
    const dz = preActivationGrad(dy as tf.Tensor2D, y, activation);
    const flipW = weightGradFlipped(batch, inSize, outSize);
    const flipX = inputGradFlipped(batch, inSize, outSize);
    // dzᵀ serves both flipped products; made here, in the backward pass's scope, when dW needs it.
    const dzT = flipW ? transpose2d(dz) : null;
    return {
      x: () => (flipX ? transpose2d(tf.matMul(w, dzT ?? transpose2d(dz))) : tf.matMul(dz, transpose2d(w))),
      w: () => (flipW ? transpose2d(tf.matMul(dzT!, x)) : tf.matMul(transpose2d(x), dz)),
      b: () => (dzT ? tf.sum(dzT, 1) : sumRows(dz)),
    };
  },
});

/** act(x·W + b) for x [batch, in], W [in, out] (the saved-weights layout), b [out]. */
export function dense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, activation: Activation): tf.Tensor2D {
  return denseOp({ x, w, b }, { activation }) as tf.Tensor2D;
}
