import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  fleetFacets,
  fleetGroups,
  fleetReducer,
  initialFleet,
  latestReading,
  NO_FILTERS,
  openAlertCount,
  openCriticalAlertCount,
  SENSOR_STATUS_ORDER,
  sensorStatus,
  SILENT_AFTER_MS,
  SPARKLINE_POINTS,
  UNREGISTERED_GROUP,
  withPoint,
  type FleetAction,
  type FleetState,
  type RegistrySensor,
} from './fleet.ts';
import type { ReadingPayload } from './reading.ts';

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);

function registered(sensorId: string, overrides: Partial<RegistrySensor> = {}): RegistrySensor {
  return {
    sensorId,
    sensorType: 'temperature',
    siteId: 'plant-a',
    displayName: `Display ${sensorId}`,
    unit: '°C',
    minThreshold: null,
    maxThreshold: null,
    enabled: true,
    latestReading: null,
    openAlertCount: 0,
    ...overrides,
  };
}

function reading(sensorId: string, timestampMs: number, value: number, overrides: Partial<ReadingPayload> = {}): FleetAction {
  return { type: 'reading', reading: { sensorId, sensorType: 'temperature', siteId: 'plant-a', timestampMs, value, unit: '°C', snapshot: false, ...overrides }, atMs: timestampMs };
}

const alert = (
  sensorId: string,
  rule: 'RANGE' | 'SILENCE' | 'ZSCORE',
  state: 'OPEN' | 'ACKNOWLEDGED' | 'CLEARED',
  snapshot = false,
  severity: 'WARNING' | 'CRITICAL' = 'WARNING',
): FleetAction => ({
  type: 'alert',
  alert: { sensorId, rule, state, severity, snapshot },
  atMs: T0,
});

const run = (state: FleetState, ...actions: FleetAction[]) => actions.reduce(fleetReducer, state);
const alertsLive = (state: FleetState, ...snapshot: FleetAction[]) =>
  run(state, { type: 'ready', stream: 'alerts', resumed: false }, ...snapshot, { type: 'snapshot-complete', stream: 'alerts', atMs: T0 });
const sensor = (state: FleetState, id: string) => {
  const held = state.sensors.get(id);
  assert.ok(held, `sensor ${id} is held`);
  return held;
};
const statusOf = (state: FleetState, id: string, nowMs = T0) => sensorStatus(state, sensor(state, id), nowMs);

test('the registry seeds every sensor with its latest reading; until the alerts snapshot, its open alert count stands for the alerts', () => {
  const state = initialFleet([
    registered('a-1', { latestReading: { timestampMs: T0 - 1_000, value: 21 } }),
    registered('a-2', { latestReading: { timestampMs: T0 - 1_000, value: 22 }, openAlertCount: 2 }),
    registered('a-3', { enabled: false, openAlertCount: 1 }),
  ]);
  assert.deepEqual(latestReading(sensor(state, 'a-1')), { timestampMs: T0 - 1_000, value: 21 });
  assert.equal(statusOf(state, 'a-1'), 'ok');
  assert.equal(statusOf(state, 'a-2'), 'alerting');
  assert.equal(openAlertCount(state, sensor(state, 'a-2')), 2);
  assert.equal(statusOf(state, 'a-3'), 'disabled', 'disabled wins over its alerts');
  assert.equal(state.readings.status, 'connecting');
});

test('once the alerts snapshot is complete, the stream decides: an open RANGE alert is alerting, its clearing is ok again', () => {
  let state = initialFleet([registered('a-1', { latestReading: { timestampMs: T0, value: 20 }, openAlertCount: 1 })]);
  state = alertsLive(state); // the snapshot has no alert for it: the registry's count was stale
  assert.equal(state.alerts.status, 'live');
  assert.equal(openAlertCount(state, sensor(state, 'a-1')), 0);
  assert.equal(statusOf(state, 'a-1'), 'ok');
  state = run(state, alert('a-1', 'RANGE', 'OPEN'));
  assert.equal(statusOf(state, 'a-1'), 'alerting');
  assert.equal(openAlertCount(state, sensor(state, 'a-1')), 1);
  state = run(state, alert('a-1', 'RANGE', 'ACKNOWLEDGED'), alert('a-1', 'ZSCORE', 'OPEN'));
  assert.equal(statusOf(state, 'a-1'), 'alerting', 'acknowledged is still alerting');
  assert.equal(openAlertCount(state, sensor(state, 'a-1')), 2);
  state = run(state, alert('a-1', 'RANGE', 'CLEARED'), alert('a-1', 'ZSCORE', 'CLEARED'));
  assert.equal(openAlertCount(state, sensor(state, 'a-1')), 0);
  assert.equal(statusOf(state, 'a-1'), 'ok');
});

