// End to end in Chromium against web mode: a PyTorch VAE exported to ONNX (the reference fixture)
// is imported from the Library, shows as imported, and the latent space explorer works on it:
// dragging the probe over its map changes the decoded image. A trained model exports to PyTorch.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { decodedImage, framesSeen, map, picture, plotBox, probe, watchDecodedFrames } from './latent-page';
import { SHOTS, until, useWebApp, type WebApp } from './web-app';

const FIXTURES = resolve('test/fixtures/onnx');

let app: WebApp;
let page: Page;

useWebApp((started) => ({ page } = app = started));

/** Imports fixture `kind`'s two graphs as `name` with the Library's form (on `dataset`, default the form's); returns the model's list item once shown. */
async function importFromLibrary(kind: string, name: string, dataset?: string) {
  await page.goto(app.server.url);
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Library' }).click();
  await page.getByRole('button', { name: 'Import model' }).click();
  await page.getByLabel('Encoder ONNX file').setInputFiles(join(FIXTURES, `${kind}.encoder.onnx`));
  await page.getByLabel('Decoder ONNX file').setInputFiles(join(FIXTURES, `${kind}.decoder.onnx`));
  await page.getByLabel('Model name').fill(name);
  if (dataset) await page.getByLabel('Dataset').selectOption(dataset);
  await page.getByRole('form', { name: 'Import model' }).getByRole('button', { name: 'Import' }).click();
  const item = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name }) });
  await item.waitFor({ timeout: 60_000 });
  return item;
}

test('Import model in the Library adds the ONNX VAE to the library, marked imported, and opens it', async () => {
  const item = await importFromLibrary('vae-mlp-2', 'pytorch-vae');
  assert.equal(await item.locator('.tag.imported').innerText(), 'imported');
  assert.equal(await item.getByRole('button', { name: 'Open pytorch-vae' }).isDisabled(), true, 'opened once imported');
  await page.screenshot({ path: join(SHOTS, 'library-imported.png') });
  assert.equal(await item.getByRole('button', { name: 'Export pytorch-vae to PyTorch' }).isDisabled(), true, 'an imported model is already PyTorch');
  const vqvaeExport = page.getByRole('button', { name: 'Export mnist-vqvae to PyTorch' });
  assert.equal(await vqvaeExport.isDisabled(), true, 'a VQ-VAE has no PyTorch export: the button says so instead of failing');
  assert.match((await vqvaeExport.getAttribute('title')) ?? '', /No PyTorch export for a VQ-VAE/);
});

test('a trained model exports from the Library as PyTorch weights (a safetensors download)', async () => {
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export mnist-vae-2d to PyTorch' }).click();
  const download = await downloading;
  assert.equal(download.suggestedFilename(), 'mnist-vae-2d.safetensors');
  const bytes = await readFile((await download.path())!);
  const header = JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString('utf8'));
  assert.deepEqual(header['fc21.weight'], { dtype: 'F32', shape: [2, 256], data_offsets: header['fc21.weight'].data_offsets });
  assert.equal(header.__metadata__.class, 'VAE(hidden=256, latent=2)');
});

test('dragging the probe over the imported model changes the decoded image', async () => {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Latent space' }).click();
  assert.equal(await page.getByRole('combobox', { name: 'Model', exact: true }).inputValue(), 'user/pytorch-vae');
  await map(page).and(page.locator('[data-ready="true"]')).waitFor({ timeout: 30_000 });
  await until(async () => Number(await decodedImage(page).getAttribute('data-frame')) >= 1, 30_000, 'first decoded image');

  const box = await plotBox(page);
  const start = (await probe(page).boundingBox())!;
  await watchDecodedFrames(page);
  await page.mouse.move(start.x + start.width / 2, start.y + start.height / 2);
  await page.mouse.down();
  for (let i = 0; i <= 40; i++) {
    await page.mouse.move(box.x + box.width * (0.15 + (0.7 * i) / 40), box.y + box.height * (0.3 + 0.4 * Math.sin(i / 6) ** 2));
    await page.waitForTimeout(10);
  }
  await page.mouse.up();
  await until(async () => (await framesSeen(page)).distinct >= 3, 10_000, 'the decoded image changes during the drag');
  const seen = await framesSeen(page);
  assert.ok(seen.distinct >= 3, `${seen.distinct} different images in ${seen.frames} paints`);
  await page.screenshot({ path: join(SHOTS, 'latent-imported.png') });
  assert.deepEqual(app.pageErrors, []);
});

test('a PyTorch conv AE for 32×32 RGB images imports with the sprites and decodes colour images of that size', async () => {
  await importFromLibrary('conv-rgb-32', 'pytorch-rgb', 'sprites');
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Latent space' }).click();
  assert.equal(await page.getByRole('combobox', { name: 'Model', exact: true }).inputValue(), 'user/pytorch-rgb');
  // The previous model's probe image shows until this model's first decode lands.
  await until(async () => (await picture(page, decodedImage(page))).width === 32, 60_000, 'the probe decodes an image of the model’s width');
  const decoded = await picture(page, decodedImage(page));
  assert.deepEqual([decoded.width, decoded.height], [32, 32], 'the probe decodes an image of the model’s size');
  assert.ok(decoded.coloured > 20, `in colour (${decoded.coloured} coloured pixels)`);
  assert.deepEqual(app.pageErrors, []);
});
