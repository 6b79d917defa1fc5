// Adam on TensorFlow's backend (tfjs-node / -node-gpu) as TensorFlow's own fused kernel,
// ResourceApplyAdam, which updates a parameter and its two moments in place in one op.
//
// As tensor ops the update is ~12 TensorFlow calls over every parameter, each allocating and
// filling a new buffer: measured at about a third of an `ae-mlp-8` step on the native CPU backend.
// ResourceApplyAdam needs resource variables, which tfjs-node can hold as tensors of its 'string'
// dtype, so each parameter gets three (value, m, v) made with VarHandleOp; the tfjs variable is
// given the new value each step with ReadVariableOp. Two TensorFlow calls per parameter in all.
import * as tf from '../backend/tf';
import type { TensorFlowBackend } from '../backend/tensorflow-kernels';

/**
 * TensorFlow's name for a resource owned by its handles alone (tf.python's
 * `context.anonymous_name()`): freed when its last handle tensor is disposed, never shared by name.
 */
const ANONYMOUS_RESOURCE = 'cd2c89b7-88b7-44c8-ad83-06c2a9158347';

/** A parameter's resource variables: its value and Adam's first and second moments. */
interface Slots {
  value: tf.Tensor;
  m: tf.Tensor;
  v: tf.Tensor;
  /** The data the tfjs variable was last given from `value`; another means it was assigned since. */
  assigned: tf.DataId | null;
}

/** The per-step scalars of torch.optim.Adam at step t (1-based). */
export interface AdamStep {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** L2 penalty added to the gradient (torch's weight_decay). */
  weightDecay: number;
  t: number;
}

function backend(): TensorFlowBackend {
  return tf.backend() as unknown as TensorFlowBackend;
}

/** A new resource variable of `initial`'s shape (float32), set to it; kept, as steps run inside tidy. */
function resourceVariable(initial: tf.Tensor): tf.Tensor {
  const { binding } = backend();
  const handle = backend().executeSingleOutput('VarHandleOp', [
    { name: 'container', type: binding.TF_ATTR_STRING, value: '' },
    { name: 'shared_name', type: binding.TF_ATTR_STRING, value: ANONYMOUS_RESOURCE },
    { name: 'dtype', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT },
    { name: 'shape', type: binding.TF_ATTR_SHAPE, value: initial.shape },
  ], []);
  assignResource(handle, initial);
  return tf.keep(handle);
}

/** Sets a resource variable to `value` (float32, its shape). */
function assignResource(handle: tf.Tensor, value: tf.Tensor): void {
  const { binding } = backend();
  backend().executeMultipleOutputs('AssignVariableOp', [
    { name: 'dtype', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT },
    { name: 'validate_shape', type: binding.TF_ATTR_BOOL, value: true },
  ], [handle, value], 0);
}

/**
 * torch.optim.Adam for tfjs variables on the 'tensorflow' backend, each step one ResourceApplyAdam
 * and one ReadVariableOp per parameter. Kingma & Ba (2015), Algorithm 1, with torch's ε: TensorFlow
 * computes p − lr·√(1−β2^t)/(1−β1^t) · m / (√v + ε̂), which is torch's
 * p − lr/(1−β1^t) · m / (√v/√(1−β2^t) + ε) when ε̂ = ε·√(1−β2^t), so that is the ε given.
 */
export class TensorFlowAdam {
  private readonly slots = new Map<string, Slots>();
  /** β1, β2, lr and the weight decay as kept scalar tensors (the same every step). */
  private constants: { beta1: tf.Scalar; beta2: tf.Scalar; lr: tf.Scalar; weightDecay: tf.Scalar } | null = null;

  /** Updates every variable from its gradient (float32, the variable's shape). */
  step(pairs: { variable: tf.Variable; name: string; grad: tf.Tensor }[], s: AdamStep): void {
    const { binding } = backend();
    this.constants ??= {
      beta1: tf.keep(tf.scalar(s.beta1)),
      beta2: tf.keep(tf.scalar(s.beta2)),
      lr: tf.keep(tf.scalar(s.lr)),
      weightDecay: tf.keep(tf.scalar(s.weightDecay)),
    };
    const { beta1, beta2, lr, weightDecay } = this.constants;
    const attrs = [
      { name: 'T', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT },
      { name: 'use_locking', type: binding.TF_ATTR_BOOL, value: false },
      { name: 'use_nesterov', type: binding.TF_ATTR_BOOL, value: false },
    ];
    const perStep = [tf.scalar(s.beta1 ** s.t), tf.scalar(s.beta2 ** s.t), tf.scalar(s.epsilon * Math.sqrt(1 - s.beta2 ** s.t))];
    const [beta1Power, beta2Power, epsilonHat] = perStep;
    try {
      for (const { variable, name, grad } of pairs) {
        const slots = this.slotsOf(name, variable);
        // Something else assigned the variable since our last step (a VQ-VAE code restart, a load).
        if (slots.assigned !== variable.dataId) assignResource(slots.value, variable);
        const g = s.weightDecay > 0 ? tf.tidy(() => tf.add(grad, tf.mul(variable, weightDecay))) : grad;
        backend().executeMultipleOutputs('ResourceApplyAdam', attrs, [slots.value, slots.m, slots.v, beta1Power!, beta2Power!, lr, beta1, beta2, epsilonHat!, g], 0);
        if (g !== grad) g.dispose();
        const next = backend().executeSingleOutput('ReadVariableOp', [{ name: 'dtype', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT }], [slots.value]);
        variable.assign(next);
        next.dispose();
        slots.assigned = variable.dataId;
      }
    } finally {
      tf.dispose(perStep);
    }
  }

  private slotsOf(name: string, variable: tf.Variable): Slots {
    let slots = this.slots.get(name);
    if (!slots) {
      const zeros = tf.zerosLike(variable);
      slots = { value: resourceVariable(variable), m: resourceVariable(zeros), v: resourceVariable(zeros), assigned: null };
      zeros.dispose();
      this.slots.set(name, slots);
    }
    return slots;
  }

  /** Frees the resource variables (their handles are their only owners) and the kept scalars. */
  dispose(): void {
    for (const { value, m, v } of this.slots.values()) tf.dispose([value, m, v]);
    this.slots.clear();
    if (this.constants) tf.dispose(Object.values(this.constants));
    this.constants = null;
  }
}
