// End to end in Chromium against web mode, on models of large colour images (saved untrained: what
// is checked is how images travel and are drawn, not what they show): a 32×32 manifold of 64×64 RGB
// images (~17 M characters, over one message's limit) arrives in parts and is drawn whole; an image
// drawn by hand on a 32×32 RGB model is drawn at that shape, in the pen's colour, and goes to the
// denoising view as the model's input.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { initBackend } from '../../src/main/engine/backend/backend';
import { writeImageFolder } from '../engine/image-folder-fixture';
import { saveUntrainedModel } from '../engine/saved-model-fixture';
import { imagePixels } from './image-pixels';
import { map } from './latent-page';
import { until, useWebApp, type WebApp } from './web-app';

let app: WebApp;
useWebApp((started) => (app = started));
await initBackend('wasm');

/** An untrained `recipe` model of a folder of `side`×`side` RGB images, in the app's models folder; its id. */
async function colourModel(name: string, recipe: string, side: number): Promise<string> {
  const folder = join(app.home, `rgb-${side}`);
  await writeImageFolder(folder, 2, 5, { width: side, height: side, channels: 3 });
  const model = await saveUntrainedModel(join(app.home, 'models'), name, recipe, folder, { latent: 2 });
  model.params.dispose();
  return `user/${name}`;
}

test('a 32×32 manifold of 64×64 RGB images is drawn whole, asked in parts that each fit one message', { timeout: 300_000 }, async () => {
  const id = await colourModel('big colour', 'vae-conv', 64);
  const { page } = app;
  await page.goto(app.server.url);
  await page.getByRole('combobox', { name: 'Model', exact: true }).selectOption(id);
  await map(page).and(page.locator('[data-points="2"]')).waitFor({ timeout: 60_000 });
  await page.getByRole('spinbutton', { name: 'Grid size n' }).fill('32');
  const tiles = page.getByRole('figure', { name: 'Manifold' }).getByRole('img');
  await until(async () => (await tiles.count()) === 32 * 32, 240_000, 'all 1,024 tiles of the 32×32 manifold');
  const sizes = await tiles.evaluateAll((images) => images.map((img) => `${(img as HTMLImageElement).naturalWidth}×${(img as HTMLImageElement).naturalHeight}`));
  assert.deepEqual([...new Set(sizes)], ['64×64'], 'every tile a 64×64 image');
  const sources = await tiles.evaluateAll((images) => images.map((img) => (img as HTMLImageElement).src));
  assert.ok(new Set(sources).size > 32, `the tiles are decodings of different points (${new Set(sources).size} distinct)`);
  assert.deepEqual(app.pageErrors, []);
});

test('drawing by hand on a 32×32 RGB model: a 32×32 canvas, the pen’s colour, and the denoising view takes the drawing', { timeout: 300_000 }, async () => {
  const id = await colourModel('draw colour', 'dae-conv', 32);
  const { page } = app;
  await page.goto(`${app.server.url}#/denoising`);
  await page.reload(); // a new hash alone keeps the page, whose library does not list the new model yet
  await page.getByRole('combobox', { name: 'Model', exact: true }).selectOption(id);
  await page.getByRole('slider', { name: 'Noise' }).fill('0');
  await page.getByRole('radio', { name: 'Draw' }).click();
  const canvas = page.getByLabel(/Drawing canvas/);
  await until(async () => (await canvas.evaluate((c) => `${(c as HTMLCanvasElement).width}×${(c as HTMLCanvasElement).height}`)) === '32×32', 30_000, 'a 32×32 drawing canvas');
  await page.getByRole('button', { name: 'Clear drawing' }).click();
  await page.getByLabel('Pen colour').fill('#ff2000');
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.2);
  await page.mouse.down();
  for (let i = 1; i <= 20; i++) await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * (0.2 + i * 0.03));
  await page.mouse.up();

  /** Pixels of the image named `name` that are mostly red, read from its canvas (page CSP: as source text). */
  const redPixels = async (name: string) =>
    (await page.evaluate(`(() => {
      const canvas = document.querySelector(${JSON.stringify(`[role="img"][aria-label=${JSON.stringify(name)}] canvas`)});
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let red = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] > 200 && data[i + 1] < 80 && data[i + 2] < 80) red++;
      return [canvas.width, canvas.height, red];
    })()`)) as [number, number, number];
  await until(async () => (await redPixels('Original'))[2] > 20, 30_000, 'the drawn stroke as the view’s image');
  const [width, height, red] = await redPixels('Original');
  assert.deepEqual([width, height], [32, 32], 'the drawing is the model’s shape');
  assert.ok(red > 20 && red < 32 * 32 / 2, `a red stroke (${red} red pixels)`);
  // σ 0: the noisy input is the drawing itself, as the engine got it; the model answered it.
  await until(async () => (await imagePixels(page, 'Noisy input')) === (await imagePixels(page, 'Original')), 30_000, 'the engine’s noisy input is the drawing');
  assert.equal(await page.getByRole('alert').count(), 0, 'no error');
  assert.deepEqual(app.pageErrors, []);
});
