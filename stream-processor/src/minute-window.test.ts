import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SensorReading } from '@iot/contracts';
import { PartitionWindows, windowStartOf } from './minute-window.ts';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const reading = (sensorId: string, timestamp: number, value: number): SensorReading => ({
  sensorId, sensorType: 'temperature', siteId: 'site', timestamp, value, unit: '°C',
});

test('windowStartOf puts a timestamp in its UTC minute, start inclusive and end exclusive', () => {
  assert.equal(windowStartOf(T0), T0);
  assert.equal(windowStartOf(T0 + 59_999), T0);
  assert.equal(windowStartOf(T0 + 60_000), T0 + 60_000);
  assert.equal(windowStartOf(T0 - 1), T0 - 60_000);
});

test('aggregates count, min, max, sum and mean per sensor and window, emitting changed windows once', () => {
  const windows = new PartitionWindows({ graceMs: 10_000, idleMs: 5_000 });
  windows.add(reading('a', T0 + 1000, 2), T0);
  windows.add(reading('a', T0 + 2000, 6), T0);
  windows.add(reading('b', T0 + 3000, 1), T0);
  const out = windows.drain();
  assert.deepEqual(out.find((w) => w.sensorId === 'a'), {
    sensorId: 'a', windowStart: T0, windowEnd: T0 + 60_000, count: 2, min: 2, max: 6, sum: 8, mean: 4, final: false,
  });
  assert.equal(out.length, 2);
  assert.deepEqual(windows.drain(), [], 'nothing changed since the last drain');
});

test('a window closes with one final record once stream time passes its end plus grace', () => {
  const windows = new PartitionWindows({ graceMs: 10_000, idleMs: 60_000 });
  windows.add(reading('a', T0 + 1000, 5), T0);
  windows.drain();
  windows.add(reading('a', T0 + 69_999, 7), T0); // next window; stream time 1 ms short of closing
  assert.ok(windows.drain().every((w) => !w.final));
  windows.add(reading('b', T0 + 70_000, 1), T0);
  const finals = windows.drain().filter((w) => w.final);
  assert.deepEqual(finals.map((w) => [w.sensorId, w.windowStart, w.count]), [['a', T0, 1]]);
  assert.equal(windows.drain().filter((w) => w.final).length, 0, 'a final is emitted exactly once');
});

test('readings for a closed window are reported late, within grace they still count', () => {
  const windows = new PartitionWindows({ graceMs: 10_000, idleMs: 60_000 });
  windows.add(reading('a', T0 + 65_000, 1), T0);
  assert.deepEqual(windows.add(reading('a', T0 + 59_000, 1), T0), { kind: 'accepted' }, 'within grace');
  windows.add(reading('a', T0 + 70_000, 1), T0);
  const late = windows.add(reading('a', T0 + 59_500, 1), T0);
  assert.equal(late.kind, 'late');
  const first = windows.drain().find((w) => w.windowStart === T0);
  assert.equal(first?.count, 1, 'the late reading did not change the closed window');
  assert.equal(first?.final, true);
});

test('an idle partition closes its windows by the wall clock; a busy one follows its data', () => {
  const windows = new PartitionWindows({ graceMs: 10_000, idleMs: 5_000 });
  windows.add(reading('a', T0 + 1000, 1), T0 + 1000);
  windows.tick(T0 + 70_000); // idle for 69 s: stream time moves to now - idle = T0 + 65 s, not yet closed
  assert.ok(windows.drain().every((w) => !w.final));
  windows.tick(T0 + 75_000);
  assert.deepEqual(windows.drain().map((w) => w.final), [true]);

  const replay = new PartitionWindows({ graceMs: 10_000, idleMs: 5_000 });
  replay.add(reading('a', T0 + 1000, 1), T0 + 3_600_000); // replaying hour-old data
  replay.tick(T0 + 3_600_001); // not idle: the wall clock does not move stream time
  assert.ok(replay.drain().every((w) => !w.final));
});
