// Figures for print: each builder writes a well-formed SVG (parsed strictly) with vector axes, the
// elements it should draw, a legend and a caption; text is escaped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { barChartSvg, gridPlaces, lineChartSvg, niceTicks, scatterSvg, tilesSvg } from '../../src/shared/print-figure';
import { parseSvg, svgElements, svgText } from '../svg-document';

test('nice ticks are round values within the range', () => {
  assert.deepEqual(niceTicks(0, 10, 5), [0, 2, 4, 6, 8, 10]);
  assert.deepEqual(niceTicks(-3.2, 2.9, 6), [-3, -2, -1, 0, 1, 2]);
  assert.deepEqual(niceTicks(0.13, 0.18, 5), [0.13, 0.14, 0.15, 0.16, 0.17, 0.18]);
});

test('the latent map: one circle per point inside the region, axes, a legend entry per class, the caption', () => {
  const coords = [0, 0, 1, 1, -1, 0.5, 9, 9];
  const svg = scatterSvg({
    title: 'm — latent space',
    caption: 'Test-set encodings of m <vae> & co',
    legend: [
      { label: '0', color: '#f00' },
      { label: '1', color: '#0f0' },
    ],
    coords,
    labels: [0, 1, 1, 0],
    colors: ['#f00', '#0f0'],
    x: [-2, 2],
    y: [-2, 2],
    axisNames: ['z₁', 'z₂'],
    probe: [0.5, 0.5],
  });
  const doc = parseSvg(svg);
  assert.equal(svgElements(doc, 'circle', 'points').length, 3, 'the point at (9, 9) lies outside');
  assert.ok(svgElements(doc, 'line', 'x').length >= 5 && svgElements(doc, 'text', 'y').length >= 5, 'vector ticks and labels');
  assert.equal(svgElements(doc, 'text', 'legend').length, 2);
  assert.equal(svgText(doc, 'desc'), 'Test-set encodings of m <vae> & co');
  assert.match(svg, /m &lt;vae&gt; &amp; co/);
});

test('loss curves: a path per series (test dashed), a log axis of powers of ten', () => {
  const svg = lineChartSvg({
    title: 't',
    caption: 'c',
    series: [
      { color: '#00f', points: [1, 2, 3].map((x) => ({ x, y: 100 / x })) },
      { color: '#00f', dashed: true, points: [1, 2, 3].map((x) => ({ x, y: 120 / x })) },
    ],
    axisNames: ['epoch', 'loss'],
    log: true,
  });
  const doc = parseSvg(svg);
  const paths = svgElements(doc, 'path', 'series');
  assert.equal(paths.length, 2);
  assert.equal(paths[1]!.getAttribute('stroke-dasharray'), '5 4');
  assert.deepEqual(svgElements(doc, 'text', 'y').slice(0, -1).map((t) => t.textContent), ['10', '100', '1000']);
});

test('a usage histogram: a rect per code, x ticks named by the codes in their order, the uniform line', () => {
  const svg = barChartSvg({ title: 't', caption: 'c', values: [50, 20, 0, 5], keys: [3, 0, 1, 2], color: '#345', axisNames: ['code', 'uses'], log: true, reference: 18.75 });
  const doc = parseSvg(svg);
  assert.equal(svgElements(doc, 'rect', 'bars').length, 4);
  assert.deepEqual(svgElements(doc, 'text', 'x').slice(0, 4).map((t) => t.textContent), ['3', '0', '1', '2']);
  assert.equal(doc.getElementsByTagName('line').length > 0 && svg.includes('class="reference"'), true);
});

test('image tiles are embedded PNG data URIs at their places', () => {
  const href = 'data:image/png;base64,iVBORw0KGgo=';
  const places = gridPlaces(5, 3, 56);
  assert.deepEqual(places[4], { x: 58, y: 58, width: 56, height: 56 });
  const doc = parseSvg(tilesSvg({ title: 't', caption: 'c', tiles: places.map((p) => ({ ...p, href, label: 'a "tile"' })), width: 172, height: 114 }));
  const images = svgElements(doc, 'image', 'tiles');
  assert.equal(images.length, 5);
  assert.ok(images.every((image) => image.getAttribute('href') === href));
  assert.equal(doc.documentElement!.getAttribute('width'), '192');
});
