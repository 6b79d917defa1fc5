// The latent map at scale: `latent-explorer serve` (web mode) with the bundled MNIST VAE 2-D and
// its 10,000 test encodings on the map, in Debian's Chromium. Three gestures of ~5 s each: pan
// (a drag on the plot), zoom (the wheel, in and out) and hover (the pointer sweeping over the
// points, the hover card following). For each, the frames the page produced per second (counted
// with requestAnimationFrame: a frame the main thread is too busy for is a frame not produced),
// the gaps between frames, and the pointer or wheel events sent.
// Run: node --import tsx bench/map-fps.ts [--seconds 5]   (prints one JSON object)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { map, plotBox, probe } from '../test/e2e/latent-page';
import { launchBrowser } from '../test/e2e/web-app';
import { quantile, round } from './figures';
import { serve } from './serve';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' } } });
const SECONDS = Number(values.seconds);
/** Input events dispatched ahead of the page, as a real pointer does not wait for it either. */
const PIPELINE = 4;


/** Starts counting animation frames in the page (and forgets earlier ones). */
const START_FRAMES = `(() => {
  window.__mapFrames = { times: [], on: true };
  const tick = (t) => { if (!window.__mapFrames.on) return; window.__mapFrames.times.push(t); requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
})()`;
const STOP_FRAMES = `(() => { window.__mapFrames.on = false; return window.__mapFrames.times; })()`;

/** Runs `step(t)` (t: seconds since the start) as fast as the page takes its events, for SECONDS; returns frames and events per second. */
async function measure(page: Page, step: (t: number) => Promise<void>) {
  await page.evaluate(START_FRAMES);
  const t0 = Date.now();
  let events = 0;
  const inFlight = new Set<Promise<void>>();
  while (Date.now() - t0 < SECONDS * 1000) {
    const sent = step((Date.now() - t0) / 1000).finally(() => inFlight.delete(sent));
    inFlight.add(sent);
    events += 1;
    if (inFlight.size >= PIPELINE) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const elapsed = (Date.now() - t0) / 1000;
  const times = (await page.evaluate(STOP_FRAMES)) as number[];
  const gaps = times.slice(1).map((t, i) => t - times[i]!).sort((a, b) => a - b);
  return {
    seconds: round(elapsed, 2),
    eventsPerSec: round(events / elapsed),
    framesPerSec: round(times.length / elapsed),
    frameGapMs: { p50: round(quantile(gaps, 0.5)), p95: round(quantile(gaps, 0.95)), max: round(gaps.at(-1) ?? NaN) },
  };
}

async function main(): Promise<void> {
  const modelsDir = await mkdtemp(join(tmpdir(), 'latent-explorer-bench-'));
  const server = await serve(modelsDir);
  const { browser, page, pageErrors } = await launchBrowser();
  try {
    await page.goto(server.url);
    await map(page).and(page.locator('[data-points="10000"]')).waitFor({ timeout: 60_000 });
    const box = await plotBox(page);
    const [cx, cy, rx, ry] = [box.x + box.width / 2, box.y + box.height / 2, box.width * 0.3, box.height * 0.3];
    // Idle first: what the page gives with nothing happening.
    const idle = await measure(page, () => new Promise((done) => setTimeout(done, 50)));

    // Pan: press on the plot away from the probe, then drag on a circle.
    const probeBox = (await probe(page).boundingBox())!;
    const grab = { x: box.x + box.width * 0.2, y: box.y + box.height * 0.25 };
    if (Math.hypot(grab.x - probeBox.x, grab.y - probeBox.y) < 40) grab.y = box.y + box.height * 0.75;
    await page.mouse.move(grab.x, grab.y);
    await page.mouse.down();
    const pan = await measure(page, (t) => page.mouse.move(grab.x + 120 * Math.sin(t * 2.1), grab.y + 90 * (1 - Math.cos(t * 1.3))));
    await page.mouse.up();

    // Zoom: the wheel over the middle of the map, two seconds in and out per cycle.
    await page.mouse.move(cx, cy);
    const zoom = await measure(page, (t) => page.mouse.wheel(0, Math.sin(t * Math.PI) > 0 ? -60 : 60));
    await page.getByRole('button', { name: 'Reset view' }).click();

    // Hover: the pointer sweeping over the points, no button down.
    const hover = await measure(page, (t) => page.mouse.move(cx + rx * Math.sin(t * 1.7), cy + ry * Math.sin(t * 2.3)));

    const points = Number(await map(page).getAttribute('data-points'));
    console.log(JSON.stringify({ model: 'bundled/mnist-vae-2d', points, idle, pan, zoom, hover, pageErrors }, null, 2));
  } finally {
    await browser.close();
    await server.stop();
    await rm(modelsDir, { recursive: true, force: true });
  }
}

await main();
