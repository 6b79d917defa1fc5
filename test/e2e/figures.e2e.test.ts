// End to end in Chromium against web mode: moving figures. The interpolation, a traversal row and
// a recorded probe path export as animated GIFs (read back with omggif: frame count and size as
// set) and as a zip of numbered PNG frames; the frame size and rate are the user's.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { unzipSync } from 'fflate';
import type { Locator, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { pathFrames } from '../../src/shared/animation';
import { decodeGif } from '../gif-frames';
import { decodedImage, map, probe } from './latent-page';
import { until, useWebApp, type WebApp } from './web-app';

let app: WebApp;
let page: Page;

useWebApp((started) => ({ page } = app = started));

/** Clicks `button` of an animation export group and returns the downloaded file's bytes. */
async function exported(group: Locator, button: 'GIF' | 'PNG frames'): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), group.getByRole('button', { name: button, exact: true }).click()]);
  return readFile((await download.path())!);
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
