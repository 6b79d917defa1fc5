// A stack of dense layers: the building block of every MLP recipe.
import type * as tf from '../backend/tf';
import { dense, type Activation } from '../nn/dense';
import { dropout } from '../nn/dropout';
import { linearBiasInit, linearWeightInit, normalInit } from '../nn/init';
import type { StepContext } from './autoencoder';
import type { Init } from '../nn/init';
import type { ParamStore } from './params';

export interface DenseParams {
  w: tf.Variable;
  b: tf.Variable;
  activation: Activation;
}

export interface MlpOptions {
  /** Weight and bias init; PyTorch nn.Linear's default when absent. */
  init?: { weight: Init; bias: (fanIn: number) => Init };
  /** Dropout after every hidden (non-final) layer while training. */
  dropoutRate?: number;
}

export function normalInitFor(std: number): MlpOptions['init'] {
  return { weight: normalInit(std), bias: () => normalInit(std) };
}

export function denseParams(store: ParamStore, name: string, inSize: number, outSize: number, activation: Activation, options: MlpOptions = {}): DenseParams {
  const init = options.init ?? { weight: linearWeightInit, bias: linearBiasInit };
  const w = store.create(`${name}/kernel`, [inSize, outSize], init.weight);
  const b = store.create(`${name}/bias`, [outSize], init.bias(inSize));
  store.describe(name, [outSize], [w, b]);
  return { w, b, activation };
}

/**
 * sizes [784, 128, 32, 8] builds 784→128→32→8 with `hidden` between layers and `last` on the
 * final one. Returns the forward function.
 */
export function mlp(
  store: ParamStore,
  name: string,
  sizes: number[],
  hidden: Activation,
  last: Activation,
  options: MlpOptions = {}
): (x: tf.Tensor2D, ctx?: StepContext) => tf.Tensor2D {
  const layers = sizes.slice(1).map((size, i) =>
    denseParams(store, `${name}/dense${i + 1}`, sizes[i]!, size, i === sizes.length - 2 ? last : hidden, options)
  );
  return (x, ctx) =>
    layers.reduce((h, layer, i) => {
      const y = dense(h, layer.w as tf.Tensor2D, layer.b as tf.Tensor1D, layer.activation);
      const isHidden = i < layers.length - 1;
      return isHidden && options.dropoutRate && ctx?.training ? dropout(y, options.dropoutRate, ctx.nextSeed()) : y;
    }, x);
}
