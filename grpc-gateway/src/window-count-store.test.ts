import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WindowCount } from '@iot/contracts';
import { WindowCountStore } from './window-count-store.ts';
import { InvalidRequestError, validateRequest } from './window-counts.stream.ts';

const NOW = Date.UTC(2026, 0, 1, 12);
const count = (sensorId: string, windowStart: number, n: number, final = false): WindowCount => ({
  sensorId, windowStart, windowEnd: windowStart + 60_000, count: n, min: 0, max: 1, sum: n, mean: 1, firstEventTime: windowStart, lastEventTime: windowStart + 1, final,
});
const at = (offset: number) => ({ topic: 'iot.window-counts-1m', partition: 0, offset });

test('the snapshot holds the latest value per window, then only later changes reach the listener', () => {
  const store = new WindowCountStore(3_600_000);
  store.apply(count('a', NOW, 1), at(0), NOW);
  store.apply(count('a', NOW, 2), at(1), NOW);
  store.apply(count('b', NOW, 5), at(2), NOW);
  const seen: number[] = [];
  const { snapshot, unsubscribe } = store.subscribe((entry) => seen.push(entry.position.offset));
  assert.deepEqual(snapshot.map((e) => [e.value.sensorId, e.value.count, e.position.offset]), [['a', 2, 1], ['b', 5, 2]]);
  store.apply(count('a', NOW, 3, true), at(3), NOW);
  assert.deepEqual(seen, [3], 'no gap and no duplicate between snapshot and live');
  unsubscribe();
  store.apply(count('a', NOW + 60_000, 1), at(4), NOW);
  assert.deepEqual(seen, [3], 'an unsubscribed listener hears nothing');
});

test('windows older than the retention are neither kept nor stored', () => {
  const store = new WindowCountStore(600_000);
  store.apply(count('old', NOW - 3_600_000, 1), at(0), NOW);
  store.apply(count('new', NOW, 1), at(1), NOW);
  assert.equal(store.size, 1);
  store.evict(NOW + 3_600_000);
  assert.equal(store.size, 0);
});

test('a request with an empty sensor id or too many sensors is rejected naming the field', () => {
  assert.throws(() => validateRequest({ sensorIds: ['a', ' '], finalsOnly: false }), (e: Error) => e instanceof InvalidRequestError && /sensor_ids\[1\]/.test(e.message));
  assert.throws(() => validateRequest({ sensorIds: Array.from({ length: 1001 }, (_, i) => `s${i}`), finalsOnly: false }), /at most 1000/);
  assert.deepEqual(validateRequest({ sensorIds: [], finalsOnly: true }), { sensorIds: undefined, finalsOnly: true });
});
