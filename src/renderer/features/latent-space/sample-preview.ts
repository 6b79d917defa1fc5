// The hover card's images for a test sample: the image itself and the model's reconstruction,
// both from one request (the engine knows the model's own dataset, bundled or the user's files).
import { engine } from '../../engine-client/engine';

export async function samplePreview(modelId: string, index: number): Promise<{ original: string; reconstruction: string }> {
  const { originals, reconstructions } = await engine.call('model.reconstruct', { id: modelId, split: 'test', indices: [index] });
  return { original: originals[0]!, reconstruction: reconstructions[0]! };
}
