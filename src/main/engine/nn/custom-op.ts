// An op made of ordinary tfjs ops, with a hand-written gradient that computes each input's part
// only when the tape asks for it.
//
// tf.customGrad computes every input's gradient eagerly, so a network's first layer would pay for
// the gradient of its data. Registering the forward pass as a kernel (tensor-returning kernels run
// untaped, exactly like customGrad's forward) lets registerGradient return lazy per-input functions.
import * as tf from '../backend/tf';

type Attrs = Record<string, unknown>;

export interface CustomOp<A extends Attrs> {
  name: string;
  /** Inputs kept for the gradient; the output is always kept. */
  inputsToSave: string[];
  forward(inputs: tf.NamedTensorMap, attrs: A): tf.Tensor;
  /**
   * Runs once per backward pass, inside the tape's scope (so shared work done here is freed with
   * it); returns one function per input, called only for inputs the tape needs.
   */
  gradient(dy: tf.Tensor, saved: tf.Tensor[], attrs: A): Record<string, () => tf.Tensor>;
}

/** Registers `op` and returns the function that runs it. */
export function defineOp<A extends Attrs>(op: CustomOp<A>): (inputs: tf.NamedTensorMap, attrs: A) => tf.Tensor {
  tf.registerGradient({
    kernelName: op.name,
    inputsToSave: op.inputsToSave,
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => op.gradient(dy as tf.Tensor, saved, attrs as unknown as A),
  });
  const kernelFunc: tf.KernelFunc = ({ inputs, attrs }) => tf.tidy(() => op.forward(inputs as tf.NamedTensorMap, attrs as unknown as A));
  return (inputs, attrs) => {
    // Kernels are registered per backend, and the backend can change at run time.
    const backendName = tf.getBackend();
    if (!tf.getKernel(op.name, backendName)) tf.registerKernel({ kernelName: op.name, backendName, kernelFunc });
    return tf.engine().runKernel(op.name, inputs, attrs as unknown as tf.NamedAttrMap);
  };
}
