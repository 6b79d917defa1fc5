import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ANSWER_RESERVE_CHARS, imageChars, inParts, itemsPerAnswer } from '../../src/shared/answer-size';
import { bytesToBase64 } from '../../src/shared/image8';
import { MAX_MESSAGE_CHARS } from '../../src/shared/contract';

test('an image takes its base64 length, quotes and a comma; as many fit as the message limit allows', () => {
  for (const shape of [{ height: 28, width: 28, channels: 1 }, { height: 64, width: 64, channels: 3 }, { height: 16, width: 24, channels: 1 }]) {
    const bytes = new Uint8Array(shape.height * shape.width * shape.channels);
    assert.equal(imageChars(shape), JSON.stringify([bytesToBase64(bytes)]).length - 2 + 1);
  }
  const rgb64 = { height: 64, width: 64, channels: 3 };
  const rows = itemsPerAnswer(rgb64, 64);
  assert.ok(rows * 64 * imageChars(rgb64) <= MAX_MESSAGE_CHARS - ANSWER_RESERVE_CHARS);
  assert.ok((rows + 1) * 64 * imageChars(rgb64) > MAX_MESSAGE_CHARS - ANSWER_RESERVE_CHARS);
  assert.equal(itemsPerAnswer({ height: 256, width: 256, channels: 3 }, 64), 1, 'at least one item, even one over the limit');
  assert.ok(itemsPerAnswer(rgb64, 1, 512) < itemsPerAnswer(rgb64), 'numbers take room too');
});

test('inParts asks consecutive parts in order, one at a time, and stops when told', async () => {
  const asked: [number, number][] = [];
  let inFlight = 0;
  const ask = async (first: number, count: number) => {
    inFlight++;
    assert.equal(inFlight, 1, 'one part at a time');
    asked.push([first, count]);
    await new Promise((r) => setTimeout(r, 1));
    inFlight--;
    return first;
  };
  await inParts(10, 4, ask, () => true);
  assert.deepEqual(asked, [[0, 4], [4, 4], [8, 2]]);
  asked.length = 0;
  await inParts(10, 4, ask, (_, first) => first < 4);
  assert.deepEqual(asked, [[0, 4], [4, 4]], 'no part asked after a stop');
  await assert.rejects(inParts(10, 4, () => Promise.reject(new Error('gone')), () => true), /gone/);
});
