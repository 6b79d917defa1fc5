// A training step as one TensorFlow graph, on TensorFlow's backend (tfjs-node / -node-gpu).
//
// Eagerly, an MLP's step is 50–100 TensorFlow calls from JavaScript, and on small layers tfjs's and
// the binding's cost per call is most of the step (ae-mlp-8: ~4 ms a step eagerly, ~2 ms as one
// graph; BENCHMARKS.md). So the step's forward and backward pass are recorded once per batch size
// as TensorFlow runs them (backend/tensorflow-trace.ts); Adam is added as TensorFlow's
// ResourceApplyAdam on resource variables that hold each parameter and its moments in the session;
// and a step is one session run: the batch and the step's noise in, the losses out. The model's
// own variables are brought up to date on `syncModel` (the trainer calls it after every epoch).
import * as tf from '../backend/tf';
import { GraphBuilder, TensorFlowSession } from '../backend/tensorflow-graph';
import { tensorFlowDtype, type TensorFlowBackend } from '../backend/tensorflow-kernels';
import { traceOps } from '../backend/tensorflow-trace';
import type { Autoencoder, StepContext } from '../models/autoencoder';
import { imagePixels } from '../models/network';
import type { AdamSettings } from '../nn/adam';
import type { StepLosses, TrainingStep } from './step';

/** One draw the model's loss asks its context for (`StepContext.draw`), in the order it asks. */
interface Draw {
  make: (seed: number) => tf.Tensor;
  placeholder: string;
}

/** The part of the graph for one batch size. */
interface SizedStep {
  x: string;
  draws: Draw[];
  /** The losses [loss, ...terms], fetched once every Adam update of the step has run. */
  losses: string;
  names: string[];
}

/** A parameter's value and Adam's moments m and v, as tensors (moved in and out of the session). */
type ParamState = [tf.Tensor, tf.Tensor, tf.Tensor];

const SLOTS = ['var', 'm', 'v'] as const;

/**
 * Adam (torch.optim.Adam's arithmetic, as nn/adam.ts) on the model's loss as one TensorFlow graph
 * per batch size, in one session. Only on the 'tensorflow' backend, for a model with a pure loss
 * (`Autoencoder.pureLoss`). The constructor records the step at `batch` images; throws
 * NotTraceable where the loss cannot be recorded (it reads values back, or draws randomness other
 * than through `StepContext.draw`), and TensorFlow's message where the graph does not load.
 */
export class GraphStep implements TrainingStep {
  readonly kind = 'graph';
  private readonly backend = tf.backend() as unknown as TensorFlowBackend;
  private readonly graph: GraphBuilder;
  private readonly sizes = new Map<number, SizedStep>();
  private session: TensorFlowSession | null = null;
  /** Adam's step count t (1-based once a step has run). */
  private t = 0;
  /** Whether a step ran since the model's variables were last given the session's parameters. */
  private stepped = false;
  /** The model variables' data when the session last took or gave them: other data means they were assigned since. */
  private synced: tf.DataId[] = [];

  constructor(
    private readonly model: Autoencoder,
    private readonly adam: AdamSettings,
    batch: number
  ) {
    this.graph = new GraphBuilder(this.backend.binding);
    this.addState();
    this.addSize(batch);
    const zeros = this.variables.map((v) => tf.zerosLike(v));
    try {
      this.load(this.variables.map((v, i): ParamState => [v, zeros[i]!, zeros[i]!]));
    } finally {
      tf.dispose(zeros);
    }
  }

  private get variables(): tf.Variable[] {
    return this.model.params.variables;
  }

