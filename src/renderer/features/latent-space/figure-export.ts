// Exports: a figure as PNG (its canvases, images and SVGs composited where they sit on screen, SVGs drawn
// through an image with their computed styles inlined) and data as CSV, each handed to the user
// by widgets/download.ts.
import { csvFormat } from 'd3';

/** Styles that CSS gives SVG elements here; a serialised SVG has no stylesheet, so they go inline. */
const SVG_STYLES = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'text-anchor',
  'dominant-baseline',
  'paint-order',
  'visibility',
  'display',
];

export interface LegendEntry {
  label: string;
  color: string;
}

export function csvBlob(rows: Record<string, string | number>[], columns: string[]): Blob {
  return new Blob([csvFormat(rows, columns) + '\n'], { type: 'text/csv' });
}

function inlinedSvg(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const originals = [svg, ...svg.querySelectorAll('*')];
  const copies = [copy, ...copy.querySelectorAll('*')];
  originals.forEach((element, i) => {
    const style = getComputedStyle(element);
    (copies[i] as SVGElement).setAttribute('style', SVG_STYLES.map((p) => `${p}:${style.getPropertyValue(p)}`).join(';'));
  });
  const { width, height } = svg.getBoundingClientRect();
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('width', String(width));
  copy.setAttribute('height', String(height));
  return new XMLSerializer().serializeToString(copy);
}

function svgImage(svg: SVGSVGElement): Promise<HTMLImageElement> {
  const url = URL.createObjectURL(new Blob([inlinedSvg(svg)], { type: 'image/svg+xml' }));
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error('could not render the figure’s SVG'));
    image.src = url;
  }).finally(() => URL.revokeObjectURL(url)) as Promise<HTMLImageElement>;
}

/** The legend at the top right, in as many columns as it needs to fit `maxHeight` (47 classes do not fit one). */
function drawLegend(ctx: CanvasRenderingContext2D, legend: LegendEntry[], right: number, top: number, maxHeight: number): void {
  const ROW = 18;
  ctx.font = '12px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  const rows = Math.max(1, Math.min(legend.length, Math.floor((maxHeight - 10) / ROW)));
  const columns = Math.ceil(legend.length / rows);
  const columnWidth = Math.max(...legend.map((e) => ctx.measureText(e.label).width)) + 30;
  const left = right - columns * columnWidth;
  ctx.fillStyle = 'rgba(17, 19, 23, 0.85)';
  ctx.fillRect(left, top, columns * columnWidth, rows * ROW + 10);
  legend.forEach((entry, i) => {
    const x = left + Math.floor(i / rows) * columnWidth;
    const y = top + 14 + (i % rows) * ROW;
    ctx.fillStyle = entry.color;
    ctx.beginPath();
    ctx.arc(x + 12, y, 4.5, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = '#e6e8ec';
    ctx.fillText(entry.label, x + 22, y);
  });
}

/**
 * The canvases, images and SVGs inside `root`, composited at their on-screen places on the theme's
 * background (cropped to them), at `scale`× for a sharp image; a title above and a legend at the
 * top right.
 */
export async function figurePng(root: HTMLElement, options: { title?: string; legend?: LegendEntry[]; scale?: number } = {}): Promise<Blob> {
  const scale = options.scale ?? 2;
  const layers = [...root.querySelectorAll<HTMLCanvasElement | HTMLImageElement | SVGSVGElement>('canvas, img, svg')].filter(
    (el) => !el.parentElement?.closest('svg') && el.getBoundingClientRect().width > 0
  );
  if (!layers.length) throw new Error('the figure has nothing drawn yet');
  // The picture is where the layers are: captions and controls (HTML text) are left out.
  const rects = layers.map((layer) => layer.getBoundingClientRect());
  const left = Math.min(...rects.map((r) => r.left));
  const top = Math.min(...rects.map((r) => r.top));
  const box = { left, top, width: Math.max(...rects.map((r) => r.right)) - left, height: Math.max(...rects.map((r) => r.bottom)) - top };
  const titleHeight = options.title ? 28 : 0;
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(box.width * scale);
  canvas.height = Math.round((box.height + titleHeight) * scale);
  const ctx = canvas.getContext('2d')!;
  ctx.scale(scale, scale);
  ctx.fillStyle = '#111317';
  ctx.fillRect(0, 0, box.width, box.height + titleHeight);
  if (options.title) {
    ctx.fillStyle = '#e6e8ec';
    ctx.font = '600 14px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    ctx.fillText(options.title, 10, titleHeight / 2);
  }
  for (const [i, layer] of layers.entries()) {
    const rect = rects[i]!;
    const [x, y] = [rect.left - box.left, rect.top - box.top + titleHeight];
    const source = layer instanceof SVGSVGElement ? await svgImage(layer) : layer;
    // Small images scaled up by CSS with crisp pixels stay crisp in the export too.
    ctx.imageSmoothingEnabled = getComputedStyle(layer).imageRendering !== 'pixelated';
    // Whole device pixels, so neighbouring tiles meet without a seam.
    const snap = (v: number) => Math.round(v * scale) / scale;
    ctx.drawImage(source, snap(x), snap(y), snap(x + rect.width) - snap(x), snap(y + rect.height) - snap(y));
  }
  if (options.legend?.length) drawLegend(ctx, options.legend, box.width - 8, titleHeight + 8, box.height - 16);
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('could not encode the PNG'))), 'image/png'));
}
