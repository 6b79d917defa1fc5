// End to end in Chromium against web mode: moving figures and figures for print. The
// interpolation, a traversal row and a recorded probe path export as animated GIFs (read back with
// omggif: frame count and size as set) and as a zip of numbered PNG frames; the frame size and rate
// are the user's. The latent map, a tool's tiles, the loss curves and the code usage export as SVG
// (parsed strictly: the elements drawn, legend, caption) and as PNG at 2× and 4× the SVG's size.
// A freshly trained model's latent map across its epochs exports as a GIF of one frame per epoch.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { unzipSync } from 'fflate';
import type { Locator, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { pathFrames } from '../../src/shared/animation';
import type { Result } from '../../src/shared/contract';
import { decodeGif } from '../gif-frames';
import { parseSvg, svgElements, svgText } from '../svg-document';
import { decodedImage, map, probe } from './latent-page';
import { until, useWebApp, type WebApp } from './web-app';

let app: WebApp;
let page: Page;

useWebApp((started) => ({ page } = app = started));

/** Clicks `button` of an animation export group and returns the downloaded file's bytes. */
async function exported(group: Locator, button: string): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), group.getByRole('button', { name: button, exact: true }).click()]);
  return readFile((await download.path())!);
}

/** Exports the print group's SVG and its PNGs at 2× and 4×; checks the PNGs' sizes against the SVG's; returns the parsed SVG. */
async function printed(group: Locator) {
  const text = (await exported(group, 'SVG')).toString('utf8');
  const doc = parseSvg(text);
  const [width, height] = ['width', 'height'].map((a) => Number(doc.documentElement!.getAttribute(a)));
  for (const scale of [2, 4]) {
    const png = PNG.sync.read(await exported(group, `PNG ${scale}×`));
    assert.deepEqual([png.width, png.height], [width * scale, height * scale], `PNG at ${scale}×`);
  }
  return doc;
}

async function setAnimation(group: Locator, size: number, fps: number): Promise<void> {
  await group.getByLabel('Frame size').fill(String(size));
  await group.getByLabel('Frame rate').fill(String(fps));
}

test('the interpolation exports as an animated GIF and as PNG frames, at the frame size set', async () => {
  await page.goto(`${app.server.url}#/latent-space`);
  await map(page).and(page.locator('[data-points="10000"]')).waitFor({ timeout: 60_000 });
  await page.getByRole('tab', { name: 'Interpolation' }).click();
  await page.getByLabel('Steps k').fill('7');
  await until(async () => (await page.getByRole('figure', { name: 'Interpolation' }).getAttribute('data-steps')) === '7', 30_000, 'seven steps');
  const group = page.getByRole('group', { name: 'Interpolation animation' });
  await setAnimation(group, 56, 4);
  const gif = decodeGif(await exported(group, 'GIF'));
  assert.deepEqual([gif.width, gif.height, gif.frames.length, gif.loop], [56, 56, 7, 0]);
  assert.deepEqual(new Set(gif.delays), new Set([25]), '4 fps: 25 hundredths of a second a frame');
  assert.notDeepEqual(gif.frames[0], gif.frames[6], 'the frames move');

  const zip = unzipSync(await exported(group, 'PNG frames'));
  const names = Object.keys(zip).sort();
  assert.deepEqual(names, Array.from({ length: 7 }, (_, i) => `interpolation-${String(i + 1).padStart(3, '0')}.png`));
  names.forEach((name, k) => {
    const png = PNG.sync.read(Buffer.from(zip[name]!));
    assert.deepEqual([png.width, png.height], [56, 56]);
    assert.deepEqual(Uint8Array.from({ length: 56 * 56 }, (_, p) => png.data[p * 4]!), gif.frames[k], `PNG frame ${k + 1} = GIF frame ${k + 1}`);
  });

  // A setting out of range is named, and nothing is exported.
  await group.getByLabel('Frame rate').fill('0');
  await group.getByText('frame rate must be from 1 to 50 frames per second, got 0').waitFor();
  assert.equal(await group.getByRole('button', { name: 'GIF', exact: true }).isDisabled(), true);
  await setAnimation(group, 56, 4);
});

test('a traversal row exports as a GIF with one frame per step', async () => {
  await page.getByRole('tab', { name: 'Dimensions' }).click();
  const group = page.getByRole('group', { name: 'Traversal animation' });
  await group.waitFor({ timeout: 30_000 });
  await page.getByRole('combobox', { name: 'Traversal row to animate' }).selectOption({ label: 'z2' });
  const gif = decodeGif(await exported(group, 'GIF'));
  assert.deepEqual([gif.width, gif.height, gif.frames.length], [56, 56, 9]);
});

test('a recorded probe path exports as a GIF that plays at the recorded speed', async () => {
  const path = page.getByRole('group', { name: 'Probe path' });
  await path.getByRole('button', { name: 'Record path' }).click();
  await probe(page).focus();
  for (let i = 0; i < 4; i++) {
    const frames = Number(await decodedImage(page).getAttribute('data-frame'));
    await page.keyboard.press('Shift+ArrowRight');
    await until(async () => Number(await decodedImage(page).getAttribute('data-frame')) > frames, 15_000, 'decoded after a key');
  }
  await path.getByRole('button', { name: 'Stop recording' }).click();
  // The recorded path, as a scene keeps it: the expected frame count follows from its times.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save scene' }).click()]);
  const recorded = JSON.parse(await readFile((await download.path())!, 'utf8')).view.path as { t: number; z: number[] }[];
  const group = page.getByRole('group', { name: 'Path animation' });
  await setAnimation(group, 84, 20);
  const gif = decodeGif(await exported(group, 'GIF'));
  assert.deepEqual([gif.width, gif.height], [84, 84]);
  assert.equal(gif.frames.length, pathFrames(recorded, 20).length, `frames at 20 fps over ${recorded.at(-1)!.t} ms`);
  assert.deepEqual(new Set(gif.delays), new Set([5]));
  assert.deepEqual(app.pageErrors, []);
});

