// End to end in Chromium against web mode: the latent space view's Dimensions tool on the bundled
// 2-D VAE. The per-dimension bars appear with the active units, the traversal grid shows one row per
// chosen dimension (a bar click drops one), its images change along a row and with the range, rows
// follow the map's axes too, and the grid exports as PNG; moving the slider of a class direction
// and of a direction between two samples (by index, or picked on the map) changes the image; the
// likelihood panel estimates the test NLL chunk by chunk, and a long estimate stopped stays as a
// partial figure. Hovering a sample draws its posterior ellipse.
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

  // Or picked on the map: "Pick on map", then a click on a point makes it A, the next B; both are ringed on the map.
  await panel().getByRole('button', { name: 'Pick on map' }).click();
  await panel().getByRole('status').filter({ hasText: 'Click a point on the map for A' }).waitFor();
  const first = await findSample(page);
  await page.mouse.click(first.x, first.y);
  await panel().getByRole('status').filter({ hasText: 'for B' }).waitFor();
  const second = await findSample(page, { avoid: [first] });
  await page.mouse.click(second.x, second.y);
  await until(async () => (await panel().getByRole('button', { name: 'Pick on map' }).getAttribute('aria-pressed')) === 'false', 10_000, 'picking ends after B');
  // (The hover card may still name the sample hovered before, so the picks are checked by where their rings are.)
  const [a, b] = [await panel().getByRole('spinbutton', { name: 'From sample' }).inputValue(), await panel().getByRole('spinbutton', { name: 'To sample' }).inputValue()];
  assert.notEqual(a, b);
  for (const [name, index, clicked] of [['A', a, first], ['B', b, second]] as const) {
    const ring = (await map(page).locator(`[data-highlight="${name}"][data-index="${index}"] circle`).boundingBox())!;
    const off = Math.hypot(ring.x + ring.width / 2 - clicked.x, ring.y + ring.height / 2 - clicked.y);
    assert.ok(off <= 10, `${name} (test #${index}) is ringed where it was clicked (${off.toFixed(1)} px off)`);
  }
  await until(async () => (await directionImage().getAttribute('alt'))?.includes(`test #${b} − test #${a}`) ?? false, 30_000, 'the picked samples direction applied');

  // The likelihood, K = 50 on 100 test images.
  const likelihood = panel().getByRole('region', { name: 'Likelihood' });
  await likelihood.getByRole('combobox', { name: 'Importance samples' }).selectOption('50');
  await likelihood.getByRole('combobox', { name: 'Test images' }).selectOption('100');
  await likelihood.getByRole('button', { name: 'Estimate' }).click();
  await until(async () => /over 100 binarized test images, K = 50/.test(await likelihood.innerText()), 60_000, 'the estimate over all 100 images');
  const nll = Number(await likelihood.locator('[data-nll]').getAttribute('data-nll'));
  assert.ok(Number.isFinite(nll) && nll > 0, `an NLL in nats: ${nll}`);
});

test('a long NLL estimate stopped leaves a partial figure, labelled so, and asks the engine for no more', async () => {
  await page.goto(url);
  await map(page).and(page.locator('[data-ready="true"]')).waitFor({ timeout: 30_000 });
  await page.getByRole('tablist', { name: 'Tools' }).getByRole('tab', { name: 'Dimensions' }).click();
  const likelihood = panel().getByRole('region', { name: 'Likelihood' });
  // K = 5000 on all 10,000 images: one image a chunk, hours of work; stopped once a few are done.
  await likelihood.getByRole('combobox', { name: 'Importance samples' }).selectOption('5000');
  await likelihood.getByRole('combobox', { name: 'Test images' }).selectOption('10000');
  await likelihood.getByRole('button', { name: 'Estimate' }).click();
  const figure = likelihood.locator('[data-nll]');
  await until(async () => Number(await figure.getAttribute('data-done')) >= 2, 120_000, 'a few images estimated');
  await likelihood.getByRole('button', { name: 'Stop' }).click();
  await likelihood.getByRole('button', { name: 'Estimate' }).waitFor();
  assert.equal(await figure.getAttribute('data-partial'), 'true');
  const done = Number(await figure.getAttribute('data-done'));
  const nll = await figure.getAttribute('data-nll');
  assert.ok(done >= 2 && done < 10_000 && Number(nll) > 0, `a partial figure: ${done} images, ${nll} nats`);
  assert.match(await likelihood.innerText(), new RegExp(`over ${done.toLocaleString('en')} of 10,000 binarized test images, K = 5000 — stopped: a partial estimate`));
  assert.equal(await likelihood.getByRole('progressbar').count(), 0, 'no progress bar once stopped');

  // The engine is idle: the chunk it was on when Stop came is the last (a later one would change the figure), and it answers at once.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  assert.equal(await figure.getAttribute('data-done'), String(done));
  assert.equal(await figure.getAttribute('data-nll'), nll);
  await page.getByRole('tablist', { name: 'Tools' }).getByRole('tab', { name: 'Samples' }).click();
  await page.getByRole('tabpanel', { name: 'Samples' }).getByRole('img').first().waitFor({ timeout: 10_000 });
});
