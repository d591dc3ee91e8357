import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WindowCount } from '@iot/contracts';
import { PartitionWindows } from './minute-window.ts';
import { foldChangelog, streamTimeChangelogRecord, windowChangelogRecord } from './window-state-changelog.ts';

const T0 = Date.UTC(2026, 0, 1, 12);
const window = (sensorId: string, count: number, final = false): WindowCount => ({
  sensorId, windowStart: T0, windowEnd: T0 + 60_000, count, min: 1, max: 2, sum: count, mean: 1, final,
});

test('folding the changelog keeps the latest open window per key, forgets closed ones, and the newest stream time', () => {
  const state = foldChangelog([
    windowChangelogRecord(window('a', 1)),
    windowChangelogRecord(window('b', 1)),
    streamTimeChangelogRecord(T0 + 1000),
    windowChangelogRecord(window('a', 2)),
    windowChangelogRecord(window('b', 3, true)), // closed: tombstone
    streamTimeChangelogRecord(T0 + 5000),
  ]);
  assert.deepEqual([...state.windows.values()].map((w) => [w.sensorId, w.count]), [['a', 2]]);
  assert.equal(state.streamTime, T0 + 5000);
});

test('a partition restored from its changelog continues exactly where it left off', () => {
  const rules = { graceMs: 10_000, idleMs: 60_000 };
  const reading = (timestamp: number, value: number) => ({ sensorId: 's', sensorType: 't', siteId: 'x', timestamp, value, unit: 'u' });
  const original = new PartitionWindows(rules);
  const log = [];
  original.add(reading(T0 + 1000, 4), T0);
  original.add(reading(T0 + 2000, 6), T0);
  log.push(...original.drain().map(windowChangelogRecord), streamTimeChangelogRecord(original.currentStreamTime));

  const restored = new PartitionWindows(rules);
  const state = foldChangelog(log);
  restored.restore(state.windows.values(), state.streamTime, T0);
  assert.deepEqual(restored.drain(), [], 'restored windows are not re-emitted');
  restored.add(reading(T0 + 3000, 2), T0);
  restored.add(reading(T0 + 75_000, 1), T0); // closes the first window
  const final = restored.drain().find((w) => w.final);
  assert.deepEqual(final, { sensorId: 's', windowStart: T0, windowEnd: T0 + 60_000, count: 3, min: 2, max: 6, sum: 12, mean: 4, final: true });
});
