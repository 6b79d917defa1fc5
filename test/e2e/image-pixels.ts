// Reading what an explorer view shows: the pixels of its named images (a role=img holding a
// canvas), so a test asserts that a picture really changed, not just that it was repainted.
import type { Page } from 'playwright-core';

/** The canvas inside the image named `name`, as a PNG data URL. Sent as source text (page CSP). */
export async function imagePixels(page: Page, name: string): Promise<string> {
  const selector = `[role="img"][aria-label=${JSON.stringify(name)}] canvas`;
  const url = await page.evaluate(`document.querySelector(${JSON.stringify(selector)})?.toDataURL() ?? null`);
  if (typeof url !== 'string') throw new Error(`no image named "${name}" on the page`);
  return url;
}

/** How many times the image named `name` has been painted. */
export async function imageFrames(page: Page, name: string): Promise<number> {
  const frame = await page.locator(`[role="img"][aria-label=${JSON.stringify(name)}] canvas`).getAttribute('data-frame');
  return Number(frame ?? 0);
}
