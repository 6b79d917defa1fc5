// VQ-VAE's two codebook operations with memory bounded for every codebook size the ranges allow.
// Both are [rows, K] problems (rows = images × 49 cells, K codebook entries): at K = 4096 a batch of
// 1000 images needs a 49,000 × 4096 distance matrix (800 MB) and as large a one-hot matrix, more
// than the wasm backend can give at once. Here they run a block of rows at a time, as kernels of
// their own, so the gradient tape keeps no block either (see custom-op.ts).
import * as tf from '../backend/tf';
import { defineOp } from './custom-op';

/** Values in one [rows, K] block: 4 M float32 = 16 MiB. */
const BLOCK_VALUES = 1 << 22;

/** The [start, size) spans that cut `rows` into blocks of at most BLOCK_VALUES / width rows. */
function rowBlocks(rows: number, width: number): Array<[number, number]> {
  const step = Math.max(1, Math.floor(BLOCK_VALUES / width));
  return Array.from({ length: Math.ceil(rows / step) }, (_, i) => [i * step, Math.min(step, rows - i * step)]);
}

const rowsOf = (t: tf.Tensor, start: number, size: number) => t.slice([start, ...t.shape.slice(1).map(() => 0)], [size, ...t.shape.slice(1).map(() => -1)]);

const nearestCodeOp = defineOp<Record<string, never>>({
  name: 'VqNearestCode',
  inputsToSave: ['z', 'codebook'],
  forward: ({ z, codebook }) => {
    const e = codebook as tf.Tensor2D;
    // ‖z‖² is the same for every j, so it does not change the argmin.
    const eNorms = tf.sum(tf.square(e), 1).expandDims(0);
    // Each block's distances are freed before the next block's are made.
    const codes = rowBlocks(z!.shape[0]!, e.shape[0]).map(([start, size]) =>
      tf.tidy(() => tf.argMin(eNorms.sub(tf.matMul(rowsOf(z!, start, size) as tf.Tensor2D, e, false, true).mul(2)), 1))
    );
    return tf.concat(codes);
  },
  // A code is a choice, not a value: no gradient flows through it (the straight-through estimator carries z_e's).
  gradient: (_dy, [z, codebook]) => ({ z: () => tf.zerosLike(z!), codebook: () => tf.zerosLike(codebook!) }),
});

/** k = argmin_j ‖z − e_j‖² for each row of z [N, D] against the codebook E [K, D]; int32 [N]. */
export function nearestCode(z: tf.Tensor2D, codebook: tf.Tensor2D): tf.Tensor1D {
  return nearestCodeOp({ z, codebook }, {}) as tf.Tensor1D;
}

const lookupOp = defineOp<Record<string, never>>({
  name: 'VqCodebookLookup',
  inputsToSave: ['codebook', 'codes'],
  forward: ({ codebook, codes }) => tf.gather(codebook!, codes!),
  gradient: (dy, [codebook, codes]) => ({
    // ∂L/∂E = onehot(k)ᵀ · ∂L/∂e, summed a block of rows at a time.
    codebook: () => {
      const size = codebook!.shape[0]!;
      let sum = tf.zerosLike(codebook!);
      for (const [start, rows] of rowBlocks(codes!.shape[0]!, size)) {
        const next = tf.tidy(() => sum.add(tf.matMul(tf.oneHot(rowsOf(codes!, start, rows) as tf.Tensor1D, size).toFloat(), rowsOf(dy, start, rows), true, false)));
        sum.dispose();
        sum = next;
      }
      return sum;
    },
    codes: () => tf.zeros(codes!.shape), // float32, as the tape wants every gradient
  }),
});

/** e_k for each code k [N] (int32) from the codebook E [K, D]: [N, D], with E's gradient in bounded blocks. */
export function codebookLookup(codebook: tf.Tensor2D, codes: tf.Tensor1D): tf.Tensor2D {
  return lookupOp({ codebook, codes }, {}) as tf.Tensor2D;
}
