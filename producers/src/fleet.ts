import { z } from 'zod';
import { readStructuredFile, validate } from './structured-file.ts';

/**
 * Per sensor type: its unit, its default sampling interval and the shape of its normal signal
 * (see `signal.ts`): `base` ± `daily` (a daily cycle peaking mid-afternoon; negative = lowest
 * then), ± `weather` (the site's slow weather, shared by its sensors), ± `drift` (each sensor's
 * own bounded wander), ± `noise` (uniform, per reading). The sum of the four amplitudes keeps a
 * normal day well inside the stream processor's default alert limits.
 */
export const SENSOR_TYPES = {
  temperature: { unit: '°C', intervalMs: 5_000, base: 21, daily: 4, weather: 3, drift: 0.8, noise: 0.3 },
  humidity: { unit: '%', intervalMs: 5_000, base: 45, daily: -10, weather: -8, drift: 3, noise: 1.5 },
  pressure: { unit: 'hPa', intervalMs: 10_000, base: 1013, daily: 1.5, weather: 8, drift: 0.5, noise: 0.3 },
  vibration: { unit: 'mm/s', intervalMs: 1_000, base: 2.5, daily: 0.5, weather: 0, drift: 0.5, noise: 0.4 },
  co2: { unit: 'ppm', intervalMs: 10_000, base: 600, daily: 150, weather: 0, drift: 40, noise: 20 },
  power: { unit: 'W', intervalMs: 2_000, base: 1200, daily: 400, weather: 300, drift: 100, noise: 50 },
} as const;

export type SensorType = keyof typeof SENSOR_TYPES;
export const SENSOR_TYPE_NAMES = Object.keys(SENSOR_TYPES) as [SensorType, ...SensorType[]];

/** A sensor's identity: what a reading says about where it comes from. */
export interface Sensor {
  readonly id: string;
  readonly type: SensorType;
  readonly siteId: string;
  readonly unit: string;
}

/** A sensor of a fleet: it also has a sampling interval. */
export interface FleetSensor extends Sensor {
  /** Time between two readings at the fleet's natural rate (see `scaleIntervals`). */
  readonly intervalMs: number;
}

export type Fleet = readonly FleetSensor[];

const ID = /^[A-Za-z0-9._-]{1,64}$/;
const idSchema = z.string().regex(ID, 'letters, digits, . _ - only, at most 64');

const sensorSchema = z
  .object({
    /** Omitted: `<site>-<type>-<n>`, numbered per type within the site. */
    id: idSchema.optional(),
    type: z.enum(SENSOR_TYPE_NAMES, { error: `expected one of ${SENSOR_TYPE_NAMES.join(', ')}` }),
    /** That many sensors alike (ids generated); only without `id`. */
    count: z.number().int().min(1).max(1000).default(1),
    intervalMs: z.number().int().min(10).max(3_600_000).optional(),
    unit: z.string().optional(),
  })
  .strict()
  .superRefine((sensor, context) => {
    if (sensor.id !== undefined && sensor.count > 1) context.addIssue({ code: 'custom', path: ['count'], message: 'count > 1 needs generated ids: drop `id`' });
    const expected = SENSOR_TYPES[sensor.type].unit;
    if (sensor.unit !== undefined && sensor.unit !== expected) {
      context.addIssue({ code: 'custom', path: ['unit'], message: `a ${sensor.type} sensor reports in ${expected}, not "${sensor.unit}"` });
    }
  });

const fleetSchema = z
  .object({
    sites: z.array(z.object({ id: idSchema, sensors: z.array(sensorSchema).min(1) }).strict()).min(1),
  })
  .strict();

/** The fleet file's shape (YAML or JSON), before ids are generated. */
export type FleetSpec = z.input<typeof fleetSchema>;

/** Parses and validates a fleet description; errors name `where` (the file) and the path inside it. */
export function parseFleet(input: unknown, where: string, prefix = ''): Fleet {
  const spec = validate(fleetSchema, input, 'fleet', where);
  const sensors: FleetSensor[] = [];
  for (const site of spec.sites) {
    const siteId = `${prefix}${site.id}`;
    const numbers = new Map<SensorType, number>();
    for (const entry of site.sensors) {
      const shape = SENSOR_TYPES[entry.type];
      for (let i = 0; i < entry.count; i += 1) {
        const n = (numbers.get(entry.type) ?? 0) + 1;
        numbers.set(entry.type, n);
        const id = entry.id === undefined ? `${siteId}-${entry.type}-${n}` : `${prefix}${entry.id}`;
        sensors.push({ id, type: entry.type, siteId, unit: shape.unit, intervalMs: entry.intervalMs ?? shape.intervalMs });
      }
    }
  }
  const seen = new Set<string>();
  for (const sensor of sensors) {
    if (!ID.test(sensor.id)) throw new Error(`invalid fleet:\n  ${where}: sensor id "${sensor.id}" is longer than 64 characters`);
    if (seen.has(sensor.id)) throw new Error(`invalid fleet:\n  ${where}: sensor id "${sensor.id}" appears twice`);
    seen.add(sensor.id);
  }
  return sensors;
}

/** A fleet file: YAML (.yaml, .yml) or JSON (.json), by extension. */
export function loadFleet(file: string, prefix = ''): Fleet {
  return parseFleet(readStructuredFile(file, 'fleet'), file, prefix);
}

/**
 * The demo fleet (same as fleets/demo.yaml): three sites, 38 sensors of all six types, about
 * 14.7 readings/s at the types' default intervals. `prefix` makes ids unique per run (tests).
 */
export const DEMO_FLEET: FleetSpec = {
  sites: [
    {
      id: 'plant-a',
      sensors: [
        { type: 'temperature', count: 4 },
        { type: 'humidity', count: 2 },
        { type: 'pressure' },
        { type: 'vibration', count: 4 },
        { type: 'co2' },
        { type: 'power', count: 2 },
      ],
    },
    {
      id: 'plant-b',
      sensors: [
        { type: 'temperature', count: 3 },
        { type: 'humidity', count: 2 },
        { type: 'pressure' },
        { type: 'vibration', count: 3 },
        { type: 'co2' },
        { type: 'power', count: 2 },
      ],
    },
    {
      id: 'office-c',
      sensors: [
        { type: 'temperature', count: 4 },
        { type: 'humidity', count: 2 },
        { type: 'pressure' },
        { type: 'vibration' },
        { type: 'co2', count: 3 },
        { type: 'power' },
      ],
    },
  ],
};

export function defaultFleet(prefix = ''): Fleet {
  return parseFleet(DEMO_FLEET, 'the built-in demo fleet', prefix);
}

/** Readings per second of the fleet at its sensors' intervals. */
export function naturalRate(fleet: Fleet): number {
  return fleet.reduce((total, sensor) => total + 1000 / sensor.intervalMs, 0);
}

/**
 * The fleet with every interval scaled by the same factor so that the whole fleet sends `rate`
 * readings per second; the sensors keep their relative rates. Undefined rate: unchanged.
 */
export function scaleIntervals(fleet: Fleet, rate: number | undefined): Fleet {
  if (rate === undefined) return fleet;
  const factor = naturalRate(fleet) / rate;
  return fleet.map((sensor) => ({ ...sensor, intervalMs: sensor.intervalMs * factor }));
}
