// End to end in Chromium against web mode: the latent space view's Dimensions tool on the bundled
// 2-D VAE. The per-dimension bars appear with the active units, the traversal grid shows one row per
// chosen dimension (a bar click drops one), and moving the class-direction slider changes the image.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { map } from './latent-page';
import { until, useWebApp } from './web-app';

let page: Page;
let url: string;

useWebApp((started) => ({ page, server: { url } } = started));

const panel = () => page.getByRole('tabpanel', { name: 'Dimensions' });
const traversalTiles = () => panel().getByRole('region', { name: 'Traversal' }).getByRole('img');
const directionImage = () => panel().getByRole('region', { name: 'Class direction' }).getByRole('img');

test('the Dimensions tool shows per-dimension KL bars, a traversal grid that follows the chosen rows, and a class direction slider', async () => {
  await page.goto(url);
  await map(page).and(page.locator('[data-ready="true"]')).waitFor({ timeout: 30_000 });
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

  await directionImage().waitFor({ timeout: 30_000 });
  const atZero = await directionImage().getAttribute('src');
  await panel().getByRole('slider', { name: 'Direction strength' }).fill('1.5');
  await until(async () => (await directionImage().getAttribute('src')) !== atZero, 30_000, 'the direction changes the image');
});
