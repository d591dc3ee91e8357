import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReadingPayload } from './reading.ts';
import { combinedStatus, initialSensorLive, LIVE_READING_POINTS, LIVE_WINDOW_MINUTES, minutePoints, sensorLiveReducer, type SensorLiveAction, type SensorLiveState } from './sensor-live.ts';
import type { WindowCountPayload } from './window-count.ts';

const reading = (timestampMs: number, value: number): ReadingPayload => ({ sensorId: 's1', sensorType: 'temperature', siteId: 'a', timestampMs, value, unit: '°C', snapshot: false });
const window = (minute: number, overrides: Partial<WindowCountPayload> = {}): WindowCountPayload => ({
  sensorId: 's1', windowStartMs: minute * 60_000, windowEndMs: (minute + 1) * 60_000, count: 10, min: 19, max: 23, sum: 210, mean: 21, final: false, snapshot: false, ...overrides,
});
const run = (actions: SensorLiveAction[], state: SensorLiveState = initialSensorLive()) => actions.reduce(sensorLiveReducer, state);

test('readings are kept in event-time order, once each, the newest LIVE_READING_POINTS', () => {
  const state = run([
    { type: 'reading', reading: reading(3_000, 3), atMs: 10 },
    { type: 'reading', reading: reading(1_000, 1), atMs: 11 },
    { type: 'reading', reading: reading(2_000, 2), atMs: 12 },
    // The snapshot after a reconnect repeats the latest reading.
    { type: 'reading', reading: { ...reading(3_000, 3), snapshot: true }, atMs: 13 },
    { type: 'reading', reading: reading(4_000, Number.NaN), atMs: 14 },
  ]);
  assert.deepEqual(state.readings, [{ timestampMs: 1_000, value: 1 }, { timestampMs: 2_000, value: 2 }, { timestampMs: 3_000, value: 3 }]);
  assert.equal(state.newestReadingAtMs, 13, 'a non-finite value is not plotted');
  assert.deepEqual(state.carried, { sensorType: 'temperature', unit: '°C' });
  const many = run(Array.from({ length: LIVE_READING_POINTS + 5 }, (_, i) => ({ type: 'reading', reading: reading(i, i), atMs: i }) as const));
  assert.equal(many.readings.length, LIVE_READING_POINTS);
  assert.equal(many.readings[0]!.timestampMs, 5);
});

test('windows keep their latest value, the newest LIVE_WINDOW_MINUTES, and a resync drops them', () => {
  let state = run([
    { type: 'window', window: window(1, { count: 3 }), atMs: 1 },
    { type: 'window', window: window(1, { count: 4, final: true }), atMs: 2 },
    { type: 'window', window: window(2, { min: Number.NaN, max: Number.NaN, mean: Number.NaN, count: 0 }), atMs: 3 },
    { type: 'window', window: window(4), atMs: 4 },
  ]);
  assert.deepEqual(minutePoints(state.windows), [
    { windowStartMs: 60_000, count: 4, mean: 21, band: [19, 23], final: true },
    { windowStartMs: 120_000, count: 0, mean: null, band: null, final: false },
    { windowStartMs: 180_000, count: 0, mean: null, band: null, final: true },
    { windowStartMs: 240_000, count: 10, mean: 21, band: [19, 23], final: false },
  ], 'a minute without a window is a gap of 0 readings');
  state = run(Array.from({ length: LIVE_WINDOW_MINUTES + 3 }, (_, i) => ({ type: 'window', window: window(i + 10), atMs: i }) as const), state);
  assert.equal(state.windows.size, LIVE_WINDOW_MINUTES);
  assert.equal(Math.min(...state.windows.keys()), (13 + 0) * 60_000);
  state = run([{ type: 'resync', stream: 'windows', reason: 'OUT_OF_RANGE: too old', atMs: 99 }], state);
  assert.equal(state.windows.size, 0);
  assert.equal(state.streams.windows.status, 'resyncing');
  assert.equal(state.streams.windows.problem, 'OUT_OF_RANGE: too old');
});

test('stream states: live on ready and records, reconnecting keeps the last problem; the badge shows the worse', () => {
  let state = run([{ type: 'ready', stream: 'readings', atMs: 1 }]);
  assert.equal(combinedStatus(state.streams), 'connecting', 'windows not ready yet');
  state = run([{ type: 'ready', stream: 'windows', atMs: 2 }], state);
  assert.equal(combinedStatus(state.streams), 'live');
  state = run([{ type: 'disconnected', stream: 'readings', problem: 'UNAVAILABLE: gateway down', atMs: 3 }, { type: 'disconnected', stream: 'readings', problem: null, atMs: 4 }], state);
  assert.deepEqual(state.streams.readings, { status: 'reconnecting', updatedAtMs: 1, problem: 'UNAVAILABLE: gateway down' });
  assert.equal(combinedStatus(state.streams), 'reconnecting');
  state = run([{ type: 'heartbeat', stream: 'readings', atMs: 5 }], state);
  assert.deepEqual(state.streams.readings, { status: 'live', updatedAtMs: 5, problem: null });
});
