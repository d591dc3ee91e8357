import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Alert, AlertRule, Device } from '@iot/contracts';
import { DEFAULT_ALERT_RULES, parseAlertRules, type AlertRulesConfig } from './alert-rules.ts';
import { PartitionMonitors, type AlertRecord } from './sensor-monitors.ts';

const T0 = Date.UTC(2026, 0, 1, 12);
const RULES: AlertRulesConfig = { ...DEFAULT_ALERT_RULES, refreshIntervalMs: 5_000, clearedRetentionMs: 60_000 };

/** Feeds one reading per second from `values`, starting at `from`; returns the alert records emitted. */
function feed(monitors: PartitionMonitors, values: number[], from: number, sensorId = 'temp-1'): AlertRecord[] {
  values.forEach((value, i) => monitors.observe({ sensorId, sensorType: 'temperature', siteId: 'plant', timestamp: from + i * 1000, value, unit: '°C' }));
  return monitors.flush().alerts;
}
const ofRule = (records: AlertRecord[], rule: AlertRule) => records.filter((r) => r.key.rule === rule).map((r) => r.value);
const states = (alerts: Array<Alert | null>) => alerts.map((a) => a?.state ?? 'TOMBSTONE');
const steady = (n: number, level = 20) => Array.from({ length: n }, (_, i) => level + (i % 2 === 0 ? 0.1 : -0.1));

test('RANGE opens after raiseAfter readings outside, refreshes the same alert with its peak, clears with hysteresis, then expires', () => {
  const monitors = new PartitionMonitors(RULES);
  assert.deepEqual(ofRule(feed(monitors, [46, 47], T0), 'RANGE'), [], 'two readings above are not enough');
  const [opened] = ofRule(feed(monitors, [48], T0 + 2000), 'RANGE');
  assert.equal(opened?.state, 'OPEN');
  assert.equal(opened?.triggerValue, 48);
  assert.equal(opened?.threshold, 45);
  assert.equal(opened?.severity, 'WARNING', '3 over a band of 55 is within the 10 % critical margin');
  assert.match(opened!.message, /above the maximum 45/);

  const refreshed = ofRule(feed(monitors, [53, 60, 55, 54, 54, 54], T0 + 3000), 'RANGE');
  assert.deepEqual(states(refreshed), ['OPEN'], 'one refresh within the interval, never a second OPEN alert');
  assert.equal(refreshed[0]!.alertId, opened!.alertId);
  assert.equal(refreshed[0]!.peakValue, 60);
  assert.equal(refreshed[0]!.severity, 'CRITICAL', 'escalated by the peak');

  assert.deepEqual(ofRule(feed(monitors, [44.5, 44.5, 44.5, 44.5], T0 + 10_000), 'RANGE'), [], 'inside the band but within the hysteresis: holds');
  const cleared = ofRule(feed(monitors, [30, 30, 30], T0 + 14_000), 'RANGE');
  assert.deepEqual(states(cleared), ['CLEARED']);
  assert.equal(cleared[0]!.clearedAt, T0 + 16_000);

  monitors.tick(T0 + 16_000 + 59_000);
  assert.deepEqual(ofRule(monitors.flush().alerts, 'RANGE'), [], 'kept during the retention');
  monitors.tick(T0 + 16_000 + 60_000);
  assert.deepEqual(states(ofRule(monitors.flush().alerts, 'RANGE')), ['TOMBSTONE']);
});

test('a new occurrence after clearing is a new alert with a new id', () => {
  const monitors = new PartitionMonitors(RULES);
  const [first] = ofRule(feed(monitors, [50, 50, 50, 20, 20, 20], T0), 'RANGE').filter((a) => a?.state === 'OPEN');
  const [second] = ofRule(feed(monitors, [50, 50, 50], T0 + 10_000), 'RANGE');
  assert.equal(second?.state, 'OPEN');
  assert.notEqual(second?.alertId, first?.alertId);
});

test('ZSCORE learns the sensor baseline, opens on a spike far from it, refreshes, and clears when values return', () => {
  const monitors = new PartitionMonitors(RULES);
  assert.deepEqual(ofRule(feed(monitors, steady(60), T0), 'ZSCORE'), [], 'a steady signal never alerts');
  const spike = ofRule(feed(monitors, [25, 26, 27], T0 + 60_000), 'ZSCORE');
  assert.deepEqual(states(spike), ['OPEN'], 'opens on the second spike reading, refresh held back by the rate limit');
  assert.match(spike[0]!.message, /value 26 °C is \d+(\.\d+)? standard deviations above the recent mean 19\.99\d °C/);
  monitors.tick(T0 + 70_000);
  const refresh = ofRule(monitors.flush().alerts, 'ZSCORE');
  assert.deepEqual(states(refresh), ['OPEN'], 'the held-back refresh goes out on the tick');
  assert.equal(refresh[0]!.peakValue, 27);
  assert.equal(refresh[0]!.alertId, spike[0]!.alertId);
  const back = ofRule(feed(monitors, steady(30), T0 + 63_000), 'ZSCORE');
  assert.deepEqual(states(back), ['CLEARED']);
  assert.ok(back[0]!.clearedAt! <= T0 + 66_000, 'the spike did not move the baseline: clears after clearAfter readings');
});

