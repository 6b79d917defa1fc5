// End to end in Chromium against web mode: a convolutional VAE trained for one epoch on a folder of
// 32×32 RGB images and on the built-in sprites, explored in the browser: the map shows the
// dataset's classes, and the probe, the manifold and the reconstructions are 32×32 colour images.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Result } from '../../src/shared/contract';
import { writeImageFolder } from '../engine/image-folder-fixture';
import { decodedImage, map, picture } from './latent-page';
import { SHOTS, until, useWebApp, type WebApp } from './web-app';

const TRAIN_TIMEOUT_MS = 300_000;

let app: WebApp;
useWebApp((started) => (app = started));

async function trainOneEpoch(name: string, dataset: string, settings: Record<string, number>, recipe = 'vae-conv'): Promise<string> {
  const { modelId } = (await app.server.engine.call('train.start', { name, recipe, dataset, settings: { epochs: 1, latent: 2, ...settings } })) as Result<'train.start'>;
  await until(async () => ((await app.server.engine.call('models.list', {})) as Result<'models.list'>).some((m) => m.id === modelId && m.status === 'done'), TRAIN_TIMEOUT_MS, `${name} to train`);
  return modelId;
}

/** Opens the model in the latent view and checks what the issue asks: classes, probe, manifold, reconstructions in colour at the images' size. */
async function explore(modelId: string, points: number, classes: string[], shot: string, [width, height] = [32, 32]): Promise<void> {
  const { page } = app;
  await page.goto(app.server.url);
  await page.getByRole('combobox', { name: 'Model', exact: true }).selectOption(modelId);
  await map(page).and(page.locator(`[data-points="${points}"]`)).waitFor({ timeout: 60_000 });
  const legend = map(page).getByRole('list', { name: 'Classes' }).getByRole('button');
  await until(async () => (await legend.count()) === classes.length, 30_000, 'the dataset’s classes in the legend');
  for (const [c, name] of classes.entries()) assert.match((await legend.nth(c).textContent())!, new RegExp(`^${name}\\s*\\d+`));

  await until(async () => Number(await decodedImage(page).getAttribute('data-frame')) >= 1, 60_000, 'the decoded probe');
  const probe = await picture(page, decodedImage(page));
  assert.deepEqual([probe.width, probe.height], [width, height], 'the probe decodes an image of the model’s size');

  const manifold = page.getByRole('figure', { name: 'Manifold' });
  await manifold.getByRole('img').first().waitFor({ timeout: 60_000 });
  const tile = await picture(page, manifold.getByRole('img').first());
  assert.deepEqual([tile.width, tile.height], [width, height], 'manifold tiles are of the model’s size');

  await page.getByRole('tablist', { name: 'Tools' }).getByRole('tab', { name: 'Reconstructions' }).click();
  const figure = page.getByRole('figure', { name: 'Reconstructions' });
  const original = figure.getByRole('img', { name: 'Test image 0', exact: true });
  await original.waitFor({ timeout: 60_000 });
  const seen = await picture(page, original);
  assert.deepEqual([seen.width, seen.height], [width, height]);
  assert.ok(seen.coloured > 20, `the test image is shown in colour (${seen.coloured} coloured pixels)`);
  const reconstruction = await picture(page, figure.getByRole('img', { name: 'Reconstruction of test image 0' }));
  assert.deepEqual([reconstruction.width, reconstruction.height], [width, height], 'reconstructions are colour images of the model’s size');
  await page.screenshot({ path: join(SHOTS, `latent-${shot}.png`) });
}

test('a 1-epoch conv VAE on a folder of 32×32 RGB images: classes, probe, manifold and reconstructions in colour', { timeout: TRAIN_TIMEOUT_MS }, async () => {
  const folder = join(app.home, 'rgb-32');
  await writeImageFolder(folder, 3, 30, { width: 32, height: 32, channels: 3 });
  const modelId = await trainOneEpoch('e2e rgb folder', folder, { batch: 16 });
  await explore(modelId, 18, ['class-00', 'class-01', 'class-02'], 'rgb-folder');
  assert.deepEqual(app.pageErrors, []);
});

test('a 1-epoch conv VAE on the sprites: shapes as classes, probe, manifold and reconstructions in colour', { timeout: TRAIN_TIMEOUT_MS }, async () => {
  const modelId = await trainOneEpoch('e2e sprites', 'sprites', { batch: 50, limit: 300 });
  await explore(modelId, 4000, ['square', 'ellipse', 'triangle'], 'sprites');
  assert.deepEqual(app.pageErrors, []);
});

test('a folder resized to a size that is not square (#16x24): an MLP VAE draws its images 24 wide and 16 high', { timeout: TRAIN_TIMEOUT_MS }, async () => {
  const folder = join(app.home, 'rgb-wide');
  await writeImageFolder(folder, 2, 20, { width: 40, height: 30, channels: 3 });
  const modelId = await trainOneEpoch('e2e wide folder', `${folder}#16x24`, { batch: 8 }, 'vae-mlp-2');
  await explore(modelId, 8, ['class-00', 'class-01'], 'wide-folder', [24, 16]);
  assert.deepEqual(app.pageErrors, []);
});
