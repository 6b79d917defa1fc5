// A recipe's network as data: the layers of its encoder and decoder, in order, with their widths,
// kernels and activations. One builder (src/main/engine/models/network.ts) turns this into
// parameters and a forward pass, so a new recipe, image shape or channel count is a new table
// entry, not new model code. Layer names are the saved weights' names: they must not change.

/** Height, width and channels of one image (NHWC without the batch). */
export interface ImageShape {
  height: number;
  width: number;
  channels: number;
}

/** MNIST's and Fashion-MNIST's images: 28×28 gray. */
export const MNIST_SHAPE: ImageShape = { height: 28, width: 28, channels: 1 };

/** The activation a layer ends with. */
export type LayerActivation = 'linear' | 'relu' | 'sigmoid';

/**
 * A feature map a fixed factor smaller than the image: ⌈height/stride⌉ × ⌈width/stride⌉ × filters
 * (after two stride-2 convolutions, stride 4: 7×7 for 28×28 images, 8×8 for 32×32, 16×16 for 64×64).
 */
export interface MapOfImage {
  stride: number;
  filters: number;
}

/**
 * A layer width: a number, or one read when the model is built: 'pixels' (height·width·channels
 * of the model's image), 'channels' (the image's), 'latent' and 'latent*2' (the latent setting,
 * once or twice), 'codeDim' (the VQ-VAE's code dimension), or the size of a MapOfImage.
 */
export type Width = number | 'pixels' | 'channels' | 'latent' | 'latent*2' | 'codeDim' | MapOfImage;

export type LayerSpec =
  /** y = act(x·W + b) on a flat input; parameters `<name>/kernel` [in, out] and `<name>/bias`. */
  | { kind: 'dense'; name: string; units: Width; activation: LayerActivation }
  /** 'same'-padded NHWC convolution; kernel [k, k, in, out]. */
  | { kind: 'conv'; name: string; kernel: number; stride: number; filters: Width; activation: LayerActivation }
  /** Transposed convolution, output stride× larger; kernel [k, k, out, in] as tf.conv2dTranspose takes it. */
  | { kind: 'conv-transpose'; name: string; kernel: number; stride: number; filters: Width; activation: LayerActivation }
  /** Inverted dropout at the settings' dropout rate, only while training. */
  | { kind: 'dropout' }
  /** Flat vector → feature map: the model's image shape, a map of it, or [height, width, channels]. */
  | { kind: 'reshape'; to: 'image' | MapOfImage | [number, number, number] }
  /** Feature map → flat vector. */
  | { kind: 'flatten' };

export interface NetworkSpec {
  /** x → the code: z for an AE, the features the posterior is read from for a VAE, the map z_e for a VQ-VAE. */
  encoder: LayerSpec[];
  /**
   * VAE only: how q(z|x) = N(μ, σ²) is read from the encoder: 'split' halves its last layer into
   * (μ, log σ²); 'heads' adds the dense layers `encoder/mu` and `encoder/logvar`.
   */
  posterior?: 'split' | 'heads';
  /** The code → the image (or its logits, where the reconstruction is 'bce'). */
  decoder: LayerSpec[];
  /**
   * The reconstruction term: 'bce' (binary cross-entropy, from the decoder's logits) or 'mse'
   * (squared error). Each family reduces it as its reference does (summed or averaged).
   */
  reconstruction: 'bce' | 'mse';
  /** Weights and biases drawn from N(0, initStd²); PyTorch's nn.Linear/nn.Conv2d default when absent. */
  initStd?: number;
}

/**
 * Dense layers `dense1`, `dense2`, … of the given widths, `hidden` between and `last` at the end
 * (an nn.Sequential of nn.Linear); with `dropout`, a dropout layer after every hidden one.
 */
export function denseStack(widths: Width[], hidden: LayerActivation, last: LayerActivation, { dropout = false } = {}): LayerSpec[] {
  return widths.flatMap((units, i): LayerSpec[] => {
    const isLast = i === widths.length - 1;
    const layer: LayerSpec = { kind: 'dense', name: `dense${i + 1}`, units, activation: isLast ? last : hidden };
    return dropout && !isLast ? [layer, { kind: 'dropout' }] : [layer];
  });
}

/** The [height, width, filters] of a MapOfImage for `image`. */
export function mapShape(image: ImageShape, map: MapOfImage): [number, number, number] {
  return [Math.ceil(image.height / map.stride), Math.ceil(image.width / map.stride), map.filters];
}
