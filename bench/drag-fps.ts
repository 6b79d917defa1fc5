// The core gesture, measured end to end: web mode with the bundled MNIST VAE 2-D, Debian's
// Chromium, the pointer dragging the probe around the latent map without pause for ~5 s. Counts
// the decoded images the page actually paints per second (each paint bumps the canvas's
// data-frame), plus time to interactive and the decode round trip through the engine process.
// Run: node --import tsx bench/drag-fps.ts [--seconds 5]   (prints one JSON object)
import { parseArgs } from 'node:util';
import type { Result } from '../src/shared/contract';
import { findSample, framesSeen, map, plotBox, probe, watchDecodedFrames } from '../test/e2e/latent-page';
import { startWebApp, until } from '../test/e2e/web-app';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' } } });
const SECONDS = Number(values.seconds);
const MODEL = 'bundled/mnist-vae-2d';
/** Pointer moves dispatched ahead of the page. */
const PIPELINE = 4;

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const round = (x: number, digits = 1) => Number(x.toFixed(digits));

async function main(): Promise<void> {
  const app = await startWebApp();
  try {
    const { page, server } = app;
    const started = Date.now();
    await page.goto(server.url);
    await map(page).and(page.locator('[data-ready="true"]')).waitFor({ timeout: 60_000 });
    await until(async () => Number(await page.getByRole('img', { name: 'Decoded image' }).getAttribute('data-frame')) >= 1, 60_000);
    const timeToInteractiveMs = Date.now() - started;
    await map(page).and(page.locator('[data-points="10000"]')).waitFor({ timeout: 60_000 });

    // Decode round trip of one point through the web server's engine process, as the page sees it minus the browser.
    const roundTrips: number[] = [];
    for (let i = 0; i < 300; i++) {
      const t = performance.now();
      await server.engine.call('model.decode', { id: MODEL, z: [[Math.sin(i) * 2, Math.cos(i * 1.3) * 2]] });
      roundTrips.push(performance.now() - t);
    }
    roundTrips.sort((a, b) => a - b);
    const { backend } = (await server.engine.call('engine.info', {})) as Result<'engine.info'>;

    // Drag the probe on a Lissajous curve over the middle of the map. Pointer moves are pipelined
    // (a few dispatched ahead, as a real pointer does not wait for the page) so that the driver's
    // own round trip does not cap the rate; the page coalesces them as a browser does.
    await findSample(page); // warms the hover path the drag passes through
    const box = await plotBox(page);
    const start = (await probe(page).boundingBox())!;
    await page.mouse.move(start.x + start.width / 2, start.y + start.height / 2);
    await page.mouse.down();
    await watchDecodedFrames(page);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
    const before = await metrics();
    const [cx, cy, rx, ry] = [box.x + box.width / 2, box.y + box.height / 2, box.width * 0.35, box.height * 0.35];
    const t0 = Date.now();
    let moves = 0;
    const inFlight = new Set<Promise<void>>();
    while (Date.now() - t0 < SECONDS * 1000) {
      const t = (Date.now() - t0) / 1000;
      const move = page.mouse.move(cx + rx * Math.sin(t * 1.7), cy + ry * Math.sin(t * 2.3)).finally(() => inFlight.delete(move));
      inFlight.add(move);
      moves += 1;
      if (inFlight.size >= PIPELINE) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    const elapsed = (Date.now() - t0) / 1000;
    const seen = await framesSeen(page);
    const after = await metrics();
    const busy = (name: string) => round(((after[name]! - before[name]!) / elapsed) * 100);
    await page.mouse.up();

    const gaps = seen.times.slice(1).map((t, i) => t - seen.times[i]!).sort((a, b) => a - b);
    console.log(
      JSON.stringify(
        {
          backend: backend.name,
          model: MODEL,
          timeToInteractiveMs,
          decodeRoundTripMs: { p50: round(quantile(roundTrips, 0.5), 2), p95: round(quantile(roundTrips, 0.95), 2) },
          drag: {
            seconds: round(elapsed, 2),
            pointerMoves: moves,
            pointerMovesPerSec: round(moves / elapsed),
            imagesShown: seen.frames,
            distinctImages: seen.distinct,
            imagesPerSec: round(seen.frames / elapsed),
            frameGapMs: { p50: round(quantile(gaps, 0.5)), p95: round(quantile(gaps, 0.95)) },
            /** Share of the drag the page's main thread spent on each kind of work, %. */
            pageBusyPercent: { task: busy('TaskDuration'), script: busy('ScriptDuration'), layout: busy('LayoutDuration'), style: busy('RecalcStyleDuration') },
          },
          pageErrors: app.pageErrors,
        },
        null,
        2
      )
    );
  } finally {
    await app.close();
  }
}

await main();
