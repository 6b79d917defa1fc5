// The one builder of every recipe's layers: a list of LayerSpec (src/shared/network.ts) → named
// parameters in a ParamStore and a forward pass. Parameters are created in list order, so the
// saved weights' names, shapes and seeded initial values follow from the recipe alone.
import type * as tf from '../backend/tf';
import { mapShape, type ImageShape, type LayerSpec, type Width } from '../../../shared/network';
import type { RecipeInfo, TrainSettings } from '../../../shared/recipes';
import { conv2d, conv2dTranspose } from '../nn/conv';
import { dense } from '../nn/dense';
import { dropout, dropoutUniforms } from '../nn/dropout';
import { linearBiasInit, linearWeightInit, normalInit, type Init } from '../nn/init';
import type { StepContext } from './autoencoder';
import type { ParamStore } from './params';

/** A built stack of layers. */
export interface Network<Out extends tf.Tensor = tf.Tensor> {
  /** [B, …inputShape] → [B, …outputShape]; `ctx` switches dropout on while training. */
  forward(x: tf.Tensor, ctx?: StepContext): Out;
  /** One sample's output shape: [units] for a flat output, [height, width, channels] for a map. */
  readonly outputShape: number[];
}

type Layer = (h: tf.Tensor, ctx?: StepContext) => tf.Tensor;

/** Weight init, and bias init given the layer's fan-in: PyTorch's default, or N(0, std²) for both. */
interface Inits {
  weight: Init;
  bias(fanIn: number): Init;
}

function initsFor(std: number | undefined): Inits {
  return std === undefined ? { weight: linearWeightInit, bias: linearBiasInit } : { weight: normalInit(std), bias: () => normalInit(std) };
}

/** Values in one flat image: height·width·channels (784 for 28×28 grayscale). */
export function imagePixels(image: ImageShape): number {
  return image.height * image.width * image.channels;
}

function widthOf(width: Width, recipe: RecipeInfo, settings: TrainSettings): number {
  switch (width) {
    case 'pixels':
      return imagePixels(recipe.image);
    case 'channels':
      return recipe.image.channels;
    case 'latent':
      return settings.latent;
    case 'latent*2':
      return 2 * settings.latent;
    case 'codeDim':
      return settings.codeDim;
    default:
      return typeof width === 'number' ? width : mapShape(recipe.image, width).reduce((n, d) => n * d, 1);
  }
}

function expectRank(shape: number[], rank: number, where: string): void {
  if (shape.length !== rank) throw new Error(`${where} needs a rank-${rank} input per sample, got [${shape.join(', ')}]`);
}

/**
 * Creates the parameters of `layers` in `store` as `<prefix>/<layer name>/kernel` and `…/bias`,
 * and returns their forward pass. `inputShape` is one sample's input shape ([784] for a flat
 * 28×28 image). Convolutions are 'same'-padded NHWC: a stride-s conv maps H to ⌈H/s⌉, a stride-s
 * transposed conv H to H·s. Dropout layers use `settings.dropoutRate` and draw their seed from the
 * step context only while training with a non-zero rate. Throws when a layer's input has the wrong
 * rank (a spec error).
 */
export function buildNetwork(
  store: ParamStore,
  prefix: string,
  layers: readonly LayerSpec[],
  inputShape: number[],
  recipe: RecipeInfo,
  settings: TrainSettings
): Network {
  const inits = initsFor(recipe.network.initStd);
  let shape = inputShape;
  const built: Layer[] = layers.map((spec): Layer => {
    switch (spec.kind) {
      case 'dense': {
        const name = `${prefix}/${spec.name}`;
        expectRank(shape, 1, name);
        const [inSize, outSize] = [shape[0]!, widthOf(spec.units, recipe, settings)];
        const w = store.create(`${name}/kernel`, [inSize, outSize], inits.weight) as tf.Tensor2D;
        const b = store.create(`${name}/bias`, [outSize], inits.bias(inSize)) as tf.Tensor1D;
        shape = [outSize];
        store.describe(name, shape, [w as tf.Variable, b as tf.Variable]);
        return (h) => dense(h as tf.Tensor2D, w, b, spec.activation);
      }
      case 'conv':
      case 'conv-transpose': {
        const name = `${prefix}/${spec.name}`;
        expectRank(shape, 3, name);
        const transposed = spec.kind === 'conv-transpose';
        const [height, width, inC] = shape as [number, number, number];
        const { kernel, stride, activation } = spec;
        const outC = widthOf(spec.filters, recipe, settings);
        const out: [number, number, number] = transposed ? [height * stride, width * stride, outC] : [Math.ceil(height / stride), Math.ceil(width / stride), outC];
        // Transposed convs store [kh, kw, out, in] and take their fan-in from the output channels, as PyTorch's do.
        const w = store.create(`${name}/kernel`, transposed ? [kernel, kernel, outC, inC] : [kernel, kernel, inC, outC], inits.weight) as tf.Tensor4D;
        const b = store.create(`${name}/bias`, [outC], inits.bias(kernel * kernel * (transposed ? outC : inC))) as tf.Tensor1D;
        shape = out;
        store.describe(name, out, [w as tf.Variable, b as tf.Variable]);
        return transposed
          ? (h) => conv2dTranspose(h as tf.Tensor4D, w, b, [h.shape[0]!, ...out], stride, activation)
          : (h) => conv2d(h as tf.Tensor4D, w, b, stride, activation);
      }
      case 'dropout': {
        const rate = settings.dropoutRate;
        return (h, ctx) => (rate && ctx?.training ? dropout(h, rate, ctx.draw((seed) => dropoutUniforms(h.shape, seed))) : h);
      }
      case 'reshape': {
        const { height, width, channels } = recipe.image;
        const to = spec.to === 'image' ? [height, width, channels] : Array.isArray(spec.to) ? spec.to : mapShape(recipe.image, spec.to);
        shape = [...to];
        return (h) => h.reshape([h.shape[0]!, ...to]);
      }
      case 'flatten': {
        shape = [shape.reduce((n, d) => n * d, 1)];
        return (h) => h.reshape([h.shape[0]!, -1]);
      }
    }
  });
  return { forward: (x, ctx) => built.reduce((h, layer) => layer(h, ctx), x), outputShape: shape };
}
