import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WindowCount } from '@iot/contracts';
import { DEFAULT_ALERT_RULES } from './alert-rules.ts';
import { PartitionWindows } from './minute-window.ts';
import { PartitionMonitors } from './sensor-monitors.ts';
import { foldChangelog, sensorChangelogRecord, streamTimeChangelogRecord, windowChangelogRecord, type ChangelogRecord } from './state-changelog.ts';

const T0 = Date.UTC(2026, 0, 1, 12);
const window = (sensorId: string, count: number, final = false): WindowCount => ({
  sensorId, windowStart: T0, windowEnd: T0 + 60_000, count, min: 1, max: 2, sum: count, mean: 1, firstEventTime: T0, lastEventTime: T0 + 1, final,
});
const reading = (timestamp: number, value: number) => ({ sensorId: 's', sensorType: 'temperature', siteId: 'x', timestamp, value, unit: '°C' });

test('folding the changelog keeps the latest open window and sensor per key, forgets deleted ones, and the newest stream time', () => {
  const monitors = new PartitionMonitors(DEFAULT_ALERT_RULES);
  monitors.observe(reading(T0, 20));
  const [sensor] = monitors.flush().changed;
  const state = foldChangelog([
    windowChangelogRecord(window('a', 1)),
    windowChangelogRecord(window('b', 1)),
    streamTimeChangelogRecord(T0 + 1000),
    sensorChangelogRecord('s', sensor!.state),
    sensorChangelogRecord('gone', sensor!.state),
    windowChangelogRecord(window('a', 2)),
    windowChangelogRecord(window('b', 3, true)), // closed: tombstone
    sensorChangelogRecord('gone', null),
    streamTimeChangelogRecord(T0 + 5000),
  ]);
  assert.deepEqual([...state.windows.values()].map((w) => [w.sensorId, w.count]), [['a', 2]]);
  assert.deepEqual([...state.sensors.values()].map((s) => s.sensorId), ['s']);
  assert.equal(state.streamTime, T0 + 5000);
});

test('a partition restored from its changelog continues exactly where it left off', () => {
  const rules = { graceMs: 10_000, idleMs: 60_000, updateIntervalMs: 0 };
  const original = new PartitionWindows(rules);
  const log: ChangelogRecord[] = [];
  original.add(reading(T0 + 1000, 4), T0);
  original.add(reading(T0 + 2000, 6), T0);
  original.flush(T0);
  original.add(reading(T0 + 2500, 5), T0);
  log.push(...original.flush(T0).changed.map(windowChangelogRecord), streamTimeChangelogRecord(original.currentStreamTime));

  const restored = new PartitionWindows(rules);
  const state = foldChangelog(log);
  restored.restore(state.windows.values(), state.streamTime, T0);
  assert.deepEqual(restored.flush(T0).changed, [], 'restored windows are already in the changelog');
  restored.add(reading(T0 + 3000, 2), T0);
  restored.add(reading(T0 + 75_000, 1), T0); // closes the first window
  const final = restored.flush(T0).emit.find((w) => w.final);
  assert.deepEqual(final, {
    sensorId: 's', windowStart: T0, windowEnd: T0 + 60_000, count: 4, min: 2, max: 6, sum: 17, mean: 4.25,
    firstEventTime: T0 + 1000, lastEventTime: T0 + 3000, final: true,
  });
});
