// An editor's undo history as state its Undo and Redo buttons follow: UndoStack underneath (plain,
// so it is tested without Svelte), with canUndo and canRedo kept in step with it.
import { UndoStack } from './undo-stack';

export class EditHistory<T> {
  canUndo = $state(false);
  canRedo = $state(false);
  private readonly stack = new UndoStack<T>();

  /** Records `before`, the state a change is about to replace. */
  record(before: T): void {
    this.stack.record(before);
    this.sync();
  }

  /** The state to show after an undo: the one before `current`, or `current` when there is none. */
  undo(current: T): T {
    const previous = this.stack.undo(current);
    this.sync();
    return previous ?? current;
  }

  redo(current: T): T {
    const next = this.stack.redo(current);
    this.sync();
    return next ?? current;
  }

  clear(): void {
    this.stack.clear();
    this.sync();
  }

  private sync(): void {
    this.canUndo = this.stack.canUndo;
    this.canRedo = this.stack.canRedo;
  }
}
