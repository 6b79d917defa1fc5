// Figures for print: standalone SVG documents built from the data (not from the screen), so axes
// and text stay vector at any size, on white, with a title, a legend and a caption naming the model,
// dataset and settings. The latent map, loss curves, code usage and any grid of image tiles (each
// tile embedded as a PNG data URI, drawn without smoothing). The app turns them into PNG at 2× or
// 4×; the CLI writes them with `figure --svg`.

export interface LegendEntry {
  label: string;
  color: string;
  /** Drawn as a dashed line (a test curve) rather than a dot. */
  dashed?: boolean;
}

export interface PrintText {
  /** One line above the figure. */
  title: string;
  /** Below the figure, wrapped: what it shows, of which model, on which data, with which settings. */
  caption: string;
  legend?: LegendEntry[];
}

type Scale = ((v: number) => number) & { domain: [number, number] };

const FONT = 'font-family="Helvetica, Arial, sans-serif"';
const INK = '#222';
const GRID = '#ddd';
const TITLE_HEIGHT = 30;
const CAPTION_LINE = 15;

/** `text` safe inside XML text and attribute values. */
export function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

const num = (v: number) => (Math.abs(v) < 1e-9 ? '0' : String(Number(v.toFixed(2))));

function linear(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain;
  const k = d1 === d0 ? 0 : (range[1] - range[0]) / (d1 - d0);
  return Object.assign((v: number) => range[0] + (v - d0) * k, { domain });
}

function logScale(domain: [number, number], range: [number, number]): Scale {
  const inner = linear([Math.log10(domain[0]), Math.log10(domain[1])], range);
  return Object.assign((v: number) => inner(Math.log10(Math.max(v, domain[0]))), { domain });
}

/** About `count` round values (1, 2 or 5 × 10ⁿ apart) within [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  // d3's rule: the multiple whose step is nearest the raw one on a log scale.
  const error = raw / power;
  const step = power * (error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.SQRT2 ? 2 : 1);
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** Powers of ten within [lo, hi] (lo > 0), for a log axis. */
function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.ceil(Math.log10(lo) - 1e-9); 10 ** e <= hi * (1 + 1e-9); e++) ticks.push(10 ** e);
  return ticks.length ? ticks : [lo];
}

function tickLabel(v: number): string {
  if (v !== 0 && (Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3)) return v.toExponential(0).replace('e+', 'e');
  return String(Number(v.toPrecision(6)));
}

/** Words of `text` in lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : lines;
}

interface Plot {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Bottom and left axes with grid lines, tick labels and axis names, around `plot`. */
function axes(plot: Plot, x: Scale, y: Scale, xTicks: number[], yTicks: number[], names: [string, string], xLabel: (v: number) => string = tickLabel): string {
  const bottom = plot.top + plot.height;
  const parts = [`<g class="axis x" ${FONT} font-size="11" fill="${INK}">`];
  for (const t of xTicks) {
    const px = num(x(t));
    parts.push(`<line x1="${px}" x2="${px}" y1="${num(plot.top)}" y2="${num(bottom)}" stroke="${GRID}" stroke-width="0.6"/>`);
    parts.push(`<line x1="${px}" x2="${px}" y1="${num(bottom)}" y2="${num(bottom + 5)}" stroke="${INK}"/>`);
    parts.push(`<text x="${px}" y="${num(bottom + 17)}" text-anchor="middle">${xmlEscape(xLabel(t))}</text>`);
  }
  parts.push(`<line x1="${num(plot.left)}" x2="${num(plot.left + plot.width)}" y1="${num(bottom)}" y2="${num(bottom)}" stroke="${INK}"/>`);
  parts.push(`<text x="${num(plot.left + plot.width)}" y="${num(bottom + 32)}" text-anchor="end" font-style="italic">${xmlEscape(names[0])}</text></g>`);
  parts.push(`<g class="axis y" ${FONT} font-size="11" fill="${INK}">`);
  for (const t of yTicks) {
    const py = num(y(t));
    parts.push(`<line x1="${num(plot.left)}" x2="${num(plot.left + plot.width)}" y1="${py}" y2="${py}" stroke="${GRID}" stroke-width="0.6"/>`);
    parts.push(`<line x1="${num(plot.left - 5)}" x2="${num(plot.left)}" y1="${py}" y2="${py}" stroke="${INK}"/>`);
    parts.push(`<text x="${num(plot.left - 8)}" y="${py}" text-anchor="end" dominant-baseline="middle">${tickLabel(t)}</text>`);
  }
  parts.push(`<line x1="${num(plot.left)}" x2="${num(plot.left)}" y1="${num(plot.top)}" y2="${num(bottom)}" stroke="${INK}"/>`);
  parts.push(`<text x="${num(plot.left + 4)}" y="${num(plot.top + 12)}" font-style="italic">${xmlEscape(names[1])}</text></g>`);
  return parts.join('');
}

