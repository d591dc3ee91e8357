import { setTimeout as sleep } from 'node:timers/promises';
import { type Producer, CompressionTypes } from 'kafkajs';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { AVRO_SCHEMAS, SENSOR_READINGS_TOPIC, type SensorReading } from '@iot/contracts';
import { registerSchema } from '@iot/runtime';
import type { Fleet } from './fleet.ts';
import { seededRandom, sensorValue } from './signal.ts';
import type { Tally } from './tally.ts';

export interface SimulationOptions {
  /** Target readings per second over the whole fleet. */
  readonly rate: number;
  /** Stop after this many ms; undefined runs until `signal` aborts. */
  readonly durationMs?: number;
  readonly seed: number;
  /** Fraction of readings stamped 1-4 s in the past (inside the grace period); default 0. */
  readonly outOfOrderRatio?: number;
  /** Fraction of readings stamped 5 minutes in the past (late: beyond window end + grace); default 0. */
  readonly lateRatio?: number;
  readonly tally?: Tally;
  readonly signal?: AbortSignal;
  readonly onProgress?: (stats: SimulationStats) => void;
  readonly onError?: (error: unknown) => void;
}

export interface SimulationStats {
  /** Readings the broker acknowledged, of which `outOfOrder` and `late` were stamped in the past. */
  sent: number;
  outOfOrder: number;
  late: number;
  errors: number;
  elapsedMs: number;
}

const TICK_MS = 100;

export interface TimingRatios {
  readonly outOfOrderRatio: number;
  readonly lateRatio: number;
}

export type ReadingKind = 'on-time' | 'out-of-order' | 'late';

/** Out-of-order readings are this far in the past: well inside the processor's 10 s grace. */
export const OUT_OF_ORDER_MIN_DELAY_MS = 1_000;
export const OUT_OF_ORDER_MAX_DELAY_MS = 4_000;
/** Late readings are this far in the past: always beyond their window's end + grace. */
export const LATE_DELAY_MS = 5 * 60_000;
/**
 * No late readings in a run's first 3 s: a reading is late only against the partition's stream
 * time (the max event time it has seen), so the run's on-time readings must have advanced it to
 * about now first. In those 3 s a reading drawn as late is sent on time instead.
 */
export const LATE_AFTER_MS = 3_000;

/** Throws an error that names the CLI flag when a ratio is not in [0, 1] or the two add up to more than 1. */
export function checkTimingRatios(ratios: TimingRatios): void {
  for (const [flag, value] of [['--out-of-order-ratio', ratios.outOfOrderRatio], ['--late-ratio', ratios.lateRatio]] as const) {
    if (!Number.isFinite(value) || value < 0 || value > 1) throw new Error(`${flag}: expected a number from 0 to 1, got ${value}`);
  }
  if (ratios.outOfOrderRatio + ratios.lateRatio > 1 + 1e-9) {
    throw new Error(`--out-of-order-ratio + --late-ratio: must add up to at most 1, got ${ratios.outOfOrderRatio} + ${ratios.lateRatio}`);
  }
}

/**
 * The event time of one reading sent at `now`, `elapsedMs` into the run: with probability
 * `lateRatio` late (now - 5 min; on time in the first 3 s), with probability `outOfOrderRatio`
 * out of order (now - a uniform whole number of ms in [1 s, 4 s]), otherwise now. Pure: all
 * randomness comes from `random` (one draw, two for out-of-order ones).
 */
export function readingTime(now: number, elapsedMs: number, ratios: TimingRatios, random: () => number): { kind: ReadingKind; timestamp: number } {
  const draw = random();
  if (draw < ratios.lateRatio) {
    return elapsedMs >= LATE_AFTER_MS ? { kind: 'late', timestamp: now - LATE_DELAY_MS } : { kind: 'on-time', timestamp: now };
  }
  if (draw < ratios.lateRatio + ratios.outOfOrderRatio) {
    const delay = OUT_OF_ORDER_MIN_DELAY_MS + Math.floor(random() * (OUT_OF_ORDER_MAX_DELAY_MS - OUT_OF_ORDER_MIN_DELAY_MS + 1));
    return { kind: 'out-of-order', timestamp: now - delay };
  }
  return { kind: 'on-time', timestamp: now };
}

/**
 * Sends readings round-robin over the fleet at the target rate, in batches per tick. Each
 * batch is awaited (acks=all) before it is tallied, so the tally holds what the broker has.
 * Some readings can be stamped in the past (`outOfOrderRatio`, `lateRatio`; see `readingTime`).
 */
export async function simulate(producer: Producer, registry: SchemaRegistry, registryUrl: string, fleet: Fleet, options: SimulationOptions): Promise<SimulationStats> {
  const keyId = await registerSchema(registryUrl, SENSOR_READINGS_TOPIC, 'key', AVRO_SCHEMAS.sensorIdKey);
  const valueId = await registerSchema(registryUrl, SENSOR_READINGS_TOPIC, 'value', AVRO_SCHEMAS.sensorReading);
  const ratios: TimingRatios = { outOfOrderRatio: options.outOfOrderRatio ?? 0, lateRatio: options.lateRatio ?? 0 };
  checkTimingRatios(ratios);
  const random = seededRandom(options.seed);
  // A second stream for the timing, so the values' noise is the same whatever the ratios.
  const timingRandom = seededRandom(options.seed ^ 0x5bd1e995);
  const started = Date.now();
  const stats: SimulationStats = { sent: 0, outOfOrder: 0, late: 0, errors: 0, elapsedMs: 0 };
  let next = 0;
  while (!options.signal?.aborted) {
    const elapsed = Date.now() - started;
    if (options.durationMs !== undefined && elapsed >= options.durationMs) break;
    const due = Math.floor((elapsed / 1000) * options.rate) - stats.sent - stats.errors;
    if (due > 0) {
      const readings: SensorReading[] = [];
      const kinds: ReadingKind[] = [];
      const now = Date.now();
      for (let i = 0; i < due; i += 1) {
        const sensor = fleet[next % fleet.length]!;
        next += 1;
        const { kind, timestamp } = readingTime(now, now - started, ratios, timingRandom);
        kinds.push(kind);
        readings.push({ sensorId: sensor.id, sensorType: sensor.type, siteId: sensor.siteId, timestamp, value: sensorValue(sensor, timestamp, random), unit: sensor.unit });
      }
      const messages = await Promise.all(
        readings.map(async (reading) => ({
          key: await registry.encode(keyId, reading.sensorId),
          value: await registry.encode(valueId, reading),
          timestamp: String(reading.timestamp),
        })),
      );
      try {
        await producer.send({ topic: SENSOR_READINGS_TOPIC, acks: -1, compression: CompressionTypes.GZIP, messages });
        stats.sent += readings.length;
        readings.forEach((reading, i) => {
          if (kinds[i] === 'late') {
            stats.late += 1;
            options.tally?.addLate(reading);
          } else {
            if (kinds[i] === 'out-of-order') stats.outOfOrder += 1;
            options.tally?.add(reading);
          }
        });
      } catch (error) {
        // Not tallied: the tally only holds what the broker acknowledged.
        stats.errors += readings.length;
        options.onError?.(error);
      }
    }
    stats.elapsedMs = Date.now() - started;
    options.onProgress?.(stats);
    await sleep(TICK_MS);
  }
  stats.elapsedMs = Date.now() - started;
  return stats;
}
