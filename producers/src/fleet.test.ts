import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultFleet, parseFleet, SENSOR_TYPES } from './fleet.ts';
import { seededRandom, sensorValue } from './signal.ts';
import { Tally } from './tally.ts';

test('the demo fleet has every sensor type at every site with the type unit', () => {
  const fleet = defaultFleet('x-');
  assert.equal(fleet.length, 3 * Object.keys(SENSOR_TYPES).length);
  assert.ok(fleet.every((sensor) => sensor.id.startsWith('x-') && sensor.unit === SENSOR_TYPES[sensor.type].unit));
});

test('a bad fleet file is rejected with the file and the path of each problem', () => {
  assert.throws(
    () => parseFleet({ sites: [{ id: 'a', sensors: [{ id: 'bad id', type: 'laser' }] }] }, 'fleet.json'),
    (error: Error) => /fleet\.json: sites\.0\.sensors\.0\.id/.test(error.message) && /fleet\.json: sites\.0\.sensors\.0\.type/.test(error.message),
  );
  assert.throws(() => parseFleet({ sites: [] }, 'f.json'), /f\.json: sites/);
  assert.throws(
    () => parseFleet({ sites: [{ id: 'a', sensors: [{ id: 's', type: 'co2' }] }, { id: 'b', sensors: [{ id: 's', type: 'power' }] }] }, 'f.json'),
    /"s" appears twice/,
  );
});

test('the same seed gives the same readings', () => {
  const [sensor] = defaultFleet();
  const a = seededRandom(7);
  const b = seededRandom(7);
  const t = Date.UTC(2026, 0, 1);
  assert.deepEqual([1, 2, 3].map((i) => sensorValue(sensor!, t + i, a)), [1, 2, 3].map((i) => sensorValue(sensor!, t + i, b)));
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