/** The legend as a box at the top right of `plot`. */
function legendSvg(entries: LegendEntry[], plot: Plot): string {
  if (!entries.length) return '';
  const width = 30 + Math.max(...entries.map((e) => e.label.length)) * 6.6;
  const [x0, y0] = [plot.left + plot.width - width - 6, plot.top + 6];
  const rows = entries.map((e, i) => {
    const y = y0 + 13 + i * 16;
    const key = e.dashed
      ? `<line x1="${num(x0 + 6)}" x2="${num(x0 + 20)}" y1="${num(y)}" y2="${num(y)}" stroke="${e.color}" stroke-width="2" stroke-dasharray="4 3"/>`
      : `<circle cx="${num(x0 + 13)}" cy="${num(y)}" r="4.5" fill="${e.color}"/>`;
    return `${key}<text x="${num(x0 + 26)}" y="${num(y)}" dominant-baseline="middle">${xmlEscape(e.label)}</text>`;
  });
  return `<g class="legend" ${FONT} font-size="11" fill="${INK}"><rect x="${num(x0)}" y="${num(y0)}" width="${num(width)}" height="${entries.length * 16 + 10}" fill="white" fill-opacity="0.9" stroke="${GRID}"/>${rows.join('')}</g>`;
}

/** The whole document: white page, title, `body` (drawn in a `bodyHeight` band), the caption wrapped below. */
function page(width: number, bodyHeight: number, text: PrintText, body: string): string {
  const lines = wrap(text.caption, Math.floor((width - 20) / 6.2));
  const height = TITLE_HEIGHT + bodyHeight + 10 + lines.length * CAPTION_LINE + 8;
  const caption = lines.map((line, i) => `<tspan x="10" y="${TITLE_HEIGHT + bodyHeight + 20 + i * CAPTION_LINE}">${xmlEscape(line)}</tspan>`).join('');
  return [
    `<?xml version="1.0" encoding="UTF-8"?>\n`,
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<title>${xmlEscape(text.title)}</title><desc>${xmlEscape(text.caption)}</desc>`,
    `<rect class="background" width="${width}" height="${height}" fill="white"/>`,
    `<text class="title" x="10" y="20" ${FONT} font-size="15" font-weight="bold" fill="${INK}">${xmlEscape(text.title)}</text>`,
    `<g transform="translate(0,${TITLE_HEIGHT})">${body}</g>`,
    `<text class="caption" ${FONT} font-size="11" fill="#444">${caption}</text>`,
    `</svg>\n`,
  ].join('');
}

const MARGIN = { left: 56, right: 14, top: 8, bottom: 40 };

function plotArea(width: number, height: number): Plot {
  return { left: MARGIN.left, top: MARGIN.top, width: width - MARGIN.left - MARGIN.right, height: height - MARGIN.top - MARGIN.bottom };
}

export interface ScatterFigure extends PrintText {
  /** n × 2 plane coordinates, row-major, and each point's class index. */
  coords: ArrayLike<number>;
  labels: ArrayLike<number>;
  /** Colour of each class index. */
  colors: string[];
  /** The visible region: u from x[0] to x[1], v from y[0] to y[1]; points outside are left out. */
  x: [number, number];
  y: [number, number];
  axisNames: [string, string];
  /** The probe, drawn as a ring, where it lies inside the region. */
  probe?: [number, number];
  width?: number;
}

/**
 * The latent map as SVG: one circle per point inside the region, coloured by class, vector axes,
 * legend, caption. The plot's height follows the region's aspect, so a unit is as long on both axes.
 */
export function scatterSvg(f: ScatterFigure): string {
  const width = f.width ?? 640;
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const plotHeight = Math.round(Math.min(900, Math.max(240, (plotWidth * (f.y[1] - f.y[0])) / (f.x[1] - f.x[0] || 1))));
  const height = plotHeight + MARGIN.top + MARGIN.bottom;
  const plot = plotArea(width, height);
  const x = linear(f.x, [plot.left, plot.left + plot.width]);
  const y = linear(f.y, [plot.top + plot.height, plot.top]);
  const inside = (u: number, v: number) => u >= f.x[0] && u <= f.x[1] && v >= f.y[0] && v <= f.y[1];
  const dots: string[] = [];
  for (let i = 0; i < f.labels.length; i++) {
    const [u, v] = [f.coords[i * 2]!, f.coords[i * 2 + 1]!];
    if (inside(u, v)) dots.push(`<circle cx="${num(x(u))}" cy="${num(y(v))}" r="1.8" fill="${f.colors[f.labels[i]!] ?? INK}"/>`);
  }
  const probe = f.probe && inside(...f.probe) ? `<circle class="probe" cx="${num(x(f.probe[0]))}" cy="${num(y(f.probe[1]))}" r="6" fill="none" stroke="${INK}" stroke-width="1.6"/>` : '';
  const body = [
    axes(plot, x, y, niceTicks(...f.x, 6), niceTicks(...f.y, 6), f.axisNames),
    `<g class="points" fill-opacity="0.75">${dots.join('')}</g>`,
    probe,
    legendSvg(f.legend ?? [], plot),
  ].join('');
  return page(width, height, f, body);
}

export interface LineSeries {
  color: string;
  dashed?: boolean;
  points: { x: number; y: number }[];
}

/** A chart's size in px (default 640 wide) and its plot area inside the margins. */
interface Sized {
  width?: number;
  height?: number;
}

function chartArea(f: Sized, defaultHeight: number): { width: number; height: number; plot: Plot } {
  const [width, height] = [f.width ?? 640, f.height ?? defaultHeight];
  return { width, height, plot: plotArea(width, height) };
}

export interface LineFigure extends PrintText, Sized {
  series: LineSeries[];
  axisNames: [string, string];
  /** A log y axis (losses of very different sizes). */
  log?: boolean;
}

/** Curves (loss against epoch) as SVG: vector axes, one path per series, legend, caption. */
export function lineChartSvg(f: LineFigure): string {
  const { width, height, plot } = chartArea(f, 360);
  const points = f.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.y) && (!f.log || p.y > 0));
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const xDomain: [number, number] = [Math.min(0, ...xs), Math.max(1, ...xs)];
  let yDomain: [number, number] = ys.length ? [Math.min(...ys), Math.max(...ys)] : [f.log ? 0.1 : 0, 1];
  if (f.log) yDomain = [10 ** Math.floor(Math.log10(yDomain[0])), 10 ** Math.ceil(Math.log10(yDomain[1]) + (yDomain[0] === yDomain[1] ? 1 : 0))];
  else {
    const ticks = niceTicks(yDomain[0] === yDomain[1] ? yDomain[0] - 1 : yDomain[0], yDomain[0] === yDomain[1] ? yDomain[1] + 1 : yDomain[1], 5);
    const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : 1;
    yDomain = [Math.floor(yDomain[0] / step) * step, Math.ceil(yDomain[1] / step) * step + (yDomain[0] === yDomain[1] ? step : 0)];
  }
  const x = linear(xDomain, [plot.left, plot.left + plot.width]);
  const y = (f.log ? logScale : linear)(yDomain, [plot.top + plot.height, plot.top]);
  const paths = f.series.map((s) => {
    const shown = s.points.filter((p) => Number.isFinite(p.y) && (!f.log || p.y > 0));
    if (!shown.length) return '';
    const d = shown.map((p, i) => `${i ? 'L' : 'M'}${num(x(p.x))},${num(y(p.y))}`).join('');
    const dots = shown.length <= 40 ? shown.map((p) => `<circle cx="${num(x(p.x))}" cy="${num(y(p.y))}" r="2.6" fill="${s.dashed ? 'white' : s.color}" stroke="${s.color}"/>`).join('') : '';
    return `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.8"${s.dashed ? ' stroke-dasharray="5 4"' : ''}/>${dots}`;
  });
  const body = [
    axes(plot, x, y, niceTicks(...xDomain, 8), f.log ? logTicks(...yDomain) : niceTicks(...yDomain, 5), f.axisNames),
    `<g class="series">${paths.join('')}</g>`,
    legendSvg(f.legend ?? [], plot),
  ].join('');
  return page(width, height, f, body);
}

