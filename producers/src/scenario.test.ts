import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AlertRule } from '@iot/contracts';
import { DETECTOR_DEFAULTS } from './detector-defaults.ts';
import { defaultFleet, parseFleet, scaleIntervals, type Fleet } from './fleet.ts';
import { expectedAlerts, FaultInjector, loadScenario, parseScenario, type Scenario, type ScenarioSpec } from './scenario.ts';
import { Schedule } from './schedule.ts';
import { SignalModel } from './signal.ts';

const T0 = Date.UTC(2026, 5, 1, 14);

/** The values the simulator would send (without the transport), per sensor: [seconds into the run, value]. */
function run(fleet: Fleet, scenario: Scenario, untilS: number, seed = 42): Map<string, Array<[number, number]>> {
  const schedule = new Schedule(fleet, seed);
  const signals = new SignalModel(seed);
  const faults = new FaultInjector(scenario);
  const sent = new Map<string, Array<[number, number]>>(fleet.map((sensor) => [sensor.id, []]));
  for (const { sensor, atMs } of schedule.due(untilS * 1000)) {
    const value = faults.apply(sensor, atMs, signals.value(sensor, T0 + Math.floor(atMs)));
    if (value !== undefined) sent.get(sensor.id)!.push([atMs / 1000, value]);
  }
  return sent;
}

/** Which rules the readings of one sensor trip around [startS, endS], by simple re-implementations of the detectors' conditions. */
function tripped(readings: Array<[number, number]>, type: keyof typeof DETECTOR_DEFAULTS.types, startS: number, endS: number): Set<AlertRule> {
  const limits = DETECTOR_DEFAULTS.types[type];
  const found = new Set<AlertRule>();
  const inWindow = (t: number) => t >= startS && t < endS;
  let outside = 0;
  for (const [t, value] of readings) {
    outside = inWindow(t) && (value > limits.max || value < limits.min) ? outside + 1 : 0;
    if (outside >= DETECTOR_DEFAULTS.range.raiseAfter) found.add('RANGE');
  }
  readings.slice(1).forEach(([t, value], i) => {
    const [t0, v0] = readings[i]!;
    const nearWindow = t >= startS && t0 < endS + 0.001;
    if (nearWindow && Math.abs(value - v0) / Math.max(t - t0, 1) > limits.maxRatePerSecond) found.add('RATE_OF_CHANGE');
    if (t - t0 >= DETECTOR_DEFAULTS.silence.afterMs / 1000 && t0 < endS) found.add('SILENCE');
  });
  const before = readings.filter(([t]) => t < startS).slice(-DETECTOR_DEFAULTS.zscore.warmup).map(([, v]) => v);
  if (before.length >= DETECTOR_DEFAULTS.zscore.warmup) {
    const mean = before.reduce((sum, v) => sum + v, 0) / before.length;
    const std = Math.max(Math.sqrt(before.reduce((sum, v) => sum + (v - mean) ** 2, 0) / before.length), 0.01);
    const far = readings.filter(([t, v]) => inWindow(t) && Math.abs(v - mean) >= DETECTOR_DEFAULTS.zscore.raiseAt * std);
    if (far.length >= DETECTOR_DEFAULTS.zscore.raiseAfter) found.add('ZSCORE');
  }
  return found;
}

/** Every fault kind on several types, late enough for the ZSCORE warm-up. */
const EVERY_FAULT: ScenarioSpec = {
  faults: [
    { sensor: 'plant-a-vibration-1', fault: 'spike', startS: 60, endS: 70 },
    { sensor: 'plant-a-temperature-1', fault: 'spike', startS: 200, endS: 230 },
    { sensor: 'plant-a-power-1', fault: 'spike', startS: 100, endS: 110, value: -500 },
    { sensor: 'plant-a-temperature-2', fault: 'stuck', startS: 200, endS: 260 },
    { sensor: 'plant-a-co2-1', fault: 'drift', startS: 60, endS: 260 },
    { sensor: 'plant-a-humidity-1', fault: 'drift', startS: 200, endS: 400, by: -70 },
    { sensor: 'plant-a-temperature-3', fault: 'step', startS: 200, endS: 260 },
    { sensor: 'plant-a-vibration-2', fault: 'step', startS: 60, endS: 90, by: 3 },
    { sensor: 'plant-a-pressure-1', fault: 'silence', startS: 60, endS: 120 },
    { sensor: 'plant-a-power-2', fault: 'flapping', startS: 100, endS: 160 },
    { sensor: 'plant-a-vibration-3', fault: 'flapping', startS: 60, endS: 100, around: 'min', amplitude: 1, periodS: 10 },
  ],
};

