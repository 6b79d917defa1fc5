// End to end in Chromium against web mode: presentation mode. The side panel and status bar go,
// the probe's decoded image grows, the arrow keys move the probe wherever the focus is,
// PageDown/PageUp (a presenter's remote) step through the recorded path showing its images, Space
// replays it, and Escape leaves.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { decodedImage, map } from './latent-page';
import { SHOTS, until, useWebApp, type WebApp } from './web-app';

let app: WebApp;
let page: Page;

useWebApp((started) => ({ page } = app = started));

const nav = () => page.getByRole('navigation', { name: 'Views' });
const path = () => page.getByRole('group', { name: 'Probe path' });
const probeU = async () => Number(await page.getByRole('spinbutton', { name: 'Probe z₁', exact: true }).inputValue());
const frames = async () => Number(await decodedImage(page).getAttribute('data-frame'));
const pixels = async () => (await page.evaluate(`document.querySelector('canvas[aria-label="Decoded image"]').toDataURL()`)) as string;
const unfocus = () => page.evaluate('document.activeElement?.blur()');

/** Presses `key` and waits for the decoded image to be painted again; returns its pixels then. */
async function pressAndDecode(key: string): Promise<string> {
  const before = await frames();
  await page.keyboard.press(key);
  await until(async () => (await frames()) > before, 15_000, `decoded after ${key}`);
  return pixels();
}

test('presentation mode hides the side panel, enlarges the probe image, and takes the probe and path steps from the keyboard', async () => {
  await page.goto(`${app.server.url}#/latent-space`);
  await map(page).and(page.locator('[data-points="10000"]')).waitFor({ timeout: 60_000 });
  await until(async () => (await frames()) >= 1, 60_000, 'first decoded image');
  const small = (await decodedImage(page).boundingBox())!.width;

  await page.getByRole('button', { name: 'Present' }).click();
  await nav().waitFor({ state: 'hidden' });
  assert.equal(await page.locator('footer.bar').isVisible(), false, 'no status bar');
  const large = (await decodedImage(page).boundingBox())!.width;
  assert.ok(large > small * 1.5, `the decoded image grows (${small} → ${large} px)`);

  // Arrow keys move the probe with the focus anywhere (here: nowhere).
  await unfocus();
  const u = await probeU();
  await pressAndDecode('ArrowRight');
  assert.ok((await probeU()) > u, 'ArrowRight moves the probe right');

  // Record a short path, then step through it with the remote's keys.
  await path().getByRole('button', { name: 'Record path' }).click();
  await unfocus();
  const recorded = [await pixels()];
  for (const key of ['ArrowUp', 'ArrowUp', 'Shift+ArrowLeft']) recorded.push(await pressAndDecode(key));
  await path().getByRole('button', { name: 'Stop recording' }).click();
  await unfocus();
  for (let i = 0; i < recorded.length; i++) {
    await page.keyboard.press('PageDown');
    await until(async () => (await path().getAttribute('data-step')) === String(i), 5000, `step ${i}`);
    await until(async () => (await pixels()) === recorded[i], 15_000, `step ${i} shows recorded image ${i}`);
  }
  await page.keyboard.press('PageUp');
  await until(async () => (await path().getAttribute('data-step')) === String(recorded.length - 2), 5000, 'PageUp steps back');

  // Space replays the path to its end.
  await page.keyboard.press('Space');
  await until(async () => (await path().getAttribute('data-playing')) === 'false' && (await path().getAttribute('data-step')) === String(recorded.length - 1), 30_000, 'replayed');
  await until(async () => (await pixels()) === recorded.at(-1), 15_000, 'ends on the last recorded image');
  await page.screenshot({ path: join(SHOTS, 'presentation.png') });

  await page.keyboard.press('Escape');
  await nav().waitFor({ state: 'visible' });
  assert.ok((await decodedImage(page).boundingBox())!.width < large, 'back to the usual layout');
  assert.deepEqual(app.pageErrors, []);
});