export interface BarFigure extends PrintText, Sized {
  /** One bar per value, in this order; `keys` name them (code numbers). */
  values: number[];
  keys: number[];
  color: string;
  axisNames: [string, string];
  /** A log y axis from 1 (heavy-tailed counts). */
  log?: boolean;
  /** A dashed horizontal reference line (uniform use). */
  reference?: number;
}

/** A histogram (uses per code) as SVG: one rect per value, vector axes, optional reference line, caption. */
export function barChartSvg(f: BarFigure): string {
  const { width, height, plot } = chartArea(f, 300);
  const top = Math.max(1, ...f.values);
  const yDomain: [number, number] = f.log ? [1, 10 ** Math.ceil(Math.log10(top))] : [0, Math.max(top, niceTicks(0, top, 5).at(-1)!)];
  const y = (f.log ? logScale : linear)(yDomain, [plot.top + plot.height, plot.top]);
  const band = plot.width / Math.max(1, f.values.length);
  const gap = f.values.length > 128 ? 0 : band * 0.18;
  const bars = f.values.map((v, i) => {
    const yTop = y(Math.max(v, f.log ? 1 : 0));
    return `<rect x="${num(plot.left + i * band + gap / 2)}" y="${num(yTop)}" width="${num(band - gap)}" height="${num(plot.top + plot.height - yTop)}" fill="${f.color}"><title>${f.keys[i]}: ${v}</title></rect>`;
  });
  // The x axis names bars by position: ticks at a few of them, labelled with their keys.
  const every = Math.max(1, Math.ceil(f.values.length / 12));
  const x = Object.assign((i: number) => plot.left + (i + 0.5) * band, { domain: [0, f.values.length] as [number, number] });
  const xTicks = f.values.map((_, i) => i).filter((i) => i % every === 0);
  const reference = f.reference !== undefined && f.reference > 0 ? `<line class="reference" x1="${num(plot.left)}" x2="${num(plot.left + plot.width)}" y1="${num(y(f.reference))}" y2="${num(y(f.reference))}" stroke="${INK}" stroke-dasharray="5 4"/>` : '';
  const body = [
    axes(plot, x, y, xTicks, f.log ? logTicks(...yDomain) : niceTicks(...yDomain, 5), f.axisNames, (i) => String(f.keys[i] ?? i)),
    `<g class="bars">${bars.join('')}</g>`,
    reference,
    legendSvg(f.legend ?? [], plot),
  ].join('');
  return page(width, height, f, body);
}

