// Named trainable parameters of one model, in creation order. The names are the keys of the
// saved weights file, so a model's layout is fixed by its recipe and settings alone.
import * as tf from '../backend/tf';
import type { LayerSummary } from '../../../shared/contract';
import type { Init } from '../nn/init';

let instances = 0;

export class ParamStore {
  readonly variables: tf.Variable[] = [];
  /** Names as saved; tfjs variable names must be unique per process, so those carry a prefix. */
  readonly names: string[] = [];
  private readonly prefix = `m${++instances}/`;
  readonly layers: LayerSummary[] = [];
  private nextSeed: number;

  constructor(seed: number) {
    // Each parameter gets its own seed derived from the model seed, so creation order fixes init.
    this.nextSeed = seed * 7919 + 17;
  }

  create(name: string, shape: number[], init: Init): tf.Variable {
    if (this.names.includes(name)) throw new Error(`duplicate parameter name ${name}`);
    const value = init(shape, this.nextSeed++);
    const variable = tf.variable(value, true, this.prefix + name);
    value.dispose();
    this.variables.push(variable);
    this.names.push(name);
    return variable;
  }

  /** Records a layer for `eval`'s summary: its output shape per sample and parameter count. */
  describe(name: string, outputShape: number[], params: tf.Variable[]): void {
    this.layers.push({ name, outputShape: [null, ...outputShape], params: params.reduce((n, p) => n + p.size, 0) });
  }

  get count(): number {
    return this.variables.reduce((n, v) => n + v.size, 0);
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}
