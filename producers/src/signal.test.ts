import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DETECTOR_DEFAULTS } from './detector-defaults.ts';
import { defaultFleet, SENSOR_TYPES, type FleetSensor } from './fleet.ts';
import { normalEnvelope, SignalModel } from './signal.ts';

const DAY_START = Date.UTC(2026, 5, 1);
const sensor = (id: string, siteId: string, type: FleetSensor['type'] = 'temperature'): FleetSensor => ({ id, siteId, type, unit: SENSOR_TYPES[type].unit, intervalMs: 5000 });

/** One simulated day of a sensor, a reading every `stepMs`. */
function day(model: SignalModel, s: FleetSensor, stepMs = 60_000): number[] {
  return Array.from({ length: (24 * 3600_000) / stepMs }, (_, i) => model.value(s, DAY_START + i * stepMs));
}

function correlation(a: number[], b: number[]): number {
  const mean = (xs: number[]) => xs.reduce((sum, x) => sum + x, 0) / xs.length;
  const [ma, mb] = [mean(a), mean(b)];
  let [cov, va, vb] = [0, 0, 0];
  a.forEach((x, i) => {
    cov += (x - ma) * (b[i]! - mb);
    va += (x - ma) ** 2;
    vb += (b[i]! - mb) ** 2;
  });
  return cov / Math.sqrt(va * vb);
}

test('the same seed gives the same readings, whatever other sensors are asked in between', () => {
  const [a, b] = [sensor('t1', 'site'), sensor('t2', 'site')];
  const first = new SignalModel(7);
  const second = new SignalModel(7);
  const alone = day(first, a, 600_000);
  const interleaved = Array.from({ length: 144 }, (_, i) => {
    second.value(b, DAY_START + i * 600_000);
    return second.value(a, DAY_START + i * 600_000);
  });
  assert.deepEqual(interleaved, alone);
  assert.notDeepEqual(day(new SignalModel(8), a, 600_000), alone, 'another seed, other values');
});

test('over simulated days every type stays in its normal envelope, inside the detectors\' default limits, and moves', () => {
  const model = new SignalModel(42);
  for (const s of defaultFleet()) {
    const values = day(model, s, s.intervalMs * 12);
    const { low, high } = normalEnvelope(s.type);
    const limits = DETECTOR_DEFAULTS.types[s.type];
    const [min, max] = [Math.min(...values), Math.max(...values)];
    assert.ok(min >= low && max <= high, `${s.id}: ${min}..${max} outside ${low}..${high}`);
    assert.ok(low > limits.min && high < limits.max, `${s.type}: envelope ${low}..${high} crosses the RANGE limits`);
    assert.ok(max - min > SENSOR_TYPES[s.type].noise * 2, `${s.id} varies over a day`);
  }
});

test('normal readings change slower than the RATE_OF_CHANGE limits at the default intervals', () => {
  const model = new SignalModel(3);
  for (const s of defaultFleet()) {
    const values = Array.from({ length: 500 }, (_, i) => model.value(s, DAY_START + i * s.intervalMs));
    const fastest = Math.max(...values.slice(1).map((v, i) => Math.abs(v - values[i]!) / Math.max(s.intervalMs / 1000, 1)));
    assert.ok(fastest < DETECTOR_DEFAULTS.types[s.type].maxRatePerSecond, `${s.id}: ${fastest}/s`);
  }
});

test('two temperature sensors of one site correlate over a day (r > 0.8), more than across sites', () => {
  for (const seed of [1, 42, 2026]) {
    const model = new SignalModel(seed);
    const north = day(model, sensor('a-north', 'site-a'));
    const south = day(model, sensor('a-south', 'site-a'));
    const elsewhere = day(model, sensor('b-1', 'site-b'));
    const sameSite = correlation(north, south);
    const acrossSites = correlation(north, elsewhere);
    assert.ok(sameSite > 0.8, `seed ${seed}: same site r = ${sameSite}`);
    assert.ok(acrossSites < sameSite - 0.05, `seed ${seed}: across sites r = ${acrossSites}, same site ${sameSite}`);
  }
});

test('a hot afternoon warms every temperature sensor at the site', () => {
  const model = new SignalModel(5);
  const sensors = [1, 2, 3].map((n) => sensor(`t${n}`, 'site'));
  const at = (hour: number) => sensors.map((s) => model.value(s, DAY_START + hour * 3600_000));
  const [night, afternoon] = [at(3), at(15)];
  sensors.forEach((s, i) => assert.ok(afternoon[i]! > night[i]! + 3, `${s.id}: ${night[i]} at 3:00, ${afternoon[i]} at 15:00`));
});
