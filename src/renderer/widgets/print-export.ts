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
 * The image tiles `root` shows (each `role="img"` canvas, or a canvas inside a `role="img"`
 * element), at their places on screen relative to the first one, each as a PNG data URI at the
 * canvas's own resolution; width and height of the box around them. Throws when none is drawn.
 */
export function screenTiles(root: HTMLElement): { tiles: Tile[]; width: number; height: number } {
  const canvases = [...root.querySelectorAll<HTMLCanvasElement>('canvas[role="img"], [role="img"] canvas')].filter((c) => c.width > 0 && c.getBoundingClientRect().width > 0);
  if (!canvases.length) throw new Error('the figure has no images drawn yet');
  const rects = canvases.map((c) => c.getBoundingClientRect());
  const [left, top] = [Math.min(...rects.map((r) => r.left)), Math.min(...rects.map((r) => r.top))];
  const tiles = canvases.map((canvas, i) => ({
    href: canvas.toDataURL('image/png'),
    x: rects[i]!.left - left,
    y: rects[i]!.top - top,
    width: rects[i]!.width,
    height: rects[i]!.height,
    label: canvas.getAttribute('aria-label') ?? canvas.closest('[role="img"]')?.getAttribute('aria-label') ?? undefined,
  }));
  return { tiles, width: Math.max(...rects.map((r) => r.right)) - left, height: Math.max(...rects.map((r) => r.bottom)) - top };
}

/** A model in a caption's words: "mnist-vae-2d (vae-mlp-2: VAE, 2-D latent, 30 epochs) on mnist". */
export function modelCaption(model: ModelSummary): string {
  const training = model.imported ? 'imported from ONNX' : `${model.epochs} epoch${model.epochs === 1 ? '' : 's'}`;
  return `${model.name} (${model.recipe}: ${model.family.toUpperCase()}, ${model.latent}-D ${model.family === 'vqvae' ? 'codes' : 'latent'}, ${training}) on ${model.dataset}`;
}
