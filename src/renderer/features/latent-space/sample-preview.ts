// The hover card's images for a test sample: the image itself and the model's reconstruction,
// both from one request (the engine knows the model's own dataset, bundled or the user's files);
// for a VAE whose map is its 2-D latent space, also the sample's posterior σ, drawn as its ellipse.
import { engine } from '../../engine-client/engine';

export async function samplePreview(modelId: string, index: number, posterior = false): Promise<{ original: string; reconstruction: string; sigma?: number[] }> {
  const [{ originals, reconstructions }, q] = await Promise.all([
    engine.call('model.reconstruct', { id: modelId, split: 'test', indices: [index] }),
    posterior ? engine.call('model.posterior', { id: modelId, split: 'test', indices: [index] }) : null,
  ]);
  return { original: originals[0]!, reconstruction: reconstructions[0]!, ...(q ? { sigma: q.sigma[0]! } : {}) };
}
