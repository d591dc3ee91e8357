import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultFleet, naturalRate, scaleIntervals } from './fleet.ts';
import { Schedule } from './schedule.ts';

test('each sensor reads at its own interval, and the fleet at its natural rate', () => {
  const fleet = defaultFleet();
  const schedule = new Schedule(fleet, 42);
  const due = [0, 100, 250, 60_000, 120_000].flatMap((elapsed) => schedule.due(elapsed));
  for (const sensor of fleet) {
    const times = due.filter((reading) => reading.sensor === sensor).map((reading) => reading.atMs);
    assert.ok(times[0]! >= 0 && times[0]! < sensor.intervalMs, `${sensor.id} starts within its first interval`);
    times.slice(1).forEach((t, i) => assert.ok(Math.abs(t - times[i]! - sensor.intervalMs) < 1e-6, `${sensor.id} every ${sensor.intervalMs} ms`));
    assert.ok(Math.abs(times.length - 120_000 / sensor.intervalMs) <= 1);
  }
  assert.ok(Math.abs(due.length - naturalRate(fleet) * 120) <= fleet.length);
});

test('--rate: the scaled fleet sends the target rate in total', () => {
  for (const rate of [5, 60, 2000]) {
    const due = new Schedule(scaleIntervals(defaultFleet(), rate), 1).due(30_000);
    assert.ok(Math.abs(due.length - rate * 30) <= 38, `rate ${rate}: ${due.length} in 30 s`);
  }
});

test('readings come oldest first, each once, and the same seed gives the same schedule', () => {
  const a = new Schedule(defaultFleet(), 9);
  const b = new Schedule(defaultFleet(), 9);
  const first = [...a.due(5_000), ...a.due(10_000)];
  assert.deepEqual(first.map((r) => [r.sensor.id, r.atMs]), b.due(10_000).map((r) => [r.sensor.id, r.atMs]));
  assert.deepEqual(first.map((r) => r.atMs), [...first.map((r) => r.atMs)].sort((x, y) => x - y));
  assert.equal(a.due(10_000).length, 0);
});
