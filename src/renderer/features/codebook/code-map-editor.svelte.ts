// A VQ-VAE code map being edited: the image's own codes as the model assigned them, and the
// codes after painting. Each drag (pointer down to up) is one undo step.
import { EditHistory } from '../../widgets/edit-history.svelte';

export class CodeMapEditor {
  /** The codes the model gave the image; null until quantised. */
  original = $state.raw<number[] | null>(null);
  codes = $state.raw<number[]>([]);
  readonly history = new EditHistory<number[]>();
  private strokeStart: number[] | null = null;

  /** Cells whose code differs from the model's own. */
  edited = $derived(this.original ? this.codes.filter((c, i) => c !== this.original![i]).length : 0);

  /** A freshly quantised image: its codes become the base, and the history starts over. */
  load(codes: number[]): void {
    this.original = codes;
    this.codes = codes;
    this.history.clear();
    this.strokeStart = null;
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
    if (this.strokeStart && this.strokeStart !== this.codes) this.history.record(this.strokeStart);
    this.strokeStart = null;
  }

  reset(): void {
    if (!this.original || this.edited === 0) return;
    this.history.record(this.codes);
    this.codes = this.original;
  }

  undo(): void {
    this.endStroke();
    this.codes = this.history.undo(this.codes);
  }

  redo(): void {
    this.endStroke();
    this.codes = this.history.redo(this.codes);
  }
}