test('silent: no reading yet, none for 30 s by the page clock, or an open SILENCE alert', () => {
  let state = alertsLive(initialFleet([registered('a-1'), registered('a-2')]));
  assert.equal(statusOf(state, 'a-1'), 'silent', 'no reading yet');
  state = run(state, reading('a-1', T0, 20), reading('a-2', T0, 20));
  assert.equal(statusOf(state, 'a-1', T0 + SILENT_AFTER_MS), 'ok');
  assert.equal(statusOf(state, 'a-1', T0 + SILENT_AFTER_MS + 1), 'silent');
  state = run(state, alert('a-2', 'SILENCE', 'OPEN'));
  assert.equal(statusOf(state, 'a-2'), 'silent', 'a SILENCE alert is silent, not alerting');
  state = run(state, alert('a-2', 'RANGE', 'OPEN'));
  assert.equal(statusOf(state, 'a-2'), 'alerting', 'another open alert beside it: alerting');
});

test('a snapshot of alerts replaces the held ones only when complete; a broken one is dropped', () => {
  let state = alertsLive(initialFleet([registered('a-1'), registered('a-2')]), alert('a-1', 'RANGE', 'OPEN', true));
  assert.equal(openAlertCount(state, sensor(state, 'a-1')), 1);
  state = run(state, { type: 'disconnected', stream: 'alerts', problem: 'UNAVAILABLE: down' });
  assert.equal(state.alerts.status, 'reconnecting');
  assert.equal(state.alerts.problem, 'UNAVAILABLE: down');
  state = run(state, { type: 'ready', stream: 'alerts', resumed: false }, alert('a-2', 'RANGE', 'OPEN', true));
  assert.equal(openAlertCount(state, sensor(state, 'a-1')), 1, 'the old state stays shown while a snapshot arrives');
  assert.equal(openAlertCount(state, sensor(state, 'a-2')), 0);
  state = run(state, { type: 'disconnected', stream: 'alerts', problem: null }, { type: 'ready', stream: 'alerts', resumed: false }, { type: 'snapshot-complete', stream: 'alerts', atMs: T0 + 1 });
  assert.equal(openAlertCount(state, sensor(state, 'a-2')), 0, 'the half snapshot was dropped');
  assert.equal(openAlertCount(state, sensor(state, 'a-1')), 0, 'the complete empty snapshot replaced the held alerts');
  assert.equal(state.alerts.status, 'live');
  assert.equal(state.alerts.problem, null);
});

test('the title counts open critical alerts of every sensor, shown or not: not warnings, not acknowledged or cleared ones', () => {
  let state = initialFleet([registered('a-1', { openAlertCount: 1 })]);
  assert.equal(openCriticalAlertCount(state.openAlerts), 0, 'the registry\'s counts have no severity');
  state = alertsLive(state, alert('a-1', 'RANGE', 'OPEN', true, 'CRITICAL'), alert('a-1', 'ZSCORE', 'OPEN', true));
  assert.equal(openCriticalAlertCount(state.openAlerts), 1);
  state = run(state, alert('ghost', 'RANGE', 'OPEN', false, 'CRITICAL'));
  assert.equal(openCriticalAlertCount(state.openAlerts), 2, 'an alert of a sensor without a row counts too, as on /alerts');
  state = run(state, alert('a-1', 'RANGE', 'ACKNOWLEDGED', false, 'CRITICAL'), alert('ghost', 'RANGE', 'CLEARED', false, 'CRITICAL'));
  assert.equal(openCriticalAlertCount(state.openAlerts), 0);
});

test('a resumed stream is live at once; resync keeps readings and waits for a fresh alerts snapshot', () => {
  let state = run(initialFleet([registered('a-1')]), { type: 'ready', stream: 'readings', resumed: true }, reading('a-1', T0, 20));
  assert.equal(state.readings.status, 'live');
  state = alertsLive(state, alert('a-1', 'RANGE', 'OPEN', true));
  state = run(state, { type: 'resync', stream: 'readings', reason: 'OUT_OF_RANGE: old' }, { type: 'resync', stream: 'alerts', reason: 'OUT_OF_RANGE: old' });
  assert.equal(state.readings.status, 'resyncing');
  assert.equal(state.readings.problem, 'OUT_OF_RANGE: old');
  assert.equal(latestReading(sensor(state, 'a-1'))?.value, 20, 'readings are kept');
  assert.equal(statusOf(state, 'a-1'), 'alerting', 'alerts are kept until the fresh snapshot');
  state = run(state, { type: 'ready', stream: 'alerts', resumed: false }, { type: 'snapshot-complete', stream: 'alerts', atMs: T0 });
  assert.equal(statusOf(state, 'a-1'), 'ok');
});

