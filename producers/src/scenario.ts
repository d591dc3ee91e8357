import { z } from 'zod';
import type { AlertRule } from '@iot/contracts';
import { DETECTOR_DEFAULTS, type DetectorDefaults } from './detector-defaults.ts';
import type { Fleet, FleetSensor } from './fleet.ts';
import { normalEnvelope } from './signal.ts';
import { readStructuredFile, validate } from './structured-file.ts';
import { SENSOR_TYPES } from './fleet.ts';

export const FAULT_KINDS = ['spike', 'stuck', 'drift', 'step', 'silence', 'flapping'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

const faultWindow = {
  /** The sensor id (the run's --prefix is put in front). */
  sensor: z.string().min(1),
  /** Seconds since the run started (within each repetition, with `repeatEveryS`). */
  startS: z.number().min(0),
  endS: z.number().positive(),
};

const faultSchema = z
  .discriminatedUnion(
    'fault',
    [
      /** Jumps to `value` (default: the RANGE max + 20% of the band) for the whole window. */
      z.object({ ...faultWindow, fault: z.literal('spike'), value: z.number().optional() }).strict(),
      /** Repeats one value: `value`, or the sensor's last normal one before the window. */
      z.object({ ...faultWindow, fault: z.literal('stuck'), value: z.number().optional() }).strict(),
      /** Adds an offset growing linearly from 0 to `by` (default: ends beyond the RANGE max) over the window; back to normal after it. */
      z.object({ ...faultWindow, fault: z.literal('drift'), by: z.number().optional() }).strict(),
      /** Adds `by` (default: 25% of the RANGE band) for the whole window: a sudden step, and back. */
      z.object({ ...faultWindow, fault: z.literal('step'), by: z.number().optional() }).strict(),
      /** Sends nothing in the window. */
      z.object({ ...faultWindow, fault: z.literal('silence') }).strict(),
      /**
       * Alternates around `around` (a value, or the type's RANGE `max` or `min`; default `max`):
       * `amplitude` above for half of `periodS`, as far below for the other half. Defaults: 5% of
       * the RANGE band, and 8 readings per period.
       */
      z
        .object({
          ...faultWindow,
          fault: z.literal('flapping'),
          around: z.union([z.number(), z.enum(['max', 'min'])]).default('max'),
          amplitude: z.number().positive().optional(),
          periodS: z.number().positive().optional(),
        })
        .strict(),
    ],
    { error: `expected "fault" to be one of ${FAULT_KINDS.join(', ')}` },
  )
  .refine((fault) => fault.endS > fault.startS, { message: 'endS must be after startS', path: ['endS'] });

const scenarioSchema = z
  .object({
    name: z.string().optional(),
    description: z.string().optional(),
    /** Replays the faults every this many seconds (all must end by then); default: once. */
    repeatEveryS: z.number().positive().optional(),
    faults: z.array(faultSchema),
  })
  .strict()
  .superRefine((scenario, context) => {
    if (scenario.repeatEveryS === undefined) return;
    scenario.faults.forEach((fault, i) => {
      if (fault.endS > scenario.repeatEveryS!) context.addIssue({ code: 'custom', path: ['faults', i, 'endS'], message: `must be at most repeatEveryS (${scenario.repeatEveryS})` });
    });
  });

export type ScenarioSpec = z.input<typeof scenarioSchema>;
export type FaultSpec = z.output<typeof faultSchema>;

/** A fault with every default filled in for its sensor. */
export type Fault =
  | { kind: 'spike'; sensor: FleetSensor; startS: number; endS: number; value: number }
  | { kind: 'stuck'; sensor: FleetSensor; startS: number; endS: number; value: number | undefined }
  | { kind: 'drift' | 'step'; sensor: FleetSensor; startS: number; endS: number; by: number }
  | { kind: 'silence'; sensor: FleetSensor; startS: number; endS: number }
  | { kind: 'flapping'; sensor: FleetSensor; startS: number; endS: number; around: number; amplitude: number; periodS: number };

export interface Scenario {
  readonly name: string;
  readonly repeatEveryS: number | undefined;
  readonly faults: readonly Fault[];
}

/**
 * The built-in demo: every 5 minutes a spike, a drift out of range, a step, a silent sensor, a
 * flapping one and a stuck one, on the demo fleet, so alerts open and clear all the time.
 */
export const BUILT_IN_SCENARIOS: Readonly<Record<string, ScenarioSpec>> = {
  demo: {
    name: 'demo',
    description: 'every 5 minutes: one fault of each kind on the demo fleet',
    repeatEveryS: 300,
    faults: [
      { sensor: 'plant-a-vibration-1', fault: 'spike', startS: 40, endS: 55 },
      { sensor: 'office-c-co2-1', fault: 'drift', startS: 90, endS: 240 },
      { sensor: 'plant-b-vibration-2', fault: 'stuck', startS: 100, endS: 160 },
      { sensor: 'plant-b-temperature-1', fault: 'step', startS: 170, endS: 230 },
      { sensor: 'office-c-humidity-1', fault: 'silence', startS: 200, endS: 245 },
      { sensor: 'plant-a-power-1', fault: 'flapping', startS: 250, endS: 290 },
    ],
  },
};

/** Validates a scenario against a fleet (already scaled to the run's rate) and fills in the defaults. */
export function parseScenario(input: unknown, where: string, fleet: Fleet, prefix = ''): Scenario {
  const spec = validate(scenarioSchema, input, 'scenario', where);
  const byId = new Map(fleet.map((sensor) => [sensor.id, sensor]));
  const unknown = spec.faults.flatMap((fault, i) => (byId.has(`${prefix}${fault.sensor}`) ? [] : [`  ${where}: faults.${i}.sensor: no sensor "${prefix}${fault.sensor}" in the fleet`]));
  if (unknown.length > 0) throw new Error(`invalid scenario:\n${unknown.join('\n')}`);
  return {
    name: spec.name ?? where,
    repeatEveryS: spec.repeatEveryS,
    faults: spec.faults.map((fault) => resolveFault(fault, byId.get(`${prefix}${fault.sensor}`)!)),
  };
}

/** `name` is a built-in scenario (`demo`) or a YAML/JSON file. */
export function loadScenario(name: string, fleet: Fleet, prefix = ''): Scenario {
  const builtIn = BUILT_IN_SCENARIOS[name];
  if (builtIn) return parseScenario(builtIn, `built-in scenario "${name}"`, fleet, prefix);
  if (!/\.(ya?ml|json)$/i.test(name)) throw new Error(`--scenario: "${name}" is neither a built-in scenario (${Object.keys(BUILT_IN_SCENARIOS).join(', ')}) nor a .yaml/.yml/.json file`);
  return parseScenario(readStructuredFile(name, 'scenario'), name, fleet, prefix);
}

function resolveFault(spec: FaultSpec, sensor: FleetSensor): Fault {
  const limits = DETECTOR_DEFAULTS.types[sensor.type];
  const span = limits.max - limits.min;
  const base = { sensor, startS: spec.startS, endS: spec.endS };
  switch (spec.fault) {
    case 'spike':
      return { ...base, kind: 'spike', value: spec.value ?? limits.max + 0.2 * span };
    case 'stuck':
      return { ...base, kind: 'stuck', value: spec.value };
    case 'drift':
      return { ...base, kind: 'drift', by: spec.by ?? 1.5 * (limits.max - normalEnvelope(sensor.type).low) };
    case 'step':
      return { ...base, kind: 'step', by: spec.by ?? 0.25 * span };
    case 'silence':
      return { ...base, kind: 'silence' };
    case 'flapping': {
      const around = spec.around === 'max' ? limits.max : spec.around === 'min' ? limits.min : spec.around;
      return { ...base, kind: 'flapping', around, amplitude: spec.amplitude ?? 0.05 * span, periodS: spec.periodS ?? (8 * sensor.intervalMs) / 1000 };
    }
  }
}

/** Seconds into the fault's window at `elapsedMs` into the run, or undefined outside it. */
function secondsIntoFault(fault: Fault, repeatEveryS: number | undefined, elapsedMs: number): number | undefined {
  const elapsedS = elapsedMs / 1000;
  const inCycle = repeatEveryS === undefined ? elapsedS : elapsedS % repeatEveryS;
  return inCycle >= fault.startS && inCycle < fault.endS ? inCycle - fault.startS : undefined;
}

/**
 * Applies a scenario to the normal readings: `apply` turns a sensor's normal value at a time
 * into the faulty one, or undefined when the sensor is silent then (send nothing).
 */
export class FaultInjector {
  private readonly lastNormal = new Map<string, number>();
  private readonly stuckAt = new Map<Fault, number>();

  constructor(private readonly scenario: Scenario) {}

  apply(sensor: FleetSensor, elapsedMs: number, normal: number): number | undefined {
    for (const fault of this.scenario.faults) {
      if (fault.sensor.id !== sensor.id) continue;
      const intoS = secondsIntoFault(fault, this.scenario.repeatEveryS, elapsedMs);
      if (intoS === undefined) {
        this.stuckAt.delete(fault);
        continue;
      }
      return round(this.faulty(fault, intoS, normal));
    }
    this.lastNormal.set(sensor.id, normal);
    return normal;
  }

  private faulty(fault: Fault, intoS: number, normal: number): number | undefined {
    switch (fault.kind) {
      case 'spike':
        return fault.value;
      case 'stuck': {
        const value = fault.value ?? this.stuckAt.get(fault) ?? this.lastNormal.get(fault.sensor.id) ?? normal;
        this.stuckAt.set(fault, value);
        return value;
      }
      case 'drift':
        return normal + (fault.by * intoS) / (fault.endS - fault.startS);
      case 'step':
        return normal + fault.by;
      case 'silence':
        return undefined;
      case 'flapping':
        return fault.around + ((intoS % fault.periodS) < fault.periodS / 2 ? fault.amplitude : -fault.amplitude);
    }
  }
}

const round = (value: number | undefined) => (value === undefined ? undefined : Math.round(value * 1000) / 1000);

/** What a fault is designed to raise, with the detectors' default rules. */
export interface ExpectedAlerts {
  readonly sensorId: string;
  readonly fault: FaultKind;
  readonly startS: number;
  readonly endS: number;
  /** Rules that must open an alert for this fault (in its window, or as it ends). */
  readonly raises: AlertRule[];
  /** Rules that may also open one, depending on where the normal signal is when it starts or ends. */
  readonly mayRaise: AlertRule[];
  readonly notes: string[];
}

/**
 * Pure: for each fault of a scenario (on its sensor at its interval, for the first time it
 * runs), which alert rules it raises given the detectors' rules (default: `DETECTOR_DEFAULTS`).
 * The normal signal is only known to lie in its type's `normalEnvelope`, so a rule is in
 * `raises` when it fires wherever the signal is in that band, in `mayRaise` when it fires for
 * some part of it.
 */
export function expectedAlerts(scenario: Scenario, rules: DetectorDefaults = DETECTOR_DEFAULTS): ExpectedAlerts[] {
  return scenario.faults.map((fault) => {
    const { sensor } = fault;
    const limits = rules.types[sensor.type];
    const envelope = normalEnvelope(sensor.type);
    const noise = SENSOR_TYPES[sensor.type].noise;
    const intervalS = sensor.intervalMs / 1000;
    const durationS = fault.endS - fault.startS;
    /** Readings in the window, at least. */
    const readings = Math.floor(durationS / intervalS);
    const rateStepS = Math.max(intervalS, rules.rateOfChange.minIntervalMs / 1000);
    const raises = new Set<AlertRule>();
    const mayRaise = new Set<AlertRule>();
    const notes: string[] = [];
    const judge = (rule: AlertRule, surely: boolean, maybe: boolean) => {
      if (surely) raises.add(rule);
      else if (maybe) mayRaise.add(rule);
    };
    const rate = (least: number, most: number) => judge('RATE_OF_CHANGE', least / rateStepS > limits.maxRatePerSecond, most / rateStepS > limits.maxRatePerSecond);
    /** A jump between the normal band and values in [low, high], one reading apart: RATE_OF_CHANGE? */
    const jump = (low: number, high: number) => rate(Math.max(low - envelope.high, envelope.low - high, 0), Math.max(high - envelope.low, envelope.high - low));
    /** A jump by `by` from the normal value (give or take the noise of two readings). */
    const shift = (by: number) => rate(Math.abs(by) - 2 * noise, Math.abs(by) + 2 * noise);
    // A normal baseline's standard deviation: uniform noise has amplitude / √3; half as much again for the slow parts and the estimate's own wobble.
    const stdDev = Math.max((1.5 * noise) / Math.sqrt(3), 0.01);
    const warm = fault.startS / intervalS >= rules.zscore.warmup + 1;
    /** Readings `least` to `most` away from the baseline's mean, `count` of them in a row: ZSCORE? */
    const zscore = (least: number, most: number, count: number) => {
      const enough = warm && count >= rules.zscore.raiseAfter;
      judge('ZSCORE', enough && least >= rules.zscore.raiseAt * stdDev, enough && most >= rules.zscore.raiseAt * (noise / Math.sqrt(3)));
    };
    /** Values in [low, high] after the normal signal (anywhere in its band). */
    const deviation = (low: number, high: number, count: number) => zscore(Math.max(low - envelope.high, envelope.low - high, 0), Math.max(high - envelope.low, envelope.high - low), count);
    const outside = (low: number, high: number, count: number) => {
      const surely = low > limits.max || high < limits.min;
      const maybe = high > limits.max || low < limits.min;
      judge('RANGE', surely && count >= rules.range.raiseAfter, maybe && count >= rules.range.raiseAfter);
    };
    switch (fault.kind) {
      case 'spike':
        outside(fault.value, fault.value, readings);
        jump(fault.value, fault.value);
        deviation(fault.value, fault.value, readings);
        break;
      case 'step':
        outside(envelope.low + fault.by, envelope.high + fault.by, readings);
        shift(fault.by);
        zscore(Math.abs(fault.by) - noise, Math.abs(fault.by) + noise, readings);
        break;
      case 'drift': {
        // Beyond the band for the last part of the window; a gentle slope; a jump back as it ends.
        const slope = Math.abs(fault.by) / durationS;
        const towards = fault.by > 0 ? limits.max - envelope.low : envelope.high - limits.min;
        const tail = Math.floor((durationS * Math.max(0, 1 - towards / Math.abs(fault.by))) / intervalS);
        judge('RANGE', tail >= rules.range.raiseAfter, Math.abs(fault.by) > (fault.by > 0 ? limits.max - envelope.high : envelope.low - limits.min));
        if ((slope * intervalS + 2 * noise) / rateStepS > limits.maxRatePerSecond) mayRaise.add('RATE_OF_CHANGE');
        // The last reading in the window carries at least this much of the offset; the next one none.
        shift(fault.by * (1 - intervalS / durationS));
        mayRaise.add('ZSCORE');
        notes.push('the baseline follows a slow ramp, so ZSCORE depends on the slope against the noise');
        break;
      }
      case 'flapping': {
        const [low, high] = [fault.around - fault.amplitude, fault.around + fault.amplitude];
        const perHalf = Math.floor(fault.periodS / 2 / intervalS);
        const crosses = (low < limits.max && high > limits.max) || (low < limits.min && high > limits.min);
        judge('RANGE', crosses && perHalf >= rules.range.raiseAfter && durationS >= fault.periodS / 2, crosses);
        jump(low, high);
        if ((2 * fault.amplitude) / rateStepS > limits.maxRatePerSecond) raises.add('RATE_OF_CHANGE');
        deviation(low, high, Math.min(readings, perHalf));
        notes.push(`RANGE opens in each half above the limit and clears below it, every ${fault.periodS} s, when each half holds at least ${rules.range.raiseAfter} readings`);
        break;
      }
      case 'silence':
        judge('SILENCE', durationS * 1000 >= rules.silence.afterMs + 5000, durationS * 1000 > rules.silence.afterMs);
        notes.push('no reading is sent in the window; SILENCE clears when the sensor is back');
        break;
      case 'stuck':
        mayRaise.add('ZSCORE');
        notes.push('no detector looks for a stuck value: nothing opens while it is stuck; once it ends, the noise may look like a ZSCORE outlier against the baseline whose variance collapsed meanwhile');
        break;
    }
    for (const rule of raises) mayRaise.delete(rule);
    return { sensorId: sensor.id, fault: fault.kind, startS: fault.startS, endS: fault.endS, raises: [...raises].sort(), mayRaise: [...mayRaise].sort(), notes };
  });
}