export interface Tile {
  /** The tile as a PNG data URI (`data:image/png;base64,…`). */
  href: string;
  /** Place and size in the figure, in px. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** What the tile shows, for the SVG's own tooltip and for readers. */
  label?: string;
}

export interface TilesFigure extends PrintText {
  tiles: Tile[];
  width: number;
  height: number;
}

/** A grid of image tiles (manifold, samples, interpolation…) as SVG: each tile an embedded PNG, drawn pixelated. */
export function tilesSvg(f: TilesFigure): string {
  const body = f.tiles
    .map(
      (t) =>
        `<image x="${num(t.x + 10)}" y="${num(t.y)}" width="${num(t.width)}" height="${num(t.height)}" preserveAspectRatio="none" image-rendering="pixelated" style="image-rendering:pixelated" href="${t.href}" xlink:href="${t.href}">${t.label ? `<title>${xmlEscape(t.label)}</title>` : ''}</image>`
    )
    .join('');
  // Whole pixels: a PNG of the figure is drawn at its SVG's size, which browsers take as whole pixels.
  return page(Math.ceil(f.width) + 20, Math.ceil(f.height), f, `<g class="tiles">${body}</g>`);
}

/** `count` tiles of `width`×`height` px in rows of `columns`, 2 px apart (the CLI's grids; the app takes tile places from the screen). */
export function gridPlaces(count: number, columns: number, width: number, height = width): { x: number; y: number; width: number; height: number }[] {
  return Array.from({ length: count }, (_, k) => ({ x: (k % columns) * (width + 2), y: Math.floor(k / columns) * (height + 2), width, height }));
}
