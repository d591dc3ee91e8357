import { setTimeout as sleep } from 'node:timers/promises';
import { type Producer, CompressionTypes } from 'kafkajs';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { AVRO_SCHEMAS, SENSOR_READINGS_TOPIC, type SensorReading } from '@iot/contracts';
import { registerSchema } from '@iot/runtime';
import type { Fleet } from './fleet.ts';
import { FaultInjector, type Scenario } from './scenario.ts';
import { Schedule } from './schedule.ts';
import { hashSeed, seededRandom, SignalModel } from './signal.ts';
import { checkTransportRatio, MALFORMED_HEADER, MALFORMED_KINDS, malformedValue, type MalformedKind } from './transport-faults.ts';
import type { Tally } from './tally.ts';

export interface SimulationOptions {
  /** Stop after this many ms; undefined runs until `signal` aborts. */
  readonly durationMs?: number;
  readonly seed: number;
  /** Fraction of readings stamped 1-4 s in the past (inside the grace period); default 0. */
  readonly outOfOrderRatio?: number;
  /** Fraction of readings stamped 5 minutes in the past (late: beyond window end + grace); default 0. */
  readonly lateRatio?: number;
  /** Fraction of readings sent a second time right after their batch was acknowledged, as a retry would; default 0. */
  readonly duplicateRatio?: number;
  /** Fraction of readings replaced by a malformed record (see `MALFORMED_KINDS`); default 0. */
  readonly malformedRatio?: number;
  /** Faults to inject into the values (a silent sensor sends nothing). */
  readonly scenario?: Scenario;
  readonly tally?: Tally;
  readonly signal?: AbortSignal;
  readonly onProgress?: (stats: SimulationStats) => void;
  readonly onError?: (error: unknown) => void;
}

export interface SimulationStats {
  /** Readings the broker acknowledged (duplicates included), of which `outOfOrder` and `late` were stamped in the past. */
  sent: number;
  outOfOrder: number;
  late: number;
  /** Of `sent`, second copies (`duplicateRatio`). */
  duplicates: number;
  /** Malformed records the broker acknowledged (not in `sent`). */
  malformed: number;
  errors: number;
  /** HTTP calls to the schema registry: the registrations and one lookup per schema id (the client caches schemas). */
  registryCalls: number;
  elapsedMs: number;
}

const TICK_MS = 100;
/** Readings per producer.send at most. */
const MAX_SEND = 2000;

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
 * Sends each sensor's readings at its own interval (scale them with `scaleIntervals` for a target
 * rate), in one batch per 100 ms tick. A reading's event time is when it was due. Each batch is
 * awaited (acks=all) before it is tallied, so the tally holds what the broker has. Some readings
 * can be stamped further in the past (`outOfOrderRatio`, `lateRatio`; see `readingTime`), a
 * scenario changes values or silences sensors, some readings are sent twice (`duplicateRatio`)
 * or replaced by malformed records (`malformedRatio`).
 */
