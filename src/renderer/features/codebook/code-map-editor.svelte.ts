// A VQ-VAE code map being edited: the image's own codes as the model assigned them, and the
// codes after painting. Each drag (pointer down to up) is one undo step.
import { UndoStack } from '../../widgets/undo-stack';

export class CodeMapEditor {
  /** The codes the model gave the image; null until quantised. */
  original = $state.raw<number[] | null>(null);
  codes = $state.raw<number[]>([]);
  canUndo = $state(false);
  canRedo = $state(false);

  private readonly history = new UndoStack<number[]>();
  private strokeStart: number[] | null = null;

  /** Cells whose code differs from the model's own. */
  edited = $derived(this.original ? this.codes.filter((c, i) => c !== this.original![i]).length : 0);

  /** A freshly quantised image: its codes become the base, and the history starts over. */
  load(codes: number[]): void {
    this.original = codes;
    this.codes = codes;
    this.history.clear();
    this.strokeStart = null;
    this.sync();
  }

  beginStroke(): void {
    this.strokeStart = this.codes;
  }

  paint(cell: number, code: number): void {
    if (this.codes[cell] === code || cell < 0 || cell >= this.codes.length) return;
    const next = this.codes.slice();
    next[cell] = code;
    this.codes = next;
  }

  endStroke(): void {
    if (this.strokeStart && this.strokeStart !== this.codes) {
      this.history.record(this.strokeStart);
      this.sync();
    }
    this.strokeStart = null;
  }

  reset(): void {
    if (!this.original || this.edited === 0) return;
    this.history.record(this.codes);
    this.codes = this.original;
    this.sync();
  }

  undo(): void {
    this.endStroke();
    const previous = this.history.undo(this.codes);
    if (previous) this.codes = previous;
    this.sync();
  }

  redo(): void {
    this.endStroke();
    const next = this.history.redo(this.codes);
    if (next) this.codes = next;
    this.sync();
  }

  private sync(): void {
    this.canUndo = this.history.canUndo;
    this.canRedo = this.history.canRedo;
  }
}
