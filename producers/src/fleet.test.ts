import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultFleet, loadFleet, naturalRate, parseFleet, scaleIntervals, SENSOR_TYPES } from './fleet.ts';
import { Tally } from './tally.ts';

const FLEETS = join(import.meta.dirname, '..', 'fleets');

test('the demo fleet: three sites, a few dozen sensors of every type, each with its type unit and interval', () => {
  const fleet = defaultFleet('x-');
  assert.equal(fleet.length, 38);
  assert.deepEqual(new Set(fleet.map((sensor) => sensor.siteId)), new Set(['x-plant-a', 'x-plant-b', 'x-office-c']));
  assert.deepEqual(new Set(fleet.map((sensor) => sensor.type)), new Set(Object.keys(SENSOR_TYPES)));
  assert.ok(fleet.every((sensor) => sensor.id.startsWith(`${sensor.siteId}-${sensor.type}-`) && sensor.unit === SENSOR_TYPES[sensor.type].unit));
  assert.ok(fleet.every((sensor) => sensor.intervalMs === SENSOR_TYPES[sensor.type].intervalMs));
  assert.ok(fleet.some((sensor) => sensor.id === 'x-plant-a-power-1'), 'the id the gateway e2e test follows');
});

test('fleets/demo.yaml describes the built-in demo fleet', () => {
  assert.deepEqual(loadFleet(join(FLEETS, 'demo.yaml')), defaultFleet());
  assert.deepEqual(loadFleet(join(FLEETS, 'demo.yaml'), 'p-'), defaultFleet('p-'));
});

test('fleets/small.json: explicit ids, per-sensor intervals, generated ids for a count', () => {
  const fleet = loadFleet(join(FLEETS, 'small.json'));
  assert.deepEqual(fleet.map((sensor) => [sensor.id, sensor.intervalMs]), [
    ['lab-temp-north', 2000], ['lab-temp-south', 2000], ['lab-press', 10_000], ['lab-vibration-1', 500], ['lab-vibration-2', 500],
  ]);
});

test('a bad fleet is rejected with the file and the path of each problem', () => {
  assert.throws(
    () => parseFleet({ sites: [{ id: 'a', sensors: [{ id: 'bad id', type: 'laser' }] }] }, 'fleet.json'),
    (error: Error) => /fleet\.json: sites\.0\.sensors\.0\.id/.test(error.message) && /fleet\.json: sites\.0\.sensors\.0\.type: expected one of temperature/.test(error.message),
  );
  assert.throws(() => parseFleet({ sites: [] }, 'f.json'), /f\.json: sites/);
  assert.throws(
    () => parseFleet({ sites: [{ id: 'a', sensors: [{ id: 's', type: 'co2' }] }, { id: 'b', sensors: [{ id: 's', type: 'power' }] }] }, 'f.json'),
    /"s" appears twice/,
  );
  assert.throws(
    () => parseFleet({ sites: [{ id: 'a', sensors: [{ type: 'temperature', unit: '°F' }] }] }, 'f.yaml'),
    /f\.yaml: sites\.0\.sensors\.0\.unit: a temperature sensor reports in °C, not "°F"/,
  );
  assert.throws(() => parseFleet({ sites: [{ id: 'a', sensors: [{ type: 'co2', intervalMs: 0 }] }] }, 'f.yaml'), /f\.yaml: sites\.0\.sensors\.0\.intervalMs/);
  assert.throws(() => parseFleet({ sites: [{ id: 'a', sensors: [{ type: 'co2', interval: 5 }] }] }, 'f.yaml'), /f\.yaml: sites\.0\.sensors\.0: .*interval/);
  assert.throws(() => parseFleet({ sites: [{ id: 'a', sensors: [{ id: 'x', type: 'co2', count: 2 }] }] }, 'f.yaml'), /sites\.0\.sensors\.0\.count: count > 1 needs generated ids/);
});

test('fleet files: YAML syntax errors and unknown extensions name the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-'));
  writeFileSync(join(dir, 'broken.yaml'), 'sites:\n  - id: a\n    sensors: [ {type: co2\n');
  assert.throws(() => loadFleet(join(dir, 'broken.yaml')), /fleet file .*broken\.yaml is not valid YAML/);
  writeFileSync(join(dir, 'bad.yml'), 'sites:\n  - id: a\n    sensors:\n      - type: sonar\n');
  assert.throws(() => loadFleet(join(dir, 'bad.yml')), /bad\.yml: sites\.0\.sensors\.0\.type/);
  assert.throws(() => loadFleet(join(dir, 'fleet.txt')), /expected a \.yaml, \.yml or \.json file/);
  assert.throws(() => loadFleet(join(dir, 'missing.json')), /cannot read fleet file .*missing\.json/);
});

test('a target rate scales every interval by the same factor', () => {
  const fleet = defaultFleet();
  assert.ok(Math.abs(naturalRate(fleet) - 14.7) < 1e-9, `natural rate ${naturalRate(fleet)}`);
  const scaled = scaleIntervals(fleet, 147);
  assert.ok(Math.abs(naturalRate(scaled) - 147) < 1e-9);
  scaled.forEach((sensor, i) => assert.ok(Math.abs(sensor.intervalMs - fleet[i]!.intervalMs / 10) < 1e-9));
  assert.equal(scaleIntervals(fleet, undefined), fleet);
});

test('the tally sums per sensor per event-time minute', () => {
  const tally = new Tally();
  const t = Date.UTC(2026, 0, 1, 0, 0, 30);
  for (const [offset, value] of [[0, 1], [10_000, 5], [40_000, 2]] as const) {
    tally.add({ sensorId: 's', sensorType: 'co2', siteId: 'x', timestamp: t + offset, value, unit: 'ppm' });
  }
  assert.deepEqual(tally.toJSON().windows, [
    { sensorId: 's', windowStart: t - 30_000, count: 2, min: 1, max: 5, sum: 6 },
    { sensorId: 's', windowStart: t + 30_000, count: 1, min: 2, max: 2, sum: 2 },
  ]);
});
