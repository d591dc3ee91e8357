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
  readonly tally?: Tally;
  readonly signal?: AbortSignal;
  readonly onProgress?: (stats: SimulationStats) => void;
  readonly onError?: (error: unknown) => void;
}

export interface SimulationStats {
  sent: number;
  errors: number;
  elapsedMs: number;
}

const TICK_MS = 100;

/**
 * Sends readings round-robin over the fleet at the target rate, in batches per tick. Each
 * batch is awaited (acks=all) before it is tallied, so the tally holds what the broker has.
 */
export async function simulate(producer: Producer, registry: SchemaRegistry, registryUrl: string, fleet: Fleet, options: SimulationOptions): Promise<SimulationStats> {
  const keyId = await registerSchema(registryUrl, SENSOR_READINGS_TOPIC, 'key', AVRO_SCHEMAS.sensorIdKey);
  const valueId = await registerSchema(registryUrl, SENSOR_READINGS_TOPIC, 'value', AVRO_SCHEMAS.sensorReading);
  const random = seededRandom(options.seed);
  const started = Date.now();
  const stats: SimulationStats = { sent: 0, errors: 0, elapsedMs: 0 };
  let next = 0;
  while (!options.signal?.aborted) {
    const elapsed = Date.now() - started;
    if (options.durationMs !== undefined && elapsed >= options.durationMs) break;
    const due = Math.floor((elapsed / 1000) * options.rate) - stats.sent - stats.errors;
    if (due > 0) {
      const readings: SensorReading[] = [];
      const now = Date.now();
      for (let i = 0; i < due; i += 1) {
        const sensor = fleet[next % fleet.length]!;
        next += 1;
        readings.push({ sensorId: sensor.id, sensorType: sensor.type, siteId: sensor.siteId, timestamp: now, value: sensorValue(sensor, now, random), unit: sensor.unit });
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
        for (const reading of readings) options.tally?.add(reading);
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