test('readings build a capped sparkline in event-time order; one seen twice counts once', () => {
  let state = initialFleet([registered('a-1')]);
  const actions: FleetAction[] = [];
  for (let i = 0; i < SPARKLINE_POINTS + 10; i++) actions.push(reading('a-1', T0 + i * 1_000, i));
  state = run(state, { type: 'batch', actions });
  const recent = sensor(state, 'a-1').recent;
  assert.equal(recent.length, SPARKLINE_POINTS);
  assert.equal(recent[0]!.value, 10, 'the oldest are dropped');
  assert.equal(latestReading(sensor(state, 'a-1'))?.value, SPARKLINE_POINTS + 9);
  const before = sensor(state, 'a-1');
  state = run(state, reading('a-1', T0 + 20_000, 20, { snapshot: true }));
  assert.equal(sensor(state, 'a-1'), before, 'a duplicate changes nothing (same object: the row does not re-render)');
  const late = withPoint([{ timestampMs: 1, value: 1 }, { timestampMs: 3, value: 3 }], { timestampMs: 2, value: 2 });
  assert.deepEqual(late.map((p) => p.timestampMs), [1, 2, 3], 'an out-of-order reading goes in its place');
});

test('a reading changes only its own sensor object', () => {
  const state = initialFleet([registered('a-1'), registered('a-2')]);
  const next = run(state, reading('a-1', T0, 20));
  assert.notEqual(next.sensors.get('a-1'), state.sensors.get('a-1'));
  assert.equal(next.sensors.get('a-2'), state.sensors.get('a-2'));
});

test('readings of a sensor the registry does not list add it to the unregistered group, with the site, type and unit they carry', () => {
  let state = initialFleet([registered('a-1', { siteId: 'plant-b' }), registered('a-2', { siteId: 'plant-a' })]);
  state = run(state, reading('x-9', T0, 50, { siteId: 'lab', sensorType: 'co2', unit: 'ppm' }));
  const stranger = sensor(state, 'x-9');
  assert.equal(stranger.registered, false);
  assert.equal(stranger.unit, 'ppm');
  assert.equal(statusOf(state, 'x-9'), 'ok');
  const groups = fleetGroups(state, NO_FILTERS);
  assert.deepEqual(groups.map((g) => g.key), ['plant-a', 'plant-b', UNREGISTERED_GROUP]);
  assert.deepEqual(groups.at(-1)!.sensors.map((s) => s.sensorId), ['x-9']);
  assert.deepEqual(fleetFacets(state), { sites: ['lab', 'plant-a', 'plant-b'], types: ['co2', 'temperature'] });
  // Alerts of sensors without a row are held but add no row (the topic keeps thousands of old test sensors' alerts).
  state = alertsLive(state, alert('ghost', 'SILENCE', 'OPEN', true));
  assert.equal(state.sensors.has('ghost'), false);
});

test('without the registry every sensor is grouped by the site its readings carry', () => {
  const state = run(initialFleet(null), reading('x-1', T0, 1, { siteId: 'lab' }), reading('x-2', T0, 1, { siteId: 'plant-a' }));
  assert.equal(state.registryLoaded, false);
  assert.deepEqual(fleetGroups(state, NO_FILTERS).map((g) => g.key), ['lab', 'plant-a']);
});

test('filters by site and type and a search by id or display name narrow the groups', () => {
  const state = initialFleet([
    registered('plant-a-temperature-1', { siteId: 'plant-a', displayName: 'Furnace inlet' }),
    registered('plant-a-co2-1', { siteId: 'plant-a', sensorType: 'co2' }),
    registered('plant-b-temperature-1', { siteId: 'plant-b' }),
  ]);
  const ids = (filters: typeof NO_FILTERS) => fleetGroups(state, filters).flatMap((g) => g.sensors.map((s) => s.sensorId));
  assert.deepEqual(ids(NO_FILTERS), ['plant-a-co2-1', 'plant-a-temperature-1', 'plant-b-temperature-1']);
  assert.deepEqual(ids({ ...NO_FILTERS, site: 'plant-a' }), ['plant-a-co2-1', 'plant-a-temperature-1']);
  assert.deepEqual(ids({ ...NO_FILTERS, type: 'temperature' }), ['plant-a-temperature-1', 'plant-b-temperature-1']);
  assert.deepEqual(ids({ site: 'plant-a', type: 'temperature', search: '' }), ['plant-a-temperature-1']);
  assert.deepEqual(ids({ ...NO_FILTERS, search: 'FURNACE' }), ['plant-a-temperature-1'], 'display name, case-insensitive');
  assert.deepEqual(ids({ ...NO_FILTERS, search: ' b-temp ' }), ['plant-b-temperature-1'], 'part of the id, trimmed');
  assert.deepEqual(ids({ ...NO_FILTERS, search: 'nothing-like-it' }), []);
  assert.deepEqual(SENSOR_STATUS_ORDER, ['alerting', 'silent', 'disabled', 'ok']);
});
