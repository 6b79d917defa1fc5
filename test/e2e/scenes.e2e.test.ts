// End to end in Chromium against web mode: scenes. A scene saved in each explorer view, opened
// after a reload (from its file and from its link), shows the same thing: the decoded image's
// pixels, the map's view, the painted mask. A recorded probe path replays through the recorded
// images; a malformed or hostile scene is refused with one line and changes nothing; a scene
// whose model is missing or changed says so and can be shown with another model.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { imageFrames, imagePixels } from './image-pixels';
import { decodedImage, map, plotBox, probe } from './latent-page';
import { until, useWebApp, type WebApp } from './web-app';

let app: WebApp;
let page: Page;

useWebApp((started) => ({ page } = app = started));

const sceneBar = () => page.getByRole('group', { name: 'Scene' });
const decodedPixels = async () => (await page.evaluate(`document.querySelector('canvas[aria-label="Decoded image"]').toDataURL()`)) as string;
const mapView = async () => (await map(page).getAttribute('data-view')) ?? '';
const decodedFrames = async () => Number(await decodedImage(page).getAttribute('data-frame'));
const selectedTool = () => page.getByRole('tablist', { name: 'Tools' }).locator('[aria-selected="true"]').innerText();

/** Saves the scene of the view shown; returns the scene file's text. */
async function saveScene(): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), sceneBar().getByRole('button', { name: 'Save scene' }).click()]);
  return readFile((await download.path())!, 'utf8');
}

async function openScene(text: string, name = 'lesson.scene.json'): Promise<void> {
  await page.getByLabel('Scene file').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
}

async function latentReady(): Promise<void> {
  await map(page).and(page.locator('[data-points="10000"]')).waitFor({ timeout: 60_000 });
  await until(async () => (await decodedFrames()) >= 1, 60_000, 'first decoded image');
}

/** The probe's decoded image once no decode is pending: the same pixels twice, a paint apart. */
async function settledDecoded(): Promise<string> {
  let last = '';
  await until(
    async () => {
      const now = await decodedPixels();
      const same = now === last;
      last = now;
      return same;
    },
    15_000,
    'decoded image settled'
  );
  return last;
}

let latentScene = '';
let latentShown = { pixels: '', view: '', tool: '' };