export async function simulate(producer: Producer, registry: SchemaRegistry, registryUrl: string, fleet: Fleet, options: SimulationOptions): Promise<SimulationStats> {
  const keyId = await registerSchema(registryUrl, SENSOR_READINGS_TOPIC, 'key', AVRO_SCHEMAS.sensorIdKey);
  const valueId = await registerSchema(registryUrl, SENSOR_READINGS_TOPIC, 'value', AVRO_SCHEMAS.sensorReading);
  // Fetched once here, then cached by the client: encoding never calls the registry again.
  await registry.getSchema(keyId);
  await registry.getSchema(valueId);
  const ratios: TimingRatios = { outOfOrderRatio: options.outOfOrderRatio ?? 0, lateRatio: options.lateRatio ?? 0 };
  checkTimingRatios(ratios);
  const signals = new SignalModel(options.seed);
  const schedule = new Schedule(fleet, options.seed);
  const faults = options.scenario ? new FaultInjector(options.scenario) : undefined;
  // A separate stream for the timing, so the values are the same whatever the ratios.
  const timingRandom = seededRandom(options.seed ^ 0x5bd1e995);
  const started = Date.now();
  const duplicateRatio = options.duplicateRatio ?? 0;
  const malformedRatio = options.malformedRatio ?? 0;
  checkTransportRatio('--duplicate-ratio', duplicateRatio);
  checkTransportRatio('--malformed-ratio', malformedRatio);
  // Another stream for the transport faults, so they do not change the values or the timing either.
  const transportRandom = seededRandom(hashSeed(options.seed, 'transport'));
  const encodeReading = (reading: SensorReading) => registry.encode(valueId, reading);
  const stats: SimulationStats = { sent: 0, outOfOrder: 0, late: 0, duplicates: 0, malformed: 0, errors: 0, registryCalls: 4, elapsedMs: 0 };
  const tallyReading = (reading: SensorReading, kind: ReadingKind) => {
    stats.sent += 1;
    if (kind === 'late') {
      stats.late += 1;
      options.tally?.addLate(reading);
    } else {
      if (kind === 'out-of-order') stats.outOfOrder += 1;
      options.tally?.add(reading);
    }
  };
  /** Sends one chunk of readings (and malformed records); tallies them once the broker has acknowledged them. */
  const sendChunk = async (readings: Array<{ reading: SensorReading; kind: ReadingKind }>, malformed: Array<{ reading: SensorReading; kind: MalformedKind }>): Promise<void> => {
    const encoded = await Promise.all(
      readings.map(async ({ reading }) => ({ key: await registry.encode(keyId, reading.sensorId), value: await encodeReading(reading), timestamp: String(reading.timestamp) })),
    );
    const bad = await Promise.all(
      malformed.map(async ({ reading, kind }) => ({
        key: await registry.encode(keyId, reading.sensorId),
        value: await malformedValue(kind, reading, valueId, encodeReading),
        timestamp: String(reading.timestamp),
        headers: { [MALFORMED_HEADER]: kind },
      })),
    );
    let acknowledged = false;
    try {
      await producer.send({ topic: SENSOR_READINGS_TOPIC, acks: -1, compression: CompressionTypes.GZIP, messages: [...encoded, ...bad] });
      acknowledged = true;
      readings.forEach(({ reading, kind }) => tallyReading(reading, kind));
      malformed.forEach(({ kind }) => options.tally?.addMalformed(kind));
      stats.malformed += malformed.length;
    } catch (error) {
      // Not tallied: the tally only holds what the broker acknowledged.
      stats.errors += readings.length + malformed.length;
      options.onError?.(error);
    }
    // A retry after a lost acknowledgement: the same records again, as new records (the idempotent
    // producer only removes its own internal retries' duplicates, not the application's).
    const again = acknowledged && duplicateRatio > 0 ? readings.map((_, i) => i).filter(() => transportRandom() < duplicateRatio) : [];
    if (again.length > 0) {
      try {
        await producer.send({ topic: SENSOR_READINGS_TOPIC, acks: -1, compression: CompressionTypes.GZIP, messages: again.map((i) => encoded[i]!) });
        for (const i of again) {
          tallyReading(readings[i]!.reading, readings[i]!.kind);
          options.tally?.addDuplicate(readings[i]!.reading);
        }
        stats.duplicates += again.length;
      } catch (error) {
        stats.errors += again.length;
        options.onError?.(error);
      }
    }
  };
  while (!options.signal?.aborted) {
    const elapsed = Date.now() - started;
    if (options.durationMs !== undefined && elapsed >= options.durationMs) break;
    const due = schedule.due(elapsed);
    const readings: Array<{ reading: SensorReading; kind: ReadingKind }> = [];
    const malformed: Array<{ reading: SensorReading; kind: MalformedKind }> = [];
    for (const { sensor, atMs } of due) {
      const { kind, timestamp } = readingTime(started + Math.floor(atMs), atMs, ratios, timingRandom);
      const normal = signals.value(sensor, timestamp);
      const value = faults ? faults.apply(sensor, atMs, normal) : normal;
      if (value === undefined) continue; // silenced by the scenario
      const reading: SensorReading = { sensorId: sensor.id, sensorType: sensor.type, siteId: sensor.siteId, timestamp, value, unit: sensor.unit };
      if (malformedRatio > 0 && transportRandom() < malformedRatio) {
        malformed.push({ reading, kind: MALFORMED_KINDS[Math.floor(transportRandom() * MALFORMED_KINDS.length)]! });
      } else {
        readings.push({ reading, kind });
      }
    }
    // Bounded sends: kafkajs groups a send's messages by partition in quadratic time, so one
    // huge batch (a run that fell behind its rate) would be far slower than many small ones.
    for (let from = 0; from < readings.length || from < malformed.length; from += MAX_SEND) {
      await sendChunk(readings.slice(from, from + MAX_SEND), malformed.slice(from, from + MAX_SEND));
    }
    stats.elapsedMs = Date.now() - started;
    options.onProgress?.(stats);
    await sleep(TICK_MS);
  }
  stats.elapsedMs = Date.now() - started;
  return stats;
}
