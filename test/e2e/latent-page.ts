// The latent space view as tests and the drag benchmark see it: where the map, probe and decoded
// image are, how to find a sample under the pointer, and an in-page record of every image the
// decoded canvas shows (each paint bumps its data-frame; the pixels are fingerprinted on the spot).
import type { Locator, Page } from 'playwright-core';

export const map = (page: Page) => page.getByRole('figure', { name: 'Latent space', exact: true });
export const probe = (page: Page) => page.getByRole('slider', { name: 'Probe' });
export const decodedImage = (page: Page) => page.getByRole('img', { name: 'Decoded image' });

export interface FramesSeen {
  /** Paints of the decoded image since watching began. */
  frames: number;
  /** Distinct pixel contents among them. */
  distinct: number;
  /** Page time (ms) of each paint. */
  times: number[];
}

/** Starts recording the decoded image's paints (and forgets earlier ones). */
export async function watchDecodedFrames(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    window.__frames?.observer.disconnect();
    const canvas = document.querySelector('canvas[aria-label="Decoded image"]');
    const record = { frames: 0, prints: new Set(), times: [], observer: null };
    const fingerprint = () => {
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let h = 2166136261;
      for (let i = 0; i < pixels.length; i += 4) h = Math.imul(h ^ pixels[i], 16777619);
      return h >>> 0;
    };
    record.observer = new MutationObserver(() => {
      record.frames += 1;
      record.times.push(performance.now());
      record.prints.add(fingerprint());
    });
    record.observer.observe(canvas, { attributes: true, attributeFilter: ['data-frame'] });
    window.__frames = record;
  })()`);
}

export async function framesSeen(page: Page): Promise<FramesSeen> {
  return (await page.evaluate('({ frames: window.__frames.frames, distinct: window.__frames.prints.size, times: window.__frames.times })')) as FramesSeen;
}

/** The map's plotting area on the page (the SVG that takes the pointer). */
export async function plotBox(page: Page): Promise<{ x: number; y: number; width: number; height: number }> {
  const box = await map(page).locator('svg[role="application"]').boundingBox();
  if (!box) throw new Error('the latent map is not on screen');
  return box;
}

/**
 * Hovers the map on a spiral out from `near` (default: its centre) until the hover card names a
 * test sample, away from the probe and from `avoid`; returns where, and which sample.
 */
export async function findSample(page: Page, options: { near?: { x: number; y: number }; avoid?: { x: number; y: number }[] } = {}) {
  const box = await plotBox(page);
  const centre = options.near ?? { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const probeBox = await probe(page).boundingBox();
  const avoid = [...(options.avoid ?? []), ...(probeBox ? [{ x: probeBox.x + probeBox.width / 2, y: probeBox.y + probeBox.height / 2 }] : [])];
  for (let step = 0; step < 400; step++) {
    const angle = step * 0.7;
    const radius = 4 + step * 1.2;
    const point = { x: centre.x + radius * Math.cos(angle), y: centre.y + radius * Math.sin(angle) };
    const inside = point.x > box.x + 50 && point.x < box.x + box.width - 20 && point.y > box.y + 40 && point.y < box.y + box.height - 40;
    if (!inside || avoid.some((a) => Math.hypot(a.x - point.x, a.y - point.y) < 30)) continue;
    await page.mouse.move(point.x, point.y);
    const card = page.getByRole('tooltip');
    if (!(await card.isVisible())) continue;
    const match = /test #(\d+)/.exec(await card.innerText());
    if (match) return { ...point, index: Number(match[1]) };
  }
  throw new Error('no sample found under the pointer');
}

/** Size and colour of a picture (an <img> or a <canvas>): pixels whose channels differ by more than 40 count as coloured. Read as source text (page CSP). */
export async function picture(page: Page, target: Locator): Promise<{ width: number; height: number; coloured: number }> {
  await target.evaluate((element) => element.setAttribute('data-measured', ''));
  return (await page.evaluate(`(() => {
    const element = document.querySelector('[data-measured]');
    element.removeAttribute('data-measured');
    const width = element.naturalWidth ?? element.width;
    const height = element.naturalHeight ?? element.height;
    const canvas = document.createElement('canvas');
    [canvas.width, canvas.height] = [width, height];
    const ctx = canvas.getContext('2d');
    ctx.drawImage(element, 0, 0);
    const data = ctx.getImageData(0, 0, width, height).data;
    let coloured = 0;
    for (let i = 0; i < data.length; i += 4) if (Math.max(data[i], data[i + 1], data[i + 2]) - Math.min(data[i], data[i + 1], data[i + 2]) > 40) coloured++;
    return { width, height, coloured };
  })()`)) as { width: number; height: number; coloured: number };
}