test('ZSCORE accepts a lasting level shift as the new normal: relearns the baseline and clears', () => {
  const monitors = new PartitionMonitors(RULES);
  feed(monitors, steady(60), T0);
  const shifted = ofRule(feed(monitors, steady(120, 30), T0 + 60_000), 'ZSCORE');
  assert.equal(shifted[0]?.state, 'OPEN');
  assert.equal(shifted.at(-1)?.state, 'CLEARED');
  assert.equal(shifted.filter((a) => a?.state === 'OPEN' && a.alertId !== shifted[0]!.alertId).length, 0, 'no second alert');
});

test('RATE_OF_CHANGE opens on a jump faster than the limit, ignores out-of-order readings, clears when calm', () => {
  const monitors = new PartitionMonitors(RULES);
  feed(monitors, [20, 20.5], T0);
  const jump = ofRule(feed(monitors, [30], T0 + 2000), 'RATE_OF_CHANGE');
  assert.deepEqual(states(jump), ['OPEN']);
  assert.equal(jump[0]!.triggerValue, 9.5, '9.5 °C in one second');
  assert.equal(jump[0]!.threshold, 2);
  assert.equal(jump[0]!.severity, 'CRITICAL');
  assert.deepEqual(ofRule(feed(monitors, [0], T0 + 500), 'RATE_OF_CHANGE'), [], 'older than the newest reading: skipped');
  assert.deepEqual(ofRule(feed(monitors, [30.2, 30.4, 30.6], T0 + 3000), 'RATE_OF_CHANGE').map((a) => a?.state), ['CLEARED']);
});

test('SILENCE opens by the wall clock when a sensor stops, refreshes while silent, clears on the next reading', () => {
  const monitors = new PartitionMonitors(RULES);
  feed(monitors, [20], T0);
  monitors.tick(T0 + 29_000);
  assert.deepEqual(monitors.flush().alerts, []);
  monitors.tick(T0 + 30_000);
  const opened = ofRule(monitors.flush().alerts, 'SILENCE');
  assert.deepEqual(states(opened), ['OPEN']);
  assert.equal(opened[0]!.triggerValue, 30);
  monitors.tick(T0 + 32_000);
  assert.deepEqual(monitors.flush().alerts, [], 'refresh held back');
  monitors.tick(T0 + 36_000);
  const refreshed = ofRule(monitors.flush().alerts, 'SILENCE');
  assert.deepEqual(states(refreshed), ['OPEN']);
  assert.equal(refreshed[0]!.peakValue, 36);
  assert.deepEqual(states(ofRule(feed(monitors, [20], T0 + 40_000), 'SILENCE')), ['CLEARED']);
});

test('a sensor silent past forgetAfterMs is forgotten: its open alerts clear and its state is deleted', () => {
  const monitors = new PartitionMonitors(RULES);
  feed(monitors, [20], T0);
  monitors.tick(T0 + 30_000);
  monitors.flush();
  monitors.tick(T0 + RULES.silence.forgetAfterMs);
  const { alerts, changed } = monitors.flush();
  assert.deepEqual(states(ofRule(alerts, 'SILENCE')), ['CLEARED']);
  assert.match(alerts[0]!.value!.message, /no longer monitored/);
  assert.deepEqual(changed, [{ sensorId: 'temp-1', state: null }]);
  assert.equal(monitors.sensorCount, 0);
});

test('acknowledging an open alert by its id emits ACKNOWLEDGED once; it still clears later', () => {
  const monitors = new PartitionMonitors(RULES);
  const [opened] = ofRule(feed(monitors, [50, 50, 50], T0), 'RANGE');
  const key = { sensorId: 'temp-1', rule: 'RANGE' as const };
  assert.equal(monitors.acknowledge(key, 'temp-1/RANGE/0', 'ops', T0 + 5000), false, 'unknown occurrence');
  assert.equal(monitors.acknowledge(key, opened!.alertId, 'ops', T0 + 5000), true);
  assert.equal(monitors.acknowledge(key, opened!.alertId, 'ops', T0 + 5000), false, 'already acknowledged');
  const [acked] = ofRule(monitors.flush().alerts, 'RANGE');
  assert.equal(acked?.state, 'ACKNOWLEDGED');
  assert.equal(acked?.acknowledgedBy, 'ops');
  assert.equal(acked?.acknowledgedAt, T0 + 5000);
  assert.deepEqual(states(ofRule(feed(monitors, [20, 20, 20], T0 + 6000), 'RANGE')), ['CLEARED']);
});

