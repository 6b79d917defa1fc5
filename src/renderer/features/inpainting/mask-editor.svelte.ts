// The inpainting mask being edited: brush strokes, whole-mask operations and their undo history.
// Each stroke (pointer down to up) and each operation is one undo step.
import { HIDDEN, VISIBLE, fullMask, invertMask, paintSegment, randomBlockMask, randomPixelMask } from './mask-painter';
import type { PixelPoint } from '../../widgets/pointer-grid';
import { EditHistory } from '../../widgets/edit-history.svelte';

export type MaskTool = 'hide' | 'reveal';

export class MaskEditor {
  mask = $state.raw<Uint8Array>(fullMask());
  tool = $state<MaskTool>('hide');
  /** Brush diameter in image pixels. */
  brushSize = $state(3);
  readonly history = new EditHistory<Uint8Array>();

  private last: PixelPoint | null = null;
  private strokeStart: Uint8Array | null = null;
  private strokeValue = HIDDEN;

  get painting(): boolean {
    return this.last !== null;
  }

  /** `tool` overrides the chosen one for this stroke (the secondary button erases). */
  beginStroke(at: PixelPoint, tool: MaskTool = this.tool): void {
    this.strokeStart = this.mask;
    this.strokeValue = tool === 'hide' ? HIDDEN : VISIBLE;
    this.last = at;
    this.mask = paintSegment(this.mask, at, at, this.brushSize, this.strokeValue);
  }

  moveStroke(at: PixelPoint): void {
    if (!this.last) return;
    this.mask = paintSegment(this.mask, this.last, at, this.brushSize, this.strokeValue);
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
    this.replace(fullMask());
  }

  randomPixels(ratio: number): void {
    this.replace(randomPixelMask(ratio));
  }

  randomBlocks(ratio: number): void {
    this.replace(randomBlockMask(ratio));
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
