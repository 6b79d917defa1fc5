// End to end in Chromium against web mode: a conv VAE on the built-in sprites (a dataset with six
// known factors). The latent map can be coloured by any factor (legend, counts, CSV follow it), and
// the Dimensions tool shows the dimension × factor mutual-information heat map with the MIG.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Result } from '../../src/shared/contract';
import { sceneFromLinkFragment } from '../../src/shared/scene';
import { map } from './latent-page';
import { SHOTS, until, useWebApp, type WebApp } from './web-app';

const TRAIN_TIMEOUT_MS = 300_000;
const LATENT = 4;
const TEST_IMAGES = 4000;

let app: WebApp;
useWebApp((started) => (app = started));

test('a sprites model: the map coloured by each factor, and the dimension × factor heat map with the MIG', { timeout: TRAIN_TIMEOUT_MS }, async () => {
  const { modelId } = (await app.server.engine.call('train.start', {
    name: 'e2e factors',
    recipe: 'vae-conv',
    dataset: 'sprites',
    settings: { epochs: 1, latent: LATENT, batch: 50, limit: 300 },
  })) as Result<'train.start'>;
  await until(async () => ((await app.server.engine.call('models.list', {})) as Result<'models.list'>).some((m) => m.id === modelId && m.status === 'done'), TRAIN_TIMEOUT_MS, 'the sprites model');

  const { page } = app;
  await page.goto(app.server.url);
  await page.getByRole('combobox', { name: 'Model', exact: true }).selectOption(modelId);
  await map(page).and(page.locator(`[data-points="${TEST_IMAGES}"]`)).waitFor({ timeout: 60_000 });
  const colourBy = page.getByRole('combobox', { name: 'Colour by' });
  await colourBy.waitFor({ timeout: 30_000 });
  assert.deepEqual(await colourBy.locator('option').allTextContents(), ['shape', 'scale', 'rotation', 'x', 'y', 'colour']);

  const legend = map(page).getByRole('list', { name: 'Classes' }).getByRole('button');
  /** The legend's names and counts once it shows `names.length` entries. */
  const legendOf = async (names: string[]) => {
    await until(async () => (await legend.count()) === names.length && (await legend.first().textContent())?.includes(names[0]!) === true, 30_000, `a legend of ${names.join(', ')}`);
    const entries = await legend.evaluateAll((buttons) => buttons.map((b) => ({ text: b.textContent!.replace(/\s+/g, ' ').trim(), drawn: Number(b.getAttribute('data-drawn')) })));
    entries.forEach((entry, c) => assert.match(entry.text, new RegExp(`^${names[c]} \\d+$`)));
    assert.equal(entries.reduce((sum, e) => sum + Number(e.text.split(' ').at(-1)), 0), TEST_IMAGES, 'the counts add up to the points');
    assert.ok(entries.every((e) => e.drawn > 0), 'points of every level are drawn');
  };
  await legendOf(['square', 'ellipse', 'triangle']);
  await colourBy.selectOption('colour');
  await legendOf(['red', 'green', 'blue', 'yellow', 'magenta', 'cyan']);
  // The colour factor's levels are drawn in their own colours (a "red" swatch is red), the others in the class palette.
  const swatches = () => legend.locator('.swatch').evaluateAll((spans) => spans.map((s) => getComputedStyle(s).backgroundColor));
  assert.deepEqual((await swatches()).slice(0, 3), ['rgb(255, 60, 60)', 'rgb(60, 220, 60)', 'rgb(70, 110, 255)']);
  await colourBy.selectOption('rotation');
  await legendOf(Array.from({ length: 12 }, (_, i) => `${i * 15}°`));
  await page.screenshot({ path: join(SHOTS, 'latent-colour-by.png') });

  // Hiding a level hides its points; colouring by another factor shows every point again.
  await legend.first().click();
  await until(async () => (await legend.first().getAttribute('aria-pressed')) === 'false', 10_000, 'the first rotation hidden');
  await colourBy.selectOption('colour');
  await until(async () => (await legend.count()) === 6 && (await legend.evaluateAll((bs) => bs.every((b) => b.getAttribute('aria-pressed') === 'true'))), 10_000, 'every colour shown');

  // The CSV names each point's level of every factor, and its class is the factor the map shows.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Encodings CSV' }).click()]);
  const [header, ...rows] = (await readFile((await download.path())!, 'utf8')).trim().split('\n');
  const columns = header!.split(',');
  for (const name of ['shape', 'scale', 'rotation', 'x', 'y', 'colour']) assert.ok(columns.includes(`factor ${name}`), `a column for ${name}`);
  const cls = columns.indexOf('class');
  const colour = columns.indexOf('factor colour');
  assert.equal(rows.length, TEST_IMAGES);
  assert.ok(rows.every((row) => row.split(',')[cls] === row.split(',')[colour]), 'class is the colour factor');

  await page.getByRole('tablist', { name: 'Tools' }).getByRole('tab', { name: 'Dimensions' }).click();
  const heat = page.getByRole('table', { name: 'Mutual information per dimension and factor' });
  await heat.waitFor({ timeout: 120_000 });
  assert.deepEqual(await heat.locator('thead th').allTextContents(), ['', 'shape', 'scale', 'rotation', 'x', 'y', 'colour']);
  assert.equal(await heat.locator('tbody tr').count(), LATENT, 'one row per latent dimension');
  const cells = (await heat.locator('tbody td').allTextContents()).map(Number);
  assert.equal(cells.length, LATENT * 6);
  assert.ok(cells.every((v) => v >= 0 && v <= 1), cells.join(' '));
  const mig = Number(await page.locator('[data-mig]').getAttribute('data-mig'));
  assert.ok(mig >= 0 && mig <= 1, `MIG ${mig}`);
  await heat.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'latent-factors.png') });

  // A scene keeps the factor the map is coloured by (here still 'colour'), and its link brings it back.
  const sceneBar = page.getByRole('group', { name: 'Scene' });
  await Promise.all([page.waitForEvent('download'), sceneBar.getByRole('button', { name: 'Save scene' }).click()]);
  const link = await sceneBar.getByLabel('Scene link').inputValue();
  assert.equal((sceneFromLinkFragment(link.split('#scene=')[1]!).view as { colourBy?: number }).colourBy, 5);
  await colourBy.selectOption('shape');
  // A fresh window opened on the link (as a shared link is), not this one reloaded: the app takes the
  // scene out of the address once opened, so a reload may or may not still carry it.
  const fresh = await app.browser.newPage();
  await fresh.goto(link);
  await until(async () => (await fresh.getByRole('combobox', { name: 'Colour by' }).inputValue().catch(() => '')) === '5', 60_000, 'the scene colours the map by colour again');
  await fresh.close();
  assert.deepEqual(app.pageErrors, []);
});
