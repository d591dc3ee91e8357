import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** Units per sensor type: one place, so a reading's unit always matches its type. */
export const SENSOR_TYPES = {
  temperature: { unit: '°C', base: 21, dailyAmplitude: 4, noise: 0.3 },
  humidity: { unit: '%', base: 45, dailyAmplitude: 10, noise: 1.5 },
  pressure: { unit: 'hPa', base: 1013, dailyAmplitude: 3, noise: 0.5 },
  vibration: { unit: 'mm/s', base: 2.5, dailyAmplitude: 0.5, noise: 0.4 },
  co2: { unit: 'ppm', base: 600, dailyAmplitude: 150, noise: 20 },
  power: { unit: 'W', base: 1200, dailyAmplitude: 400, noise: 50 },
} as const;

export type SensorType = keyof typeof SENSOR_TYPES;

const sensorSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, . _ - only, at most 64'),
  type: z.enum(Object.keys(SENSOR_TYPES) as [SensorType, ...SensorType[]]),
});

const fleetSchema = z.object({
  sites: z
    .array(z.object({ id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/), sensors: z.array(sensorSchema).min(1) }))
    .min(1),
});

export interface Sensor {
  readonly id: string;
  readonly type: SensorType;
  readonly siteId: string;
  readonly unit: string;
}

export type Fleet = readonly Sensor[];

/** Parses and validates a fleet description; errors name the file and the path inside it. */
export function parseFleet(json: unknown, where: string): Fleet {
  const result = fleetSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${where}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`invalid fleet:\n${problems.join('\n')}`);
  }
  const sensors = result.data.sites.flatMap((site) =>
    site.sensors.map((sensor) => ({ id: sensor.id, type: sensor.type, siteId: site.id, unit: SENSOR_TYPES[sensor.type].unit })),
  );
  const seen = new Set<string>();
  for (const sensor of sensors) {
    if (seen.has(sensor.id)) throw new Error(`invalid fleet:\n  ${where}: sensor id "${sensor.id}" appears twice`);
    seen.add(sensor.id);
  }
  return sensors;
}

export function loadFleet(file: string): Fleet {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read fleet file ${file}: ${(error as Error).message}`);
  }
  return parseFleet(json, file);
}

/** The demo fleet: three sites, every sensor type at each. `prefix` makes ids unique per run (tests). */
export function defaultFleet(prefix = ''): Fleet {
  const sites = ['plant-a', 'plant-b', 'office-c'];
  const types = Object.keys(SENSOR_TYPES) as SensorType[];
  return sites.flatMap((siteId) =>
    types.map((type) => ({ id: `${prefix}${siteId}-${type}-1`, type, siteId: `${prefix}${siteId}`, unit: SENSOR_TYPES[type].unit })),
  );
}