  /** The resource variables, how they are set (init) and read (read), and Adam's scalars. */
  private addState(): void {
    const { graph } = this;
    const { binding } = this.backend;
    const float = binding.TF_FLOAT;
    const assigns: string[] = [];
    this.variables.forEach((variable, i) => {
      for (const slot of SLOTS) {
        const handle = graph.add(`${slot}/${i}`, 'VarHandleOp', [], [
          { name: 'container', type: binding.TF_ATTR_STRING, value: '' },
          { name: 'shared_name', type: binding.TF_ATTR_STRING, value: `${slot}/${i}` },
          { name: 'dtype', type: binding.TF_ATTR_TYPE, value: float },
          { name: 'shape', type: binding.TF_ATTR_SHAPE, value: variable.shape },
        ]);
        const value = graph.placeholder(`init/${slot}/${i}`, float, variable.shape);
        assigns.push(graph.add(`init/assign/${slot}/${i}`, 'AssignVariableOp', [handle, value], [{ name: 'dtype', type: binding.TF_ATTR_TYPE, value: float }]));
        graph.add(`read/${slot}/${i}`, 'ReadVariableOp', [handle], [{ name: 'dtype', type: binding.TF_ATTR_TYPE, value: float }]);
      }
    });
    graph.after('init', graph.scalar('init/done', 0), assigns, float);
    const { lr, beta1, beta2, weightDecay } = this.adam;
    graph.scalar('adam/lr', lr);
    graph.scalar('adam/beta1', beta1);
    graph.scalar('adam/beta2', beta2);
    if (weightDecay > 0) graph.scalar('adam/weight_decay', weightDecay);
    for (const name of ['beta1_power', 'beta2_power', 'epsilon']) graph.placeholder(`adam/${name}`, float, []);
  }

  /** Records the step for `size` images: the loss and its gradients, then one ResourceApplyAdam per parameter. */
  private addSize(size: number): SizedStep {
    const { graph, model, variables } = this;
    const { binding } = this.backend;
    const float = binding.TF_FLOAT;
    const prefix = `b${size}/`;
    const pixels = imagePixels(model.recipe.image);
    const x = graph.placeholder(`${prefix}x`, float, [size, pixels]);
    const reads = variables.map((_, i) => graph.add(`${prefix}param/${i}`, 'ReadVariableOp', [`var/${i}`], [{ name: 'dtype', type: binding.TF_ATTR_TYPE, value: float }]));
    const draws: Draw[] = [];
    let names: string[] = [];
    let trained: boolean[] = [];
    const sample = tf.zeros([size, pixels]) as tf.Tensor2D;
    const before = graph.nodes.length;
    let outputs: string[];
    try {
      const sources = [[sample, x], ...variables.map((v, i) => [v, reads[i]!])] as [tf.Tensor, string][];
      outputs = traceOps(graph, prefix, sources, ({ input, refuse }) => {
        const ctx: StepContext = {
          training: true,
          nextSeed: () => {
            refuse('the loss draws randomness other than through StepContext.draw');
            return 0;
          },
          draw: (make) => {
            const placeholder = `${prefix}draw/${draws.length}`;
            const value = input(placeholder, () => make(0));
            graph.placeholder(placeholder, tensorFlowDtype(binding, value.dtype), value.shape);
            draws.push({ make, placeholder });
            return value;
          },
        };
        let losses: tf.Tensor | undefined;
        const { grads } = tf.variableGrads(() => {
          const result = model.lossOn(sample, ctx);
          names = Object.keys(result.terms);
          losses = tf.keep(tf.stack([result.loss, ...Object.values(result.terms)]));
          return result.objective;
        }, variables);
        trained = variables.map((v) => grads[v.name] !== undefined);
        return [losses!, ...variables.filter((_, i) => trained[i]).map((v) => grads[v.name]!)];
      });
    } catch (error) {
      graph.nodes.length = before; // the graph stays as it loaded
      throw error;
    } finally {
      sample.dispose();
    }
    const [losses, ...grads] = outputs;
    const typeAttr = { name: 'T', type: binding.TF_ATTR_TYPE, value: float };
    const flag = (name: string) => ({ name, type: binding.TF_ATTR_BOOL, value: false });
    const updates: string[] = [];
    let g = 0;
    variables.forEach((_, i) => {
      if (!trained[i]) return; // no gradient reaches it: left alone, as torch.optim.Adam leaves a parameter without .grad
      let grad = grads[g++]!;
      // torch's weight decay: the L2 penalty's gradient added to the loss's.
      if (this.adam.weightDecay > 0) grad = graph.add(`${prefix}decayed/${i}`, 'AddV2', [grad, graph.add(`${prefix}decay/${i}`, 'Mul', [reads[i]!, 'adam/weight_decay'], [typeAttr])], [typeAttr]);
      // After every read of the step's parameters: a graph orders resource reads and writes only by its edges.
      const operands = [`var/${i}`, `m/${i}`, `v/${i}`, 'adam/beta1_power', 'adam/beta2_power', 'adam/lr', 'adam/beta1', 'adam/beta2', 'adam/epsilon', grad];
      updates.push(graph.add(`${prefix}adam/${i}`, 'ResourceApplyAdam', [...operands, ...reads.map((read) => `^${read}`)], [typeAttr, flag('use_locking'), flag('use_nesterov')]));
    });
    const sized = { x, draws, losses: graph.after(`${prefix}losses`, losses!, updates, float), names };
    this.sizes.set(size, sized);
    return sized;
  }

