import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LatestWins } from '../../src/renderer/engine-client/latest-wins';

/** A request whose answer the test releases by hand. */
function manualWork() {
  const sent: number[] = [];
  const pending: (() => void)[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const work = (value: number) =>
    new Promise<number>((resolve) => {
      sent.push(value);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      pending.push(() => {
        inFlight -= 1;
        resolve(value * 10);
      });
    });
  const answer = async () => {
    pending.shift()!();
    // Let the loop see the answer and send what waits.
    await new Promise((done) => setTimeout(done, 0));
  };
  return { work, sent, answer, get maxInFlight() { return maxInFlight; } };
}

test('one request in flight; values pushed meanwhile collapse to the newest', async () => {
  const w = manualWork();
  const results: number[] = [];
  const loop = new LatestWins(w.work, (r: number) => results.push(r));
  loop.push(1);
  for (let v = 2; v <= 9; v++) loop.push(v);
  assert.deepEqual(w.sent, [1], 'nothing else is sent while the first is in flight');
  assert.equal(loop.inFlight, true);
  await w.answer();
  assert.deepEqual(w.sent, [1, 9], 'only the newest waiting value is sent next; 2…8 are never sent');
  await w.answer();
  assert.deepEqual(results, [10, 90]);
  assert.equal(w.maxInFlight, 1);
  assert.equal(loop.inFlight, false);
});

test('an idle loop sends at once', async () => {
  const w = manualWork();
  const loop = new LatestWins(w.work, () => {});
  loop.push(1);
  await w.answer();
  loop.push(2);
  assert.deepEqual(w.sent, [1, 2]);
});

test('drop ignores the answer in flight and forgets the waiting value', async () => {
  const w = manualWork();
  const results: number[] = [];
  const loop = new LatestWins(w.work, (r: number) => results.push(r));
  loop.push(1);
  loop.push(2);
  loop.drop();
  await w.answer();
  assert.deepEqual(results, [], 'the dropped answer is not delivered');
  assert.deepEqual(w.sent, [1], 'the waiting value was forgotten');
  loop.push(3);
  await w.answer();
  assert.deepEqual(results, [30]);
});

test('a failed request reports its error and the loop goes on with the newest value', async () => {
  const errors: unknown[] = [];
  const results: number[] = [];
  let calls = 0;
  const loop = new LatestWins(
    async (value: number) => {
      calls += 1;
      await new Promise((done) => setTimeout(done, 1));
      if (value === 1) throw new Error('boom');
      return value;
    },
    (r) => results.push(r),
    (error) => errors.push(error)
  );
  loop.push(1);
  loop.push(2);
  await new Promise((done) => setTimeout(done, 20));
  assert.equal(calls, 2);
  assert.equal((errors[0] as Error).message, 'boom');
  assert.deepEqual(results, [2]);
});
