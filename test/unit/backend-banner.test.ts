// The CLI's backend banner (train, eval, bench): the pick and its reason first, each skipped
// backend on its own indented line, every line within the terminal's width, no word lost.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BackendInfo } from '../../src/shared/contract';
import { describeBackend } from '../../src/main/cli/backend-banner';

// As a fresh user's first run printed it: a ~480-character line before the banner was laid out.
const INFO: BackendInfo = {
  name: 'node',
  reason: 'fastest here for ae-mlp-8@128: 17,064 samples/s (median of 5 spans after warm-up, measured now)',
  threads: 2,
  note: 'TensorFlow on the CPU, loaded by tfjs-node-gpu',
  skipped: [
    { name: 'gpu', reason: 'package not installed (its native library could not be downloaded at install time; node scripts/setup-native-backend.js sets it up from a TensorFlow wheel)' },
    { name: 'cpu', reason: 'plain JavaScript, slower than the backends that loaded' },
    { name: 'wasm', reason: 'slower for ae-mlp-8@128: 4,933 samples/s' },
  ],
};

const words = (text: string) => text.split(/\s+/).filter(Boolean);

for (const columns of [80, 100]) {
  test(`the backend banner fits ${columns} columns, the pick first and each skipped backend on its own line`, () => {
    const lines = describeBackend(INFO, columns).split('\n');
    for (const line of lines) assert.ok(line.length <= columns, `${line.length} > ${columns}: ${line}`);
    assert.match(lines[0]!, /^Backend: node \(fastest here for ae-mlp-8@128: /);
    const skippedAt = lines.indexOf('Skipped:');
    assert.ok(skippedAt > 0, 'a Skipped: heading after the pick');
    // The pick's continuation lines sit under its name, the skipped reasons' under the reasons.
    for (const line of lines.slice(1, skippedAt)) assert.match(line, /^ {9}\S/);
    const starts = lines.slice(skippedAt + 1).filter((line) => /^ {2}\S/.test(line));
    assert.deepEqual(starts.map((line) => line.trim().split(/\s+/)[0]), ['gpu', 'cpu', 'wasm']);
    for (const line of lines.slice(skippedAt + 1)) assert.match(line, /^( {2}(gpu|cpu|wasm) +| {8})\S/);
    // Nothing is lost in the layout: the same words as the facts it lays out.
    const facts = ['Backend:', `${INFO.name} (${INFO.reason}, 2 threads: ${INFO.note})`, 'Skipped:', ...INFO.skipped.flatMap((s) => [s.name, s.reason])];
    assert.deepEqual(words(lines.join(' ')), words(facts.join(' ')));
  });
}

test('a backend with nothing skipped is one line, and a label names the work', () => {
  assert.equal(describeBackend({ name: 'wasm', reason: 'requested', threads: 1, skipped: [] }, 80, 'ae-mlp-8: Backend'), 'ae-mlp-8: Backend: wasm (requested, 1 thread)');
});
