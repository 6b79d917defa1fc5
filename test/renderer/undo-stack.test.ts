import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UndoStack } from '../../src/renderer/widgets/undo-stack';

test('undo returns the recorded states newest first, redo walks forward again', () => {
  const stack = new UndoStack<string>();
  assert.equal(stack.undo('a'), null);
  stack.record('a'); // a → b
  stack.record('b'); // b → c
  assert.equal(stack.undo('c'), 'b');
  assert.equal(stack.undo('b'), 'a');
  assert.equal(stack.canUndo, false);
  assert.equal(stack.redo('a'), 'b');
  assert.equal(stack.redo('b'), 'c');
  assert.equal(stack.canRedo, false);
});

test('a new change after undo forgets the redo steps', () => {
  const stack = new UndoStack<number>();
  stack.record(1);
  stack.record(2);
  assert.equal(stack.undo(3), 2);
  stack.record(2); // 2 → 4
  assert.equal(stack.canRedo, false);
  assert.equal(stack.undo(4), 2);
  assert.equal(stack.undo(2), 1);
});

test('the history keeps at most `limit` steps, dropping the oldest', () => {
  const stack = new UndoStack<number>(3);
  for (let i = 0; i < 5; i++) stack.record(i);
  assert.equal(stack.undo(5), 4);
  assert.equal(stack.undo(4), 3);
  assert.equal(stack.undo(3), 2);
  assert.equal(stack.undo(2), null);
});