test('every rule a fault is designed to raise is tripped by the values it generates, for several seeds', () => {
  const fleet = defaultFleet();
  const scenario = parseScenario(EVERY_FAULT, 'every-fault', fleet);
  const expected = expectedAlerts(scenario);
  for (const seed of [1, 42, 2026]) {
    const sent = run(fleet, scenario, 420, seed);
    expected.forEach((expectation, i) => {
      const fault = scenario.faults[i]!;
      const found = tripped(sent.get(fault.sensor.id)!, fault.sensor.type, fault.startS, fault.endS);
      for (const rule of expectation.raises) assert.ok(found.has(rule), `seed ${seed}: ${fault.kind} on ${fault.sensor.id} must trip ${rule}; tripped ${[...found].join(', ') || 'nothing'}`);
      for (const rule of found) {
        assert.ok([...expectation.raises, ...expectation.mayRaise].includes(rule), `seed ${seed}: ${fault.kind} on ${fault.sensor.id} tripped ${rule}, not expected`);
      }
    });
  }
});

test('what each fault kind raises with the default rules (and that a stuck value raises nothing)', () => {
  const scenario = parseScenario(EVERY_FAULT, 'every-fault', defaultFleet());
  const summary = expectedAlerts(scenario).map((e) => `${e.fault} ${e.sensorId}: ${e.raises.join('+') || '-'}`);
  assert.deepEqual(summary, [
    'spike plant-a-vibration-1: RANGE+RATE_OF_CHANGE+ZSCORE',
    'spike plant-a-temperature-1: RANGE+RATE_OF_CHANGE+ZSCORE',
    'spike plant-a-power-1: RANGE+ZSCORE',
    'stuck plant-a-temperature-2: -',
    'drift plant-a-co2-1: RANGE+RATE_OF_CHANGE',
    'drift plant-a-humidity-1: RANGE+RATE_OF_CHANGE',
    'step plant-a-temperature-3: RATE_OF_CHANGE+ZSCORE',
    'step plant-a-vibration-2: ZSCORE',
    'silence plant-a-pressure-1: SILENCE',
    'flapping plant-a-power-2: RANGE+ZSCORE',
    'flapping plant-a-vibration-3: RANGE',
  ]);
  const stuck = expectedAlerts(scenario)[3]!;
  assert.match(stuck.notes.join(' '), /no detector looks for a stuck value/);
});

test('a spike exceeds the max, a stuck value repeats, silence sends nothing, flapping crosses the threshold both ways', () => {
  const fleet = defaultFleet();
  const scenario = parseScenario(EVERY_FAULT, 'every-fault', fleet);
  const sent = run(fleet, scenario, 420);
  const during = (id: string, from: number, to: number) => sent.get(id)!.filter(([t]) => t >= from && t < to).map(([, v]) => v);
  assert.ok(during('plant-a-temperature-1', 200, 230).every((v) => v > DETECTOR_DEFAULTS.types.temperature.max));
  const stuck = during('plant-a-temperature-2', 200, 260);
  assert.ok(stuck.length >= 11 && new Set(stuck).size === 1, `stuck: ${stuck}`);
  assert.ok(new Set(during('plant-a-temperature-2', 260, 300)).size > 1, 'moves again after the fault');
  assert.deepEqual(during('plant-a-pressure-1', 60, 120), []);
  const flapping = during('plant-a-power-2', 100, 160);
  const crossings = flapping.slice(1).filter((v, i) => (v > 4000) !== (flapping[i]! > 4000)).length;
  assert.ok(crossings >= 6, `flapping crosses ${crossings} times`);
});