test('a latent-space scene (probe, zoomed map, tool) opens after a reload exactly as saved, from its file and its link', async () => {
  await page.goto(`${app.server.url}#/latent-space`);
  await latentReady();
  // Zoom into the map, move the probe, open the interpolation tool.
  const box = await plotBox(page);
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.45);
  await page.mouse.wheel(0, -400);
  await until(async () => (await mapView()) !== '', 5000, 'map view');
  await probe(page).focus();
  for (let i = 0; i < 5; i++) await page.keyboard.press('Shift+ArrowRight');
  await page.getByRole('tab', { name: 'Interpolation' }).click();
  await page.mouse.move(0, 0);
  latentShown = { pixels: await settledDecoded(), view: await mapView(), tool: await selectedTool() };
  latentScene = await saveScene();
  assert.equal(JSON.parse(latentScene).view.tool, 'interpolation');
  const link = await sceneBar().getByLabel('Scene link').inputValue();
  assert.match(link, /#scene=[\w-]+$/);

  // Reload elsewhere, then open the file: the same view, image and map.
  await page.goto(`${app.server.url}#/denoising`);
  await page.reload();
  await page.getByRole('combobox', { name: 'Model', exact: true }).waitFor();
  await openScene(latentScene);
  await until(async () => (await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Latent space' }).getAttribute('aria-current')) === 'page', 15_000, 'latent view');
  await latentReady();
  await until(async () => (await mapView()) === latentShown.view, 15_000, 'map view restored');
  assert.equal(await settledDecoded(), latentShown.pixels, 'the decoded image is the same');
  assert.equal(await selectedTool(), latentShown.tool);

  // The link opens it too, in a fresh page.
  await page.goto(`${app.server.url}#/library`);
  await page.goto(link);
  await latentReady();
  await until(async () => (await mapView()) === latentShown.view, 15_000, 'map view restored from the link');
  assert.equal(await settledDecoded(), latentShown.pixels);
});

test('a recorded probe path replays through the recorded images, and steps through them one by one', async () => {
  await latentReady();
  const path = page.getByRole('group', { name: 'Probe path' });
  const recorded = [await settledDecoded()];
  await path.getByRole('button', { name: 'Record path' }).click();
  await probe(page).focus();
  for (let i = 0; i < 6; i++) {
    const frames = await decodedFrames();
    await page.keyboard.press(i % 2 ? 'Shift+ArrowUp' : 'Shift+ArrowLeft');
    await until(async () => (await decodedFrames()) > frames, 15_000, 'decoded after a key');
    recorded.push(await settledDecoded());
  }
  await path.getByRole('button', { name: 'Stop recording' }).click();
  const text = await saveScene();
  assert.equal(JSON.parse(text).view.path.length, 7, 'the start and six moves');

  await page.reload();
  await latentReady();
  await openScene(text);
  await until(async () => (await path.getAttribute('data-recording')) === 'false' && (await path.getByRole('button', { name: 'Play path' }).count()) === 1, 30_000, 'path loaded');
  assert.equal(await settledDecoded(), recorded.at(-1), 'the scene shows the probe where it was saved');

  // Every image shown while playing, in order, from inside the page.
  await page.evaluate(`(() => {
    const canvas = document.querySelector('canvas[aria-label="Decoded image"]');
    window.__played = [];
    window.__playObserver?.disconnect();
    window.__playObserver = new MutationObserver(() => window.__played.push(canvas.toDataURL()));
    window.__playObserver.observe(canvas, { attributes: true, attributeFilter: ['data-frame'] });
  })()`);
  await path.getByRole('button', { name: 'Play path' }).click();
  await until(async () => (await path.getAttribute('data-playing')) === 'false' && (await path.getAttribute('data-step')) === '6', 30_000, 'replay ended');
  await settledDecoded();
  const played = (await page.evaluate('window.__played')) as string[];
  // Played images are recorded ones in recorded order (a decode still in flight may let a point pass unshown).
  let at = 0;
  for (const image of played) {
    const found = recorded.indexOf(image, at);
    assert.ok(found >= 0, `played image ${played.indexOf(image)} is one of the recorded images, in order`);
    at = found;
  }
  assert.ok(played.length >= 1);
  assert.equal(played.at(-1), recorded.at(-1), 'the replay ends on the last recorded image');

  // Stepping shows each recorded image in turn: back to the start, then forward.
  const stepTo = async (i: number, button: string) => {
    await path.getByRole('button', { name: button }).click();
    await until(async () => (await path.getAttribute('data-step')) === String(i), 5000, `step ${i}`);
  };
  for (let i = recorded.length - 2; i >= 0; i--) await stepTo(i, 'Previous path step');
  assert.equal(await settledDecoded(), recorded[0], 'step 0 shows the first recorded image');
  for (let i = 1; i < recorded.length; i++) {
    await stepTo(i, 'Next path step');
    assert.equal(await settledDecoded(), recorded[i], `step ${i} shows recorded image ${i}`);
  }
});

test('an inpainting scene brings back the image and the painted mask', async () => {
  await page.goto(`${app.server.url}#/inpainting`);
  const painter = page.getByRole('figure', { name: 'Mask painter' });
  await painter.waitFor({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Next image' }).click();
  const box = (await painter.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.4);
  await page.mouse.down();
  for (let i = 1; i <= 20; i++) await page.mouse.move(box.x + box.width * (0.3 + i * 0.02), box.y + box.height * (0.4 + i * 0.01));
  await page.mouse.up();
  const settled = async () => until(async () => (await page.getByRole('region', { name: 'Result' }).getAttribute('aria-busy')) === 'false', 15_000, 'inpainting answered');
  await settled();
  const shown = { masked: await imagePixels(page, 'Masked input'), inpainted: await imagePixels(page, 'Inpainted image'), original: await imagePixels(page, 'Original') };
  const text = await saveScene();

  await page.goto(`${app.server.url}#/latent-space`);
  await page.reload();
  await latentReady();
  await openScene(text);
  await painter.waitFor({ timeout: 30_000 });
  await until(async () => (await imagePixels(page, 'Masked input')) === shown.masked, 15_000, 'the masked input as saved');
  await settled();
  assert.equal(await imagePixels(page, 'Original'), shown.original);
  assert.equal(await imagePixels(page, 'Inpainted image'), shown.inpainted);
});

test('a denoising scene brings back the image, σ and the very same noise', async () => {
  await page.goto(`${app.server.url}#/denoising`);
  const noise = page.getByRole('slider', { name: 'Noise' });
  const settled = async () => until(async () => (await page.getByRole('region', { name: 'Denoising' }).getAttribute('aria-busy')) === 'false', 15_000, 'denoising answered');
  await until(async () => (await imageFrames(page, 'Denoised image')) >= 2, 30_000, 'first denoised image');
  await noise.fill('0.73');
  await settled();
  const unseeded = await imagePixels(page, 'Noisy input');
  await page.getByRole('button', { name: 'Reseed' }).click();
  await until(async () => (await imagePixels(page, 'Noisy input')) !== unseeded, 15_000, 'fresh noise');
  await settled();
  const shown = { noisy: await imagePixels(page, 'Noisy input'), denoised: await imagePixels(page, 'Denoised image') };
  const text = await saveScene();
  await page.reload();
  await noise.fill('0.1');
  await settled();
  await openScene(text);
  await until(async () => (await noise.inputValue()) === '0.73', 15_000, 'σ restored');
  await until(async () => (await imagePixels(page, 'Noisy input')) === shown.noisy, 15_000, 'the same noisy input');
  await settled();
  assert.equal(await imagePixels(page, 'Denoised image'), shown.denoised);
});

test('a codebook scene brings back the chosen code', async () => {
  await page.goto(`${app.server.url}#/codebook`);
  const codebook = page.getByRole('region', { name: 'Codebook', exact: true });
  await codebook.waitFor({ timeout: 60_000 });
  await codebook.getByRole('button', { name: 'Code 3', exact: true }).click();
  const chosen = await codebook.getByRole('button', { name: 'Code 3', exact: true }).getAttribute('aria-pressed');
  const text = await saveScene();
  assert.equal(JSON.parse(text).view.code, 3);
  await page.reload();
  await codebook.waitFor({ timeout: 60_000 });
  await openScene(text);
  await until(async () => (await codebook.getByRole('button', { name: 'Code 3', exact: true }).getAttribute('aria-pressed')) === chosen, 15_000, 'code 3 chosen again');
});

test('malformed and hostile scenes are refused with one line, and nothing changes', async () => {
  await page.goto(`${app.server.url}#/latent-space`);
  await latentReady();
  const before = { pixels: await settledDecoded(), view: await mapView(), hash: await page.evaluate('location.hash') };
  const scene = JSON.parse(latentScene);
  const bad = [
    '{"format": "latent-explorer.scene", ',
    JSON.stringify({ ...scene, view: { ...scene.view, probe: [1e308, 'x'] } }),
    JSON.stringify({ ...scene, view: { ...scene.view, path: Array.from({ length: 5000 }, (_, t) => ({ t, z: [0, 0] })) } }),
    latentScene.replace('"view": {', '"view": {"__proto__": {"polluted": 1},'),
  ];
  for (const text of bad) {
    await openScene(text);
    const notice = page.getByText(/^Not a usable scene/).last();
    await notice.waitFor({ timeout: 5000 });
    assert.doesNotMatch(await notice.innerText(), /\n/, 'one line');
    assert.equal(await page.evaluate('location.hash'), before.hash);
    assert.equal(await mapView(), before.view);
    assert.equal(await decodedPixels(), before.pixels);
  }
  // A damaged link is refused the same way.
  await page.goto(`${app.server.url}#scene=%%%`);
  await page.getByText(/^Not a usable scene link/).waitFor({ timeout: 15_000 });
});

test('a scene whose model is missing or changed says so, and can be shown with another model', async () => {
  const scene = JSON.parse(latentScene);
  await page.goto(`${app.server.url}#/library`);
  await page.getByRole('navigation', { name: 'Views' }).waitFor();
  await until(async () => (await page.getByRole('link', { name: 'Library' }).getAttribute('aria-current')) === 'page', 5000, 'library');
  await openScene(JSON.stringify({ ...scene, model: { ...scene.model, id: 'user/gone', name: 'gone' } }));
  const dialog = page.getByRole('alertdialog', { name: 'Scene model' });
  await dialog.waitFor({ timeout: 15_000 });
  assert.match(await dialog.innerText(), /"gone" \(user\/gone\) is not in the library/);
  assert.equal(await page.evaluate('location.hash'), '#/library', 'nothing changed yet');
  await dialog.getByRole('combobox').selectOption(scene.model.id);
  await dialog.getByRole('button', { name: 'Use this model' }).click();
  await latentReady();
  await until(async () => (await mapView()) === latentShown.view, 15_000, 'map view restored with the picked model');

  await openScene(JSON.stringify({ ...scene, model: { ...scene.model, checksum: '0'.repeat(64) } }));
  await dialog.waitFor({ timeout: 15_000 });
  assert.match(await dialog.innerText(), /has changed since this scene was saved/);
  await dialog.getByRole('button', { name: 'Open anyway' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await settledDecoded(), latentShown.pixels);
  assert.deepEqual(app.pageErrors, []);
});

test('a scene keeps the kind of map: a UMAP map comes back fitted with the same seed, zoomed as saved; two chosen axes come back too', { timeout: 300_000 }, async () => {
  const mapKind = () => page.getByRole('radiogroup', { name: 'Map' });
  await page.goto(`${app.server.url}#/latent-space`);
  await page.getByRole('combobox', { name: 'Model', exact: true }).selectOption('bundled/mnist-dae');
  await latentReady();
  await mapKind().getByRole('radio', { name: 'UMAP' }).click();
  await map(page).and(page.locator('[data-points="2000"]')).waitFor({ timeout: 240_000 });
  const box = await plotBox(page);
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
  await page.mouse.wheel(0, -300);
  await until(async () => (await mapView()) !== '', 5000, 'map view');
  await page.mouse.move(0, 0);
  const zoomed = await mapView();
  const saved = await saveScene();
  assert.deepEqual([JSON.parse(saved).view.projection, JSON.parse(saved).view.mapPoints], ['umap', 2000]);

  // After a reload (the PCA plane again), the scene brings back the UMAP map and its zoomed region.
  await page.reload();
  await latentReady();
  await mapKind().getByRole('radio', { name: 'PCA', checked: true }).waitFor();
  await openScene(saved);
  await mapKind().getByRole('radio', { name: 'UMAP', checked: true }).waitFor({ timeout: 15_000 });
  await map(page).and(page.locator('[data-points="2000"]')).waitFor({ timeout: 240_000 });
  await until(async () => (await mapView()) === zoomed, 15_000, 'the UMAP map zoomed as saved');

  // A scene of two chosen dimensions as axes shows those two.
  const axes = JSON.parse(saved);
  delete axes.view.mapPoints;
  Object.assign(axes.view, { projection: 'axes', axes: [3, 5], map: null });
  await openScene(JSON.stringify(axes));
  await mapKind().getByRole('radio', { name: 'z4 × z6', checked: true }).waitFor({ timeout: 15_000 });
  await page.getByRole('spinbutton', { name: 'Probe z4' }).waitFor();
  await map(page).and(page.locator('[data-points="10000"]')).waitFor({ timeout: 15_000 });
  assert.deepEqual(app.pageErrors, []);
});
