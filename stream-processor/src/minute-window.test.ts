import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { SensorReading, WindowCount } from '@iot/contracts';
import { PartitionWindows, WINDOW_MS, windowStartOf, type WindowRules } from './minute-window.ts';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const RULES: WindowRules = { graceMs: 10_000, idleMs: 5_000, updateIntervalMs: 0 };
const reading = (sensorId: string, timestamp: number, value: number): SensorReading => ({
  sensorId, sensorType: 'temperature', siteId: 'site', timestamp, value, unit: '°C',
});
const finals = (out: WindowCount[]) => out.filter((w) => w.final);

test('windowStartOf puts a timestamp in its UTC minute, start inclusive and end exclusive', () => {
  assert.equal(windowStartOf(T0), T0);
  assert.equal(windowStartOf(T0 + 59_999), T0);
  assert.equal(windowStartOf(T0 + 60_000), T0 + 60_000);
  assert.equal(windowStartOf(T0 - 1), T0 - 60_000);
});

test('property: every timestamp falls in exactly one window, which contains it and is minute-aligned', () => {
  fc.assert(
    fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }), (timestamp) => {
      const start = windowStartOf(timestamp);
      return start % WINDOW_MS === 0 && start <= timestamp && timestamp < start + WINDOW_MS && windowStartOf(start + WINDOW_MS) !== start;
    }),
  );
});

test('aggregates count, min, max, sum, mean and first/last event time per sensor and window', () => {
  const windows = new PartitionWindows(RULES);
  windows.add(reading('a', T0 + 2000, 2), T0);
  windows.add(reading('a', T0 + 1000, 6), T0); // out of order within the window
  windows.add(reading('b', T0 + 3000, 1), T0);
  const { emit, changed } = windows.flush(T0);
  assert.deepEqual(emit.find((w) => w.sensorId === 'a'), {
    sensorId: 'a', windowStart: T0, windowEnd: T0 + 60_000, count: 2, min: 2, max: 6, sum: 8, mean: 4,
    firstEventTime: T0 + 1000, lastEventTime: T0 + 2000, final: false,
  });
  assert.equal(emit.length, 2);
  assert.equal(changed.length, 2);
  assert.deepEqual(windows.flush(T0), { emit: [], changed: [] }, 'nothing changed since the last flush');
});

test('updates are rate-limited per window, but the changelog sees every change and the final is never held back', () => {
  const windows = new PartitionWindows({ ...RULES, updateIntervalMs: 1000 });
  windows.add(reading('a', T0 + 1000, 1), T0);
  assert.equal(windows.flush(T0).emit.length, 1);
  windows.add(reading('a', T0 + 2000, 1), T0 + 100);
  const held = windows.flush(T0 + 100);
  assert.deepEqual(held.emit, [], 'second update within the interval is held back');
  assert.deepEqual(held.changed.map((w) => w.count), [2], 'but the changelog gets it');
  assert.deepEqual(windows.flush(T0 + 1000).emit.map((w) => w.count), [2], 'emitted once the interval has passed');
  windows.add(reading('a', T0 + 3000, 1), T0 + 1100);
  windows.add(reading('b', T0 + 71_000, 1), T0 + 1100); // closes a's window
  assert.deepEqual(windows.flush(T0 + 1100).emit.map((w) => [w.sensorId, w.count, w.final]), [['a', 3, true], ['b', 1, false]]);
});

test('a window closes with one final record once stream time passes its end plus grace', () => {
  const windows = new PartitionWindows(RULES);
  windows.add(reading('a', T0 + 1000, 5), T0);
  windows.flush(T0);
  windows.add(reading('a', T0 + 69_999, 7), T0); // next window; stream time 1 ms short of closing
  assert.deepEqual(finals(windows.flush(T0).emit), []);
  windows.add(reading('b', T0 + 70_000, 1), T0);
  assert.deepEqual(finals(windows.flush(T0).emit).map((w) => [w.sensorId, w.windowStart, w.count]), [['a', T0, 1]]);
  assert.deepEqual(finals(windows.flush(T0).emit), [], 'a final is emitted exactly once');
});

