// Print figures in the window: an SVG document (src/shared/print-figure.ts) as a PNG at 2× or 4×,
// the image tiles a figure shows on screen as tiles for an SVG, and the caption's words for a model.
import type { ModelSummary } from '../../shared/contract';
import type { Tile } from '../../shared/print-figure';

/** The scales a print PNG is offered at: sharp on paper and on a projector. */
export const PRINT_SCALES = [2, 4] as const;

/**
 * An SVG document (text) as a PNG `scale`× its own width and height in pixels, drawn by the
 * browser so lines and text are sharp at that scale. Rejects with one line if it cannot be drawn.
 */
export async function svgPng(svg: string, scale: number): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const image = await new Promise<HTMLImageElement>((resolve, reject) => {
      const img = new Image();
      img.onload = () => resolve(img);
      img.onerror = () => reject(new Error('the browser could not draw the figure’s SVG'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(image.naturalWidth * scale);
    canvas.height = Math.round(image.naturalHeight * scale);
    canvas.getContext('2d')!.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('could not encode the PNG'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

/**
 * The image tiles `root` shows — `<img>` tiles with a PNG data URL (LatentTiles), and `role="img"`
 * canvases or canvases inside a `role="img"` element (ImageTile) — at their places on screen
 * relative to the first, each as a PNG data URI at its own resolution; width and height of the box
 * around them. Throws when none is drawn.
 */
export function screenTiles(root: HTMLElement): { tiles: Tile[]; width: number; height: number } {
  const shown = (el: Element) => el.getBoundingClientRect().width > 0;
  const images = [...root.querySelectorAll<HTMLImageElement>('img')].filter((img) => shown(img) && img.src.startsWith('data:image/png;base64,'));
  const canvases = [...root.querySelectorAll<HTMLCanvasElement>('canvas[role="img"], [role="img"] canvas')].filter((c) => shown(c) && c.width > 0);
  const sources = [
    ...images.map((img) => ({ el: img, href: img.src, label: img.alt })),
    ...canvases.map((canvas) => ({ el: canvas, href: canvas.toDataURL('image/png'), label: canvas.getAttribute('aria-label') ?? canvas.closest('[role="img"]')?.getAttribute('aria-label') ?? undefined })),
  ];
  if (!sources.length) throw new Error('the figure has no images drawn yet');
  const rects = sources.map(({ el }) => el.getBoundingClientRect());
  const [left, top] = [Math.min(...rects.map((r) => r.left)), Math.min(...rects.map((r) => r.top))];
  const tiles = sources.map(({ href, label }, i) => ({ href, label, x: rects[i]!.left - left, y: rects[i]!.top - top, width: rects[i]!.width, height: rects[i]!.height }));
  return { tiles, width: Math.max(...rects.map((r) => r.right)) - left, height: Math.max(...rects.map((r) => r.bottom)) - top };
}

/** A model in a caption's words: "mnist-vae-2d (vae-mlp-2: VAE, 2-D latent, 30 epochs) on mnist". */
export function modelCaption(model: ModelSummary): string {
  const training = model.imported ? 'imported from ONNX' : `${model.epochs} epoch${model.epochs === 1 ? '' : 's'}`;
  return `${model.name} (${model.recipe}: ${model.family.toUpperCase()}, ${model.latent}-D ${model.family === 'vqvae' ? 'codes' : 'latent'}, ${training}) on ${model.dataset}`;
}
