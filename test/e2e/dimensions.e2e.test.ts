// End to end in Chromium against web mode: the latent space view's Dimensions tool on the bundled
// 2-D VAE. The per-dimension bars appear with the active units, the traversal grid shows one row per
// chosen dimension (a bar click drops one), its images change along a row and with the range, rows
// follow the map's axes too, and the grid exports as PNG; moving the slider of a class direction
// and of a direction between two picked samples changes the image; the likelihood panel estimates
// the test NLL chunk by chunk. Hovering a sample draws its posterior ellipse.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { findSample, map } from './latent-page';
import { until, useWebApp } from './web-app';

let page: Page;
let url: string;

useWebApp((started) => ({ page, server: { url } } = started));

const panel = () => page.getByRole('tabpanel', { name: 'Dimensions' });
const traversalTiles = () => panel().getByRole('region', { name: 'Traversal' }).getByRole('img');
const directionImage = () => panel().getByRole('region', { name: 'Direction' }).getByRole('img');
const srcs = async () => Promise.all((await traversalTiles().all()).map((tile) => tile.getAttribute('src')));

test('the Dimensions tool shows per-dimension KL bars, a traversal grid that follows the chosen rows, and a class direction slider', async () => {
  await page.goto(url);
  await map(page).and(page.locator('[data-ready="true"]')).waitFor({ timeout: 30_000 });

  // Hovering a sample of the 2-D VAE draws its posterior's μ ± σ ellipse around it.
  const sample = await findSample(page);
  const ellipse = map(page).locator(`ellipse.posterior[data-sample="${sample.index}"]`);
  await ellipse.waitFor({ timeout: 10_000 });
  assert.ok(Number(await ellipse.getAttribute('rx')) > 0 && Number(await ellipse.getAttribute('ry')) > 0, 'the ellipse has the sample’s σ as radii');
  await page.mouse.move(5, 5);

  await page.getByRole('tablist', { name: 'Tools' }).getByRole('tab', { name: 'Dimensions' }).click();

  const bars = panel().getByRole('region', { name: 'Per-dimension statistics' }).getByRole('button');
  await until(async () => (await bars.count()) === 2, 30_000, 'one bar per latent dimension');
  assert.equal(await panel().locator('[data-active-units]').getAttribute('data-active-units'), '2');

  await until(async () => (await traversalTiles().count()) === 18, 30_000, 'two traversal rows of nine');
  const before = await traversalTiles().first().getAttribute('src');
  await bars.first().click();
  await until(async () => (await traversalTiles().count()) === 9, 30_000, 'one row left after a bar click');
  assert.equal(await bars.first().getAttribute('aria-pressed'), 'false');
  assert.ok(before, 'the grid had images');
  const row = await srcs();
  assert.ok(new Set(row).size > 1, 'the images change along the row');
  await panel().getByRole('spinbutton', { name: 'Traversal range' }).fill('1');
  await until(async () => (await srcs()).join() !== row.join(), 30_000, 'a narrower range changes the images');

  // Rows along the map's axes: two rows of nine, exportable as one PNG.
  await panel().getByRole('radiogroup', { name: 'Traversal rows' }).getByRole('radio', { name: 'Map axes' }).click();
  await until(async () => (await traversalTiles().count()) === 18, 30_000, 'one row per map axis');
  assert.match((await traversalTiles().first().getAttribute('alt')) ?? '', /^z₁ = /);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export this figure as PNG' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /dimensions\.png$/);

  await directionImage().waitFor({ timeout: 30_000 });
  const atZero = await directionImage().getAttribute('src');
  await panel().getByRole('slider', { name: 'Direction strength' }).fill('1.5');
  await until(async () => (await directionImage().getAttribute('src')) !== atZero, 30_000, 'the direction changes the image');

  // A direction between two picked samples (test #0, a 7, and test #1, a 2).
  await panel().getByRole('radiogroup', { name: 'Direction between' }).getByRole('radio', { name: 'Two samples' }).click();
  await panel().getByRole('spinbutton', { name: 'From sample' }).fill('0');
  await panel().getByRole('spinbutton', { name: 'To sample' }).fill('1');
  await until(async () => /test #1 − test #0/.test((await directionImage().getAttribute('alt')) ?? ''), 30_000, 'the samples direction applied');
  const atOneAndHalf = await directionImage().getAttribute('src');
  await panel().getByRole('slider', { name: 'Direction strength' }).fill('-0.5');
  await until(async () => (await directionImage().getAttribute('src')) !== atOneAndHalf, 30_000, 'the sample direction changes the image');

  // The likelihood, K = 50 on 100 test images.
  const likelihood = panel().getByRole('region', { name: 'Likelihood' });
  await likelihood.getByRole('combobox', { name: 'Importance samples' }).selectOption('50');
  await likelihood.getByRole('combobox', { name: 'Test images' }).selectOption('100');
  await likelihood.getByRole('button', { name: 'Estimate' }).click();
  await until(async () => /over 100 binarized test images, K = 50/.test(await likelihood.innerText()), 60_000, 'the estimate over all 100 images');
  const nll = Number(await likelihood.locator('[data-nll]').getAttribute('data-nll'));
  assert.ok(Number.isFinite(nll) && nll > 0, `an NLL in nats: ${nll}`);
});