test('a repeating scenario replays its faults every repeatEveryS', () => {
  const fleet = defaultFleet();
  const scenario = loadScenario('demo', fleet);
  const sent = run(fleet, scenario, 900);
  const spiking = sent.get('plant-a-vibration-1')!.filter(([, v]) => v > DETECTOR_DEFAULTS.types.vibration.max).map(([t]) => Math.floor(t / 300));
  assert.deepEqual([...new Set(spiking)], [0, 1, 2]);
  const gaps = sent.get('office-c-humidity-1')!.slice(1).filter(([t], i) => t - sent.get('office-c-humidity-1')![i]![0] > 30).length;
  assert.equal(gaps, 3);
});

test('the demo scenario raises and clears an alert of every rule every five minutes', () => {
  const expected = expectedAlerts(loadScenario('demo', defaultFleet()));
  const raised = new Set(expected.flatMap((e) => e.raises));
  assert.deepEqual([...raised].sort(), ['RANGE', 'RATE_OF_CHANGE', 'SILENCE', 'ZSCORE']);
  assert.ok(expected.every((e) => e.endS <= 300));
});

test('--rate changes the intervals, and so what a fault can raise', () => {
  const slow = scaleIntervals(defaultFleet(), 2);
  const [spike] = expectedAlerts(parseScenario({ faults: [{ sensor: 'plant-a-vibration-1', fault: 'spike', startS: 40, endS: 55 }] }, 's', slow));
  assert.deepEqual(spike!.raises, [], 'at 2 readings/s the vibration sensor reads every 7 s: too few readings in 15 s, too early for ZSCORE');
});

test('bad scenarios are rejected with the file and path of each problem', () => {
  const fleet = defaultFleet('p-');
  assert.throws(
    () => parseScenario({ faults: [{ sensor: 'plant-a-co2-1', fault: 'melt', startS: 1, endS: 2 }] }, 's.yaml', fleet, 'p-'),
    /s\.yaml: faults\.0\.fault: expected "fault" to be one of spike, stuck/,
  );
  assert.throws(() => parseScenario({ faults: [{ sensor: 'plant-a-co2-1', fault: 'spike', startS: 5, endS: 2 }] }, 's.yaml', fleet, 'p-'), /s\.yaml: faults\.0\.endS: endS must be after startS/);
  assert.throws(() => parseScenario({ faults: [{ sensor: 'nope', fault: 'silence', startS: 1, endS: 2 }] }, 's.yaml', fleet, 'p-'), /s\.yaml: faults\.0\.sensor: no sensor "p-nope" in the fleet/);
  assert.throws(() => parseScenario({ repeatEveryS: 60, faults: [{ sensor: 'plant-a-co2-1', fault: 'silence', startS: 50, endS: 70 }] }, 's.yaml', fleet, 'p-'), /faults\.0\.endS: must be at most repeatEveryS/);
  assert.throws(() => parseScenario({ faults: [{ sensor: 'plant-a-co2-1', fault: 'stuck', startS: 1, endS: 2, by: 3 }] }, 's.yaml', fleet, 'p-'), /faults\.0: .*by/);
  assert.throws(() => loadScenario('nightmare', fleet), /neither a built-in scenario \(demo\) nor a \.yaml/);
  const dir = mkdtempSync(join(tmpdir(), 'scenario-'));
  writeFileSync(join(dir, 'one.yaml'), 'faults:\n  - { sensor: lab-t, fault: spike, startS: 1, endS: 9, value: 99 }\n');
  const lab = parseFleet({ sites: [{ id: 'lab', sensors: [{ id: 'lab-t', type: 'temperature' }] }] }, 'lab');
  assert.deepEqual(loadScenario(join(dir, 'one.yaml'), lab).faults.map((f) => [f.kind, f.sensor.id]), [['spike', 'lab-t']]);
  assert.deepEqual(loadScenario(join(import.meta.dirname, '..', 'scenarios', 'every-fault.yaml'), defaultFleet()).faults.length, EVERY_FAULT.faults.length);
});
