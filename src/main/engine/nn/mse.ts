// Mean squared error as one op with a hand-written gradient.
//
// tf.mean's own gradient builds a tensor of ones the input's size in JavaScript and multiplies and
// divides by it, and squaredDifference's gradient adds three more passes; here the gradient is the
// single product (a − b)·2·dy/n.
import * as tf from '../backend/tf';
import { defineOp } from './custom-op';

const mseOp = defineOp<Record<string, never>>({
  name: 'LatentExplorerMse',
  inputsToSave: ['a', 'b'],
  forward: (inputs) => tf.mean(tf.squaredDifference(inputs.a!, inputs.b!)),
  gradient: (dy, saved) => {
    const [a, b] = saved as [tf.Tensor, tf.Tensor];
    const scale = tf.mul(dy, 2 / a.size);
    return {
      a: () => tf.mul(tf.sub(a, b), scale),
      b: () => tf.mul(tf.sub(b, a), scale),
    };
  },
});

/** Mean over every element of (a − b)², as PyTorch's MSELoss with reduction 'mean'. */
export function meanSquaredError(a: tf.Tensor, b: tf.Tensor): tf.Scalar {
  return mseOp({ a, b }, {}) as tf.Scalar;
}
