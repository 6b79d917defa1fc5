// Scene files and links: a scene survives the file and the link unchanged; malformed and hostile
// scenes are refused with one line that names the problem.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_PATH_POINTS, MAX_SCENE_CHARS, SceneError, parseScene, sceneFromLinkFragment, sceneLinkFragment, sceneText, sizeClassOf, type Scene } from '../../src/shared/scene';

const scene: Scene = {
  format: 'latent-explorer.scene',
  version: 1,
  savedAt: '2026-01-01T00:00:00.000Z',
  model: { id: 'bundled/mnist-vae-2d', name: 'mnist-vae-2d', checksum: 'a'.repeat(64) },
  window: { sizeClass: 'regular', width: 1400, height: 860 },
  view: {
    name: 'latent-space',
    page: 'explore',
    probe: [0.5, -1.25],
    map: { x: [-3, 3], y: [-2, 2.5] },
    projection: 'latent',
    tool: 'interpolation',
    manifold: { n: 12, mode: 'region', overlay: false },
    interpolation: { from: { z: [0, 1], name: 'test #0 (7)' }, to: { z: [1, 0], name: 'test #3 (0)' }, steps: 10, mode: 'slerp' },
    samples: { seed: 4 },
    reconstructions: { batch: 2 },
    path: [
      { t: 0, z: [0, 0] },
      { t: 16, z: [0.1, 0] },
    ],
  },
};

function refusal(text: string): string {
  try {
    parseScene(text);
  } catch (error) {
    assert.ok(error instanceof SceneError, `a SceneError, not ${String(error)}`);
    assert.doesNotMatch(error.message, /\n/, 'one line');
    assert.match(error.message, /nothing was changed/);
    return error.message;
  }
  assert.fail(`accepted: ${text.slice(0, 80)}`);
}

const withView = (view: Record<string, unknown>) => JSON.stringify({ ...scene, view: { ...scene.view, ...view } });

test('a scene comes back unchanged from its file text and from its link', () => {
  assert.deepEqual(parseScene(sceneText(scene)), scene);
  const fragment = sceneLinkFragment(scene);
  assert.match(fragment, /^[A-Za-z0-9_-]+$/, 'URL-safe');
  assert.deepEqual(sceneFromLinkFragment(fragment), scene);
  const drawn: Scene = { ...scene, view: { name: 'inpainting', image: { source: 'drawn', pixels: btoa('\u0001'.repeat(784)) }, mask: btoa('\u0000'.repeat(784)), brushSize: 3, tool: 'hide' } };
  assert.deepEqual(parseScene(sceneText(drawn)), drawn);
});

test('malformed scenes are refused with one line naming the problem', () => {
  assert.match(refusal('{"format":'), /not JSON/);
  assert.match(refusal('[]'), /format/);
  assert.match(refusal(JSON.stringify({ ...scene, format: 'something-else' })), /format/);
  assert.match(refusal(JSON.stringify({ ...scene, version: 2 })), /version/);
  assert.match(refusal(withView({ tool: 'lasso' })), /view\.tool/);
  assert.match(refusal(withView({ probe: [] })), /view\.probe/);
  const inpainting = (mask: string) => JSON.stringify({ ...scene, view: { name: 'inpainting', image: { source: 'test', index: 0 }, mask, brushSize: 3, tool: 'hide' } });
  assert.match(refusal(inpainting('AA<A')), /mask/);
  assert.match(refusal(inpainting('A'.repeat(87_388))), /mask/);
  const colourMask = btoa('\u0000'.repeat(32 * 32)); // a 32×32 RGB model's mask: one byte per pixel
  assert.equal((parseScene(inpainting(colourMask)).view as { mask: string }).mask, colourMask);
});

test('a scene keeps the kind of latent map: PCA, two chosen axes (which), UMAP or t-SNE (of how many points)', () => {
  for (const view of [{ projection: 'pca' }, { projection: 'axes', axes: [3, 0] }, { projection: 'umap', mapPoints: 5000 }, { projection: 'tsne', mapPoints: 1000 }]) {
    const kept: Scene = { ...scene, view: { ...scene.view, probe: new Array(8).fill(0.5), ...view } as Scene['view'] };
    assert.deepEqual(parseScene(sceneText(kept)), kept);
    assert.deepEqual(sceneFromLinkFragment(sceneLinkFragment(kept)), kept);
  }
  assert.match(refusal(withView({ projection: 'axes' })), /view\.axes: give the two axes for an 'axes' map/);
  assert.match(refusal(withView({ projection: 'pca', axes: [0, 1] })), /view\.axes/);
  assert.match(refusal(withView({ projection: 'axes', axes: [2, 2] })), /view\.axes: the two axes must be different/);
  assert.match(refusal(withView({ projection: 'umap' })), /view\.mapPoints: give mapPoints for a UMAP or t-SNE map/);
  assert.match(refusal(withView({ projection: 'latent', mapPoints: 2000 })), /view\.mapPoints/);
  assert.match(refusal(withView({ projection: 'tsne', mapPoints: 5000 })), /view\.mapPoints: a t-SNE map covers at most 2000 points/);
  assert.match(refusal(withView({ projection: 'isomap' })), /view\.projection/);
});

test('a scene keeps the factor a latent map is coloured by; a bad one is refused', () => {
  const kept: Scene = { ...scene, view: { ...scene.view, colourBy: 5 } as Scene['view'] };
  assert.deepEqual(parseScene(sceneText(kept)), kept);
  assert.deepEqual(sceneFromLinkFragment(sceneLinkFragment(kept)), kept);
  assert.match(refusal(withView({ colourBy: -1 })), /view\.colourBy/);
  assert.match(refusal(withView({ colourBy: 1.5 })), /view\.colourBy/);
});

test('hostile scenes are refused: unknown keys, non-finite numbers, huge texts and paths, prototype keys', () => {
  assert.match(refusal(JSON.stringify({ ...scene, extra: 1 })), /extra|unrecognized/i);
  assert.match(refusal(sceneText(scene).replace('"seed": 4', '"seed": 1e400')), /view\.samples\.seed/);
  assert.match(refusal(withView({ map: { x: [3, -3], y: [-2, 2] } })), /view\.map: the region must run from a lower to a higher value/);
  assert.match(refusal(sceneText(scene).replace('"view": {', '"view": {"__proto__": {"polluted": true},')), /view/);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.match(refusal(' '.repeat(MAX_SCENE_CHARS + 1)), /at most/);
  const long = Array.from({ length: MAX_PATH_POINTS + 1 }, (_, i) => ({ t: i, z: [0, 0] }));
  assert.match(refusal(withView({ path: long })), /view\.path/);
  assert.match(refusal(withView({ path: [{ t: 5, z: [0, 0] }, { t: 1, z: [0, 0] }] })), /backwards/);
  assert.match(refusal(withView({ probe: new Array(513).fill(0) })), /view\.probe/);
  assert.throws(() => sceneFromLinkFragment('%%%'), (error: unknown) => error instanceof SceneError && /damaged/.test(error.message));
});

test('window size classes', () => {
  assert.deepEqual([800, 1099, 1100, 1599, 1600].map(sizeClassOf), ['compact', 'compact', 'regular', 'regular', 'wide']);
});
