import { SENSOR_TYPES, type Sensor, type SensorType } from './fleet.ts';

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

/** A 32-bit hash of the seed and some labels (FNV-1a), to derive independent streams and knots. */
export function hashSeed(seed: number, ...labels: Array<string | number>): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (const char of labels.join('\u0000')) {
    hash ^= char.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** A uniform draw in [-1, 1] fixed by the seed and labels: the same arguments, the same number. */
function fixedDraw(seed: number, ...labels: Array<string | number>): number {
  return seededRandom(hashSeed(seed, ...labels))() * 2 - 1;
}

/** Smooth noise in [-1, 1]: seeded knots at whole `x`, cosine-interpolated in between. */
function smoothNoise(seed: number, key: string, x: number): number {
  const knot = Math.floor(x);
  const blend = (1 - Math.cos((x - knot) * Math.PI)) / 2;
  return fixedDraw(seed, key, knot) * (1 - blend) + fixedDraw(seed, key, knot + 1) * blend;
}

const DAY_MS = 24 * 3600 * 1000;
const HOUR_MS = 3600 * 1000;
/** The drift's random walk: it would wander about its full bound in this long (it reflects there). */
const DRIFT_TIME_SCALE_MS = 2 * HOUR_MS;

/**
 * A site's shared conditions at a time, in [-1, 1] each: `daily` is the daily cycle (1 at the
 * site's warmest, mid-afternoon ± up to an hour per site), `weather` a slow wander (hours).
 * Pure: a function of the seed, the site and the time.
 */
export function siteConditions(seed: number, siteId: string, timestamp: number): { daily: number; weather: number } {
  const phaseShiftMs = fixedDraw(seed, siteId, 'phase') * HOUR_MS;
  const phase = (((timestamp - phaseShiftMs) % DAY_MS) / DAY_MS - 15 / 24) * 2 * Math.PI;
  const weather = 0.7 * smoothNoise(seed, `${siteId}/weather-slow`, timestamp / (3 * HOUR_MS)) + 0.3 * smoothNoise(seed, `${siteId}/weather-fast`, timestamp / (40 * 60_000));
  return { daily: Math.cos(phase), weather };
}

/** The band a normal signal of a type always stays in: base ± the sum of its amplitudes. */
export function normalEnvelope(type: SensorType): { low: number; high: number } {
  const shape = SENSOR_TYPES[type];
  const reach = Math.abs(shape.daily) + Math.abs(shape.weather) + shape.drift + shape.noise;
  return { low: shape.base - reach, high: shape.base + reach };
}

interface SensorState {
  readonly random: () => number;
  /** The drift, in units of the type's `drift` amplitude: in [-1, 1]. */
  drift: number;
  lastTimestamp: number | undefined;
}

/**
 * Normal readings of a fleet: per type `base + daily·cycle + weather·siteWeather + drift + noise`
 * (amplitudes in `SENSOR_TYPES`). Sensors of one site share the cycle and the weather, so they
 * move together (a hot afternoon warms every temperature sensor there); drift and noise are each
 * sensor's own. Seeded: for the same seed, a sensor's values depend only on its own timestamps,
 * not on other sensors or on the order sensors are asked in.
 */
export class SignalModel {
  private readonly states = new Map<string, SensorState>();

  constructor(private readonly seed: number) {}

  value(sensor: Sensor, timestamp: number): number {
    const shape = SENSOR_TYPES[sensor.type];
    const state = this.stateOf(sensor);
    this.walk(state, timestamp);
    const site = siteConditions(this.seed, sensor.siteId, timestamp);
    const noise = (state.random() * 2 - 1) * shape.noise;
    const value = shape.base + shape.daily * site.daily + shape.weather * site.weather + shape.drift * state.drift + noise;
    return Math.round(value * 1000) / 1000;
  }

  private stateOf(sensor: Sensor): SensorState {
    let state = this.states.get(sensor.id);
    if (!state) {
      const random = seededRandom(hashSeed(this.seed, 'sensor', sensor.id));
      state = { random, drift: random() - 0.5, lastTimestamp: undefined };
      this.states.set(sensor.id, state);
    }
    return state;
  }

  /** One step of the bounded random walk: Gaussian, variance proportional to the time since the last reading, reflected at ±1. */
  private walk(state: SensorState, timestamp: number): void {
    const elapsed = state.lastTimestamp === undefined ? 0 : Math.min(Math.max(timestamp - state.lastTimestamp, 0), HOUR_MS);
    state.lastTimestamp = Math.max(timestamp, state.lastTimestamp ?? timestamp);
    const gaussian = Math.sqrt(-2 * Math.log(1 - state.random())) * Math.cos(2 * Math.PI * state.random());
    let drift = state.drift + gaussian * Math.sqrt(elapsed / DRIFT_TIME_SCALE_MS);
    while (drift > 1 || drift < -1) drift = drift > 1 ? 2 - drift : -2 - drift;
    state.drift = drift;
  }
}

/**
 * A stateless normal value (the site's cycle and weather for seed 0, plus noise from `random`;
 * no drift): for benches that make up their own sensors. The simulator uses `SignalModel`.
 */
export function sensorValue(sensor: Sensor, timestamp: number, random: () => number): number {
  const shape = SENSOR_TYPES[sensor.type];
  const site = siteConditions(0, sensor.siteId, timestamp);
  const noise = (random() * 2 - 1) * shape.noise;
  return Math.round((shape.base + shape.daily * site.daily + shape.weather * site.weather + noise) * 1000) / 1000;
}
