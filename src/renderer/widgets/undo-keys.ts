// The undo/redo keys of the editing views: Ctrl/⌘-Z undoes, Ctrl/⌘-Shift-Z or Ctrl-Y redoes.
// Text fields keep their own undo, so keys typed there are left alone.

export function undoShortcut(event: KeyboardEvent, actions: { undo(): void; redo(): void }): boolean {
  if (!(event.ctrlKey || event.metaKey) || (event.target as Element).closest?.('input:not([type="range"]), select, textarea')) return false;
  const key = event.key.toLowerCase();
  if (key === 'z' && !event.shiftKey) actions.undo();
  else if ((key === 'z' && event.shiftKey) || key === 'y') actions.redo();
  else return false;
  event.preventDefault();
  return true;
}
