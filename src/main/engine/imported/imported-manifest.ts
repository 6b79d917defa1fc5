// The manifest of an imported model's folder: the two ONNX graphs copied in (with the sha256 of
// the files they came from), the shapes read from them, and how to read the encoder's outputs.
import { z } from 'zod';
import { Manifest } from '../persistence/manifest';

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const TensorName = z.string().min(1).max(500);

/**
 * How one image's values lie in a graph's input or output: 'chw' (channels first, as PyTorch's
 * [batch, C, H, W] and its flatten) or 'hwc' (channels last, as the app keeps images).
 */
const PixelOrder = z.enum(['chw', 'hwc']);

const OnnxGraph = z.object({
  /** The copy inside the model folder. */
  file: z.string().regex(/^[\w.-]+\.onnx$/),
  /** Where it was imported from, and that file's checksum (the copy's is the same). */
  source: z.string(),
  sha256: Sha256,
  bytes: z.number().int().min(0),
  input: TensorName,
  /** The input's shape with the batch first: numbers as fixed, the batch as given (a number or its symbolic name). */
  inputShape: z.array(z.union([z.number().int().min(1), z.string()])).min(2),
});

export const ImportedManifest = z.object({
  format: z.number().int(),
  kind: z.literal('imported'),
  app: Manifest.shape.app,
  name: z.string(),
  /** 'ae' when the encoder returns one tensor, 'vae' when it returns μ and log σ². */
  family: z.enum(['ae', 'vae']),
  dataset: Manifest.shape.dataset,
  createdAt: z.string(),
  /** The images' range as the graphs take and give them: [0, 1] ('unit') or [-1, 1] ('symmetric'). */
  range: z.enum(['unit', 'symmetric']),
  latent: z.number().int().min(1),
  /** The images the graphs take and give; absent in imports from before colour: 28×28 gray. */
  image: Manifest.shape.image,
  /** `order`: the input's pixel order; absent (older imports, all gray) is 'chw'. */
  encoder: OnnxGraph.extend({ mu: TensorName, logvar: TensorName.optional(), order: PixelOrder.optional() }),
  /** `order`: the output's pixel order; absent is 'chw'. */
  decoder: OnnxGraph.extend({ output: TensorName, order: PixelOrder.optional() }),
});
export type ImportedManifest = z.infer<typeof ImportedManifest>;
