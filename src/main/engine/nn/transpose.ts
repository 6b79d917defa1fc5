// Matrix transpose in the loop order that is fast on the wasm backend.
import * as tf from '../backend/tf';

/** The exponent of the largest power of two dividing n (n > 0). */
function twos(n: number): number {
  let k = 0;
  while (n % 2 === 0 && n > 0) {
    n /= 2;
    k++;
  }
  return k;
}

function smallestFactor(n: number): number {
  for (let f = 2; f * f <= n; f++) if (n % f === 0) return f;
  return n;
}

/**
 * xᵀ for a [rows, cols] matrix. The wasm backend's 2-D transpose reads rows and writes with a
 * stride of `rows` floats; its 3-D transpose writes in order and reads with a stride of `cols`.
 * A stride with a large power-of-two factor (128 floats = 512 bytes) maps every access to the same
 * few cache sets and runs 4-20× slower, so this takes the path whose stride has fewer factors of
 * two: viewing the matrix as [rows, a, b] with a·b = cols and permuting [1, 2, 0] is the same
 * transpose done by the 3-D kernel. Other backends are indifferent to the reshape.
 */
export function transpose2d(x: tf.Tensor2D): tf.Tensor2D {
  const [rows, cols] = x.shape;
  const b = smallestFactor(cols);
  if (twos(rows) < twos(cols) || b === cols) return tf.transpose(x);
  // Disposed by hand rather than in a tidy: this runs many times per step and tidy costs ~20 µs.
  const view = tf.reshape(x, [rows, cols / b, b]);
  const moved = tf.transpose(view, [1, 2, 0]);
  view.dispose();
  const out = tf.reshape(moved, [cols, rows]) as tf.Tensor2D;
  moved.dispose();
  return out;
}