  /** The parameters and moments as the session holds them (new tensors). */
  private readState(): ParamState[] {
    const fetched = this.session!.run([], this.variables.flatMap((_, i) => SLOTS.map((slot) => `read/${slot}/${i}`)));
    return this.variables.map((_, i) => fetched.slice(i * SLOTS.length, (i + 1) * SLOTS.length) as ParamState);
  }

  /** A new session of the graph as it stands, its variables set from `state` (the caller's tensors). */
  private load(state: ParamState[]): void {
    this.session?.dispose();
    this.session = new TensorFlowSession(this.graph);
    this.setState(state);
  }

  private setState(state: ParamState[]): void {
    const feeds = state.flatMap((slots, i) => SLOTS.map((slot, k): [string, tf.Tensor] => [`init/${slot}/${i}`, slots[k]!]));
    tf.dispose(this.session!.run(feeds, ['init']));
    this.synced = this.variables.map((v) => v.dataId);
  }

  step(x: tf.Tensor2D, ctx: StepContext): StepLosses {
    const size = x.shape[0];
    let sized = this.sizes.get(size);
    if (!sized) {
      sized = this.addSize(size);
      const state = this.readState();
      try {
        this.load(state);
      } finally {
        tf.dispose(state);
      }
    }
    // Something assigned the model's variables since the session took them (a load, a restart): the session takes them again, its moments kept.
    if (this.variables.some((v, i) => v.dataId !== this.synced[i])) {
      const state = this.readState();
      try {
        this.setState(state.map(([, m, v], i) => [this.variables[i]!, m, v]));
      } finally {
        tf.dispose(state);
      }
    }
    this.t++;
    this.stepped = true;
    const { beta1, beta2, epsilon } = this.adam;
    // torch's ε in TensorFlow's formula: lr·√(1−β2^t)/(1−β1^t) · m / (√v + ε̂) equals torch's update when ε̂ = ε·√(1−β2^t) (see nn/tensorflow-adam.ts).
    const fed = [tf.scalar(beta1 ** this.t), tf.scalar(beta2 ** this.t), tf.scalar(epsilon * Math.sqrt(1 - beta2 ** this.t)), ...sized.draws.map((d) => ctx.draw(d.make))];
    const [beta1Power, beta2Power, epsilonHat, ...noise] = fed;
    try {
      const feeds: [string, tf.Tensor][] = [
        [sized.x, x],
        ['adam/beta1_power', beta1Power!],
        ['adam/beta2_power', beta2Power!],
        ['adam/epsilon', epsilonHat!],
        ...sized.draws.map((d, k): [string, tf.Tensor] => [d.placeholder, noise[k]!]),
      ];
      const [values] = this.session!.run(feeds, [sized.losses]);
      return { values: values as tf.Tensor1D, names: sized.names };
    } finally {
      tf.dispose(fed);
    }
  }

  /** Gives the model's variables the session's parameters (nothing to do where no step ran since, or once disposed). */
  syncModel(): void {
    if (!this.session || !this.stepped) return;
    this.stepped = false;
    const values = this.session.run([], this.variables.map((_, i) => `read/var/${i}`));
    values.forEach((value, i) => {
      this.variables[i]!.assign(value);
      value.dispose();
    });
    this.synced = this.variables.map((v) => v.dataId);
  }

  /** Frees the session; the model keeps what `syncModel` last gave it. */
  dispose(): void {
    this.session?.dispose();
    this.session = null;
  }
}