test('the latent map exports for print: every visible point, vector axes, a legend of the classes, a caption naming model and data', async () => {
  const doc = await printed(page.getByRole('group', { name: 'Latent map for print' }));
  const points = svgElements(doc, 'circle', 'points').length;
  assert.ok(points > 1000 && points <= 10_000, `${points} points drawn`);
  assert.ok(svgElements(doc, 'text', 'x').length >= 3 && svgElements(doc, 'text', 'y').length >= 3, 'tick labels');
  assert.deepEqual(svgElements(doc, 'text', 'legend').map((t) => t.textContent), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  assert.match(svgText(doc, 'desc'), /mnist-vae-2d \(vae-mlp-2: VAE, 2-D latent, \d+ epochs\) on mnist/);
  assert.match(svgText(doc, 'desc'), /10,000 test images/);
});

test('a tool figure exports its tiles for print: the manifold as n² embedded PNGs', async () => {
  await page.getByRole('tab', { name: 'Manifold' }).click();
  const n = 6;
  await page.getByLabel('Grid size n').fill(String(n));
  await until(async () => (await page.getByRole('figure', { name: 'Manifold' }).getAttribute('data-n')) === String(n), 30_000, 'manifold tiles');
  const doc = await printed(page.getByRole('group', { name: 'Tool figure for print' }));
  const tiles = svgElements(doc, 'image', 'tiles');
  assert.equal(tiles.length, n * n);
  assert.ok(tiles.every((t) => t.getAttribute('href')!.startsWith('data:image/png;base64,')));
  assert.match(svgText(doc, 'desc'), new RegExp(`${n}×${n} decodings`));
});

test('the loss curves and the code usage export for print', async () => {
  await page.goto(`${app.server.url}#/training`);
  const loss = page.getByRole('group', { name: 'Loss curves for print' });
  await until(async () => (await page.getByRole('figure', { name: 'Loss curves' }).getAttribute('data-points')) !== '0', 30_000, 'the history');
  const curves = await printed(loss);
  assert.ok(svgElements(curves, 'path', 'series').length >= 2, 'train and test curves');
  assert.match(svgText(curves, 'desc'), /Loss per epoch of mnist-vae-2d .* on mnist: train \(solid\) and test \(dashed\)/);

  await page.goto(`${app.server.url}#/codebook`);
  const usage = page.getByRole('group', { name: 'Code usage for print' });
  await usage.waitFor({ timeout: 60_000 });
  const codes = Number(await page.getByRole('figure', { name: 'Code usage' }).getAttribute('data-codes'));
  const doc = await printed(usage);
  assert.equal(svgElements(doc, 'rect', 'bars').length, codes);
  assert.match(svgText(doc, 'desc'), /Perplexity \d+(\.\d)?, \d+ dead codes/);
  assert.deepEqual(app.pageErrors, []);
});

test('a freshly trained model’s latent map across epochs exports as a GIF of one frame per epoch, and as PNG frames', { timeout: 180_000 }, async () => {
  const epochs = 3;
  const { modelId } = (await app.server.engine.call('train.start', { name: 'e2e map epochs', recipe: 'ae-mlp-8', dataset: 'mnist', settings: { epochs, limit: 500, batch: 50 } })) as Result<'train.start'>;
  await until(async () => ((await app.server.engine.call('models.list', {})) as Result<'models.list'>).some((m) => m.id === modelId && m.epochs === epochs && m.status === 'done'), 150_000, 'the run to finish');
  await page.goto(`${app.server.url}#/latent-space`);
  await page.reload();
  await page.getByRole('combobox', { name: 'Model', exact: true }).selectOption(modelId);
  const group = page.getByRole('group', { name: 'Map across epochs animation' });
  await group.waitFor({ timeout: 30_000 });
  await page.getByText(`Map across ${epochs} epochs:`).waitFor();
  await setAnimation(group, 140, 2);
  const gif = decodeGif(await exported(group, 'GIF'));
  assert.deepEqual([gif.width, gif.height, gif.frames.length, gif.loop], [140, 140, epochs, 0]);
  assert.deepEqual(new Set(gif.delays), new Set([50]), '2 fps');
  assert.notDeepEqual(gif.rgba[0], gif.rgba[epochs - 1], 'the map moves across epochs');
  const zip = unzipSync(await exported(group, 'PNG frames'));
  assert.deepEqual(Object.keys(zip).sort(), Array.from({ length: epochs }, (_, i) => `map-epochs-${String(i + 1).padStart(3, '0')}.png`));
  Object.keys(zip)
    .sort()
    .forEach((name, k) => assert.deepEqual(new Uint8Array(PNG.sync.read(Buffer.from(zip[name]!)).data), gif.rgba[k], `PNG frame ${k + 1} = GIF frame ${k + 1}`));

  // The bundled model was trained before maps were recorded: nothing to offer.
  await page.getByRole('combobox', { name: 'Model', exact: true }).selectOption('bundled/mnist-vae-2d');
  await until(async () => (await group.count()) === 0, 30_000, 'no map-across-epochs export for a model without recorded maps');
  assert.deepEqual(app.pageErrors, []);
});
