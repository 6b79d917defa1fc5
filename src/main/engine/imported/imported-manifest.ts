// The manifest of an imported model's folder: the two ONNX graphs copied in (with the sha256 of
// the files they came from), the shapes read from them, and how to read the encoder's outputs.
import { z } from 'zod';
import { Manifest } from '../persistence/manifest';

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const TensorName = z.string().min(1).max(500);

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
  encoder: OnnxGraph.extend({ mu: TensorName, logvar: TensorName.optional() }),
  decoder: OnnxGraph.extend({ output: TensorName }),
});
export type ImportedManifest = z.infer<typeof ImportedManifest>;
