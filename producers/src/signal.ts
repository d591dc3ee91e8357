import { SENSOR_TYPES, type Sensor } from './fleet.ts';

/** mulberry32: a small seeded PRNG, so the same seed gives the same readings. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY_MS = 24 * 3600 * 1000;

/** A plausible value for a sensor at a time: the type's base, a daily cycle peaking mid-afternoon, and noise. */
export function sensorValue(sensor: Sensor, timestamp: number, random: () => number): number {
  const shape = SENSOR_TYPES[sensor.type];
  const phase = ((timestamp % DAY_MS) / DAY_MS - 15 / 24) * 2 * Math.PI;
  const noise = (random() * 2 - 1) * shape.noise;
  return Math.round((shape.base + shape.dailyAmplitude * Math.cos(phase) + noise) * 1000) / 1000;
}
