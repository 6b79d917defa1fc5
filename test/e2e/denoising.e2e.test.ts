// End to end in Chromium against web mode: the denoising view on the bundled MNIST DAE. Moving
// the noise slider changes the noisy input and the denoised image; reseeding draws new noise;
// the sweep shows the same image at every noise level.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { imageFrames, imagePixels } from './image-pixels';
import { SHOTS, until, useWebApp, type WebApp } from './web-app';

const DAE = 'bundled/mnist-dae';

let app: WebApp;
let page: Page;

useWebApp((started) => ({ page } = app = started));

const noise = () => page.getByRole('slider', { name: 'Noise' });

async function settled(): Promise<void> {
  await until(async () => (await page.getByRole('region', { name: 'Denoising' }).getAttribute('aria-busy')) === 'false', 15_000, 'denoising answered');
}

test('the denoising view opens on the bundled DAE and shows noisy and denoised images', async () => {
  await page.goto(`${app.server.url}#/denoising`);
  await until(async () => (await page.getByRole('combobox', { name: 'Model', exact: true }).inputValue()) === DAE, 15_000, 'DAE chosen');
  // Mounting paints blank tiles; the first answer paints them again.
  await until(async () => (await imageFrames(page, 'Denoised image')) >= 2, 15_000, 'first denoised image');
  await settled();
  assert.notEqual(await imagePixels(page, 'Noisy input'), await imagePixels(page, 'Original'), 'σ 0.4 adds visible noise');
  assert.notEqual(await imagePixels(page, 'Denoised image'), await imagePixels(page, 'Noisy input'));
  // The sidebar and status bar name the model this view works on, not another one opened elsewhere.
  assert.match(await page.getByRole('contentinfo').innerText(), /Model: mnist-dae\b/);
  assert.match(await page.getByRole('navigation', { name: 'Views' }).innerText(), /Model in this view\s+mnist-dae\b/i);
});

test('moving the noise slider changes the noisy input and the denoised image', async () => {
  await noise().fill('0');
  await settled();
  const clean = { noisy: await imagePixels(page, 'Noisy input'), denoised: await imagePixels(page, 'Denoised image') };
  assert.equal(clean.noisy, await imagePixels(page, 'Original'), 'σ 0 leaves the image as it is');

  // Drag the slider's thumb most of the way along with the pointer, as a person would.
  const box = (await noise().boundingBox())!;
  await page.mouse.move(box.x + 4, box.y + box.height / 2);
  await page.mouse.down();
  for (let i = 1; i <= 20; i++) await page.mouse.move(box.x + 4 + (box.width * 0.8 * i) / 20, box.y + box.height / 2);
  await page.mouse.up();
  await settled();
  const sigma = Number(await noise().inputValue());
  assert.ok(sigma > 0.6 && sigma < 0.95, `the thumb moved to σ ${sigma}`);
  assert.notEqual(await imagePixels(page, 'Noisy input'), clean.noisy, 'the noisy input changes');
  assert.notEqual(await imagePixels(page, 'Denoised image'), clean.denoised, 'the denoised image changes');

  // Arrow keys step σ by 0.01, and each step is answered.
  await noise().focus();
  const before = await imagePixels(page, 'Denoised image');
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowLeft');
  await settled();
  assert.equal(Number(await noise().inputValue()), Math.round((sigma - 0.05) * 100) / 100);
  assert.notEqual(await imagePixels(page, 'Denoised image'), before);
});

test('reseeding draws fresh noise; the sweep shows every noise level and sets σ', async () => {
  await noise().fill('0.5');
  await settled();
  const noisy = await imagePixels(page, 'Noisy input');
  await page.getByRole('button', { name: 'Reseed' }).click();
  await settled();
  assert.notEqual(await imagePixels(page, 'Noisy input'), noisy);

  const sweep = page.getByRole('figure', { name: 'Noise sweep' });
  await until(async () => (await sweep.getByRole('button').count()) === 11, 15_000, 'eleven noise levels');
  await sweep.getByRole('button', { name: 'Use σ 0.3' }).click();
  assert.equal(await noise().inputValue(), '0.3');
  await settled();
  await page.mouse.move(0, 0);
  await page.waitForTimeout(300); // let the buttons' hover transitions finish
  await page.screenshot({ path: join(SHOTS, 'denoising.png') });
  assert.deepEqual(app.pageErrors, []);
});
