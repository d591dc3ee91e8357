import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CatchUp } from './catch-up.ts';

test('ready only once every non-empty partition has been read up to its start-time end offset', async () => {
  const catchUp = new CatchUp([
    { partition: 0, low: 0, high: 10 },
    { partition: 1, low: 5, high: 5 }, // empty: nothing to wait for
    { partition: 2, low: 0, high: 3 },
  ]);
  assert.deepEqual(catchUp.pendingPartitions, [0, 2]);
  catchUp.consumed(0, 8, 1);
  assert.equal(catchUp.caughtUp, false);
  catchUp.consumed(0, 9, 0);
  catchUp.consumed(2, 1, 0); // lag 0: the rest were transaction markers
  assert.equal(catchUp.caughtUp, true);
  await catchUp.ready;
});

test('an empty topic is ready at once', async () => {
  const catchUp = new CatchUp([{ partition: 0, low: 0, high: 0 }]);
  assert.equal(catchUp.caughtUp, true);
  await catchUp.ready;
});