test('alert rules files are validated with the path of each problem', () => {
  assert.throws(() => parseAlertRules({ types: { temperature: { min: 5, max: 1, maxRatePerSecond: 1 } } }, 'rules.json'), /rules\.json: types\.temperature: min must be less than max/);
  assert.throws(() => parseAlertRules({ zscore: { ...RULES.zscore, alpha: 2 } }, 'rules.json'), /rules\.json: zscore\.alpha/);
  assert.equal(parseAlertRules({ refreshIntervalMs: 0 }, 'rules.json').range.raiseAfter, RULES.range.raiseAfter, 'sections not given keep their defaults');
});

test('RANGE judges by the device registry: its thresholds replace the type limits at once, a null side falls back to the type', () => {
  const devices = new Map<string, Device>();
  const monitors = new PartitionMonitors(RULES, (sensorId) => devices.get(sensorId));
  assert.deepEqual(ofRule(feed(monitors, [32, 32, 32], T0), 'RANGE'), [], 'inside the temperature type band [-10, 45]');

  devices.set('temp-1', device({ maxThreshold: 30 }));
  const [opened] = ofRule(feed(monitors, [32, 32, 32], T0 + 3000), 'RANGE');
  assert.equal(opened?.state, 'OPEN', 'the same values breach the device maximum');
  assert.equal(opened?.threshold, 30);
  assert.match(opened!.message, /above the maximum 30 °C/);

  devices.set('temp-1', device({ maxThreshold: 35 }));
  assert.deepEqual(states(ofRule(feed(monitors, [25, 25, 25], T0 + 6000), 'RANGE')), ['CLEARED'], 'a raised maximum: back inside, it clears');

  devices.set('temp-1', device({ maxThreshold: null, minThreshold: 40 }));
  const [low] = ofRule(feed(monitors, [32, 32, 32], T0 + 9000), 'RANGE');
  assert.equal(low?.state, 'OPEN');
  assert.equal(low?.threshold, 40, 'below the device minimum; the maximum is the type default 45 again');

  devices.set('temp-1', device({ minThreshold: 50, maxThreshold: null }));
  const crossed = ofRule(feed(monitors, [20, 20, 20, 20], T0 + 20_000), 'RANGE');
  assert.deepEqual(crossed.filter((alert) => alert?.state === 'OPEN'), [], 'a band crossed by a device side and a type side judges nothing');
});

test('a disabled device clears its active alerts at once and raises nothing until enabled again', () => {
  const devices = new Map<string, Device>([['temp-1', device({})]]);
  const monitors = new PartitionMonitors(RULES, (sensorId) => devices.get(sensorId));
  const [opened] = ofRule(feed(monitors, [50, 50, 50], T0), 'RANGE');
  assert.equal(opened?.state, 'OPEN');

  devices.set('temp-1', device({ enabled: false }));
  monitors.deviceChanged('temp-1', T0 + 5000);
  const { alerts, changed } = monitors.flush();
  const cleared = ofRule(alerts, 'RANGE');
  assert.deepEqual(states(cleared), ['CLEARED']);
  assert.equal(cleared[0]!.alertId, opened!.alertId);
  assert.equal(cleared[0]!.clearedAt, T0 + 5000);
  assert.match(cleared[0]!.message, /device disabled/);
  assert.deepEqual(changed.map((entry) => entry.sensorId), ['temp-1'], 'the cleared state goes to the changelog');

  assert.deepEqual(feed(monitors, [50, 50, 50, 50], T0 + 6000), [], 'no alert of any rule while disabled');
  monitors.tick(T0 + 6000 + RULES.silence.afterMs + 1000);
  assert.deepEqual(ofRule(monitors.flush().alerts, 'SILENCE'), [], 'a disabled device is not reported silent');

  devices.set('temp-1', device({ enabled: true }));
  const [again] = ofRule(feed(monitors, [50, 50, 50], T0 + 60_000), 'RANGE');
  assert.equal(again?.state, 'OPEN', 'enabled again: judged again, as a new alert');
  assert.notEqual(again?.alertId, opened?.alertId);
});

function device(overrides: Partial<Device>): Device {
  return {
    sensorId: 'temp-1', sensorType: 'temperature', siteId: 'plant', displayName: 'Temp 1', unit: '°C',
    minThreshold: null, maxThreshold: null, enabled: true, updatedAt: T0, ...overrides,
  };
}
