// The inpainting mask being edited: brush strokes, whole-mask operations and their undo history.
// Each stroke (pointer down to up) and each operation is one undo step.
import { HIDDEN, VISIBLE, fullMask, invertMask, paintSegment, randomBlockMask, randomPixelMask, type MaskGrid } from './mask-painter';
import { MNIST_SHAPE } from '../../../shared/network';
import type { PixelPoint } from '../../widgets/pointer-grid';
import { EditHistory } from '../../widgets/edit-history.svelte';

export type MaskTool = 'hide' | 'reveal';

export class MaskEditor {
  /** The model's image height and width: the mask has one byte per pixel position. */
  grid = $state.raw<MaskGrid>(MNIST_SHAPE);
  mask = $state.raw<Uint8Array>(fullMask());
  tool = $state<MaskTool>('hide');
  /** Brush diameter in image pixels. */
  brushSize = $state(3);
  readonly history = new EditHistory<Uint8Array>();

  private last: PixelPoint | null = null;
  private strokeStart: Uint8Array | null = null;
  private strokeValue = HIDDEN;

  /** Another image size (another model): a fresh mask of that size, and no history. */
  setGrid(grid: MaskGrid): void {
    if (grid.height === this.grid.height && grid.width === this.grid.width) return;
    this.grid = { height: grid.height, width: grid.width };
    this.mask = fullMask(this.grid);
    this.history.clear();
  }

  get painting(): boolean {
    return this.last !== null;
  }

  /** `tool` overrides the chosen one for this stroke (the secondary button erases). */
  beginStroke(at: PixelPoint, tool: MaskTool = this.tool): void {
    this.strokeStart = this.mask;
    this.strokeValue = tool === 'hide' ? HIDDEN : VISIBLE;
    this.last = at;
    this.mask = paintSegment(this.mask, at, at, this.brushSize, this.strokeValue, this.grid);
  }

  moveStroke(at: PixelPoint): void {
    if (!this.last) return;
    this.mask = paintSegment(this.mask, this.last, at, this.brushSize, this.strokeValue, this.grid);
    this.last = at;
  }

  endStroke(): void {
    if (this.strokeStart && this.strokeStart !== this.mask) this.history.record(this.strokeStart);
    this.strokeStart = null;
    this.last = null;
  }

  invert(): void {
    this.replace(invertMask(this.mask));
  }

  clear(): void {
    this.replace(fullMask(this.grid));
  }

  randomPixels(ratio: number): void {
    this.replace(randomPixelMask(ratio, Math.random, this.grid));
  }

  randomBlocks(ratio: number): void {
    this.replace(randomBlockMask(ratio, Math.random, this.grid));
  }

  undo(): void {
    this.endStroke();
    this.mask = this.history.undo(this.mask);
  }

  redo(): void {
    this.endStroke();
    this.mask = this.history.redo(this.mask);
  }

  /** Makes `next` the mask, as one undo step (whole-mask operations, a scene's mask). */
  replace(next: Uint8Array): void {
    this.endStroke();
    if (next.every((v, i) => v === this.mask[i])) return;
    this.history.record(this.mask);
    this.mask = next;
  }
}
