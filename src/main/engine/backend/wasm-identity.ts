// tfjs clones every tensor a gradient keeps for the backward pass (through the Identity kernel),
// and the wasm backend's Identity copies the data: ~20 copies, 2.6 MB, on every `ae-mlp-8` step.
// Tensors never change in place (the engine's own in-place writes go to fresh outputs and to
// Adam's moment slots, which are never cloned), so the clone can share the data under a reference
// count, as tfjs's cpu and webgl backends do.
import * as tf from './tf';

interface RefCountingBackend {
  incRef(dataId: tf.DataId): void;
}

export function shareClonedDataOnWasm(): void {
  const kernelName = tf.Identity;
  const backendName = 'wasm';
  if (tf.getKernel(kernelName, backendName)) tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({
    kernelName,
    backendName,
    kernelFunc: ({ inputs, backend }) => {
      const x = inputs.x as tf.TensorInfo;
      (backend as unknown as RefCountingBackend).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  });
}