test('readings for a closed window are reported late, within grace they still count', () => {
  const windows = new PartitionWindows(RULES);
  windows.add(reading('a', T0 + 65_000, 1), T0);
  assert.deepEqual(windows.add(reading('a', T0 + 59_000, 1), T0), { kind: 'accepted' }, 'within grace');
  windows.add(reading('a', T0 + 70_000, 1), T0);
  const late = windows.add(reading('a', T0 + 59_500, 1), T0);
  assert.equal(late.kind, 'late');
  const first = windows.flush(T0).emit.find((w) => w.windowStart === T0);
  assert.equal(first?.count, 1, 'the late reading did not change the closed window');
  assert.equal(first?.final, true);
});

test('an idle partition closes its windows by the wall clock; a busy one follows its data', () => {
  const windows = new PartitionWindows(RULES);
  windows.add(reading('a', T0 + 1000, 1), T0 + 1000);
  windows.tick(T0 + 70_000); // idle for 69 s: stream time moves to now - idle = T0 + 65 s, not yet closed
  assert.deepEqual(finals(windows.flush(T0 + 70_000).emit), []);
  windows.tick(T0 + 75_000);
  assert.deepEqual(windows.flush(T0 + 75_000).emit.map((w) => w.final), [true]);

  const replay = new PartitionWindows(RULES);
  replay.add(reading('a', T0 + 1000, 1), T0 + 3_600_000); // replaying hour-old data
  replay.tick(T0 + 3_600_001); // not idle: the wall clock does not move stream time
  assert.deepEqual(finals(replay.flush(T0 + 3_600_001).emit), []);
});

test('property: whatever the arrival order, each closed window gets exactly one final equal to the accepted readings, and accepted + late = all', () => {
  const arbitraryReading = fc.record({
    sensor: fc.constantFrom('a', 'b', 'c'),
    offsetMs: fc.integer({ min: 0, max: 5 * WINDOW_MS }),
    value: fc.integer({ min: -1000, max: 1000 }),
  });
  fc.assert(
    fc.property(fc.array(arbitraryReading, { maxLength: 200 }), fc.integer({ min: 0, max: 30_000 }), fc.integer({ min: 1, max: 50 }), (inputs, graceMs, flushEvery) => {
      const windows = new PartitionWindows({ ...RULES, graceMs });
      const accepted = new Map<string, { count: number; sum: number }>();
      const emitted: WindowCount[] = [];
      let late = 0;
      inputs.forEach((input, i) => {
        const timestamp = T0 + input.offsetMs;
        if (windows.add(reading(input.sensor, timestamp, input.value), T0).kind === 'late') {
          late += 1;
        } else {
          const key = `${input.sensor}@${windowStartOf(timestamp)}`;
          const entry = accepted.get(key) ?? { count: 0, sum: 0 };
          accepted.set(key, { count: entry.count + 1, sum: entry.sum + input.value });
        }
        if (i % flushEvery === 0) emitted.push(...windows.flush(T0).emit);
      });
      windows.tick(T0 + 100 * WINDOW_MS); // idle long enough: every window closes
      emitted.push(...windows.flush(T0 + 100 * WINDOW_MS).emit);
      const finalsByKey = new Map<string, WindowCount[]>();
      for (const w of finals(emitted)) finalsByKey.set(`${w.sensorId}@${w.windowStart}`, [...(finalsByKey.get(`${w.sensorId}@${w.windowStart}`) ?? []), w]);
      assert.equal(finalsByKey.size, accepted.size);
      for (const [key, expected] of accepted) {
        const [final, ...extra] = finalsByKey.get(key) ?? [];
        assert.equal(extra.length, 0, `${key}: one final`);
        assert.equal(final?.count, expected.count, key);
        assert.equal(final?.sum, expected.sum, key);
        const lastForKey = emitted.filter((w) => `${w.sensorId}@${w.windowStart}` === key).at(-1);
        assert.equal(lastForKey?.final, true, `${key}: the final is the last record for its key`);
      }
      const acceptedCount = [...accepted.values()].reduce((total, entry) => total + entry.count, 0);
      assert.equal(acceptedCount + late, inputs.length);
    }),
    { numRuns: 300 },
  );
});
