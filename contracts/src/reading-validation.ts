import type { SensorReading } from './avro.ts';

/**
 * What makes a reading unusable, as a fixed category: the stream processor uses it as the
 * `dlq.kind` header and a metric label, the gRPC gateway as part of its rejection reason.
 */
export type ReadingRejectionKind = 'invalid-field' | 'invalid-value' | 'invalid-timestamp';

export interface ReadingRejection {
  readonly kind: ReadingRejectionKind;
  /** The full explanation, for people. */
  readonly reason: string;
}

/** A reading may be stamped at most this far ahead of the checker's clock. */
export const MAX_READING_CLOCK_SKEW_MS = 24 * 3600 * 1000;
/** Readings stamped before this (2000-01-01T00:00:00Z, epoch ms) are rejected. */
export const EARLIEST_READING_TIMESTAMP_MS = Date.UTC(2000, 0, 1);

/**
 * Checks a reading beyond what Avro guarantees: a record decoded with another schema (missing
 * fields), empty ids, a value that is not a finite number (NaN, Infinity), a timestamp that is
 * not an integer, before 2000-01-01, or more than a day ahead of `now`. Undefined when it is fine.
 * The one set of rules for every producer path: the stream processor dead-letters what fails it,
 * the gRPC gateway rejects it before producing.
 */
export function invalidReading(reading: SensorReading, now: number): ReadingRejection | undefined {
  if (reading === null || typeof reading !== 'object') return { kind: 'invalid-field', reason: 'value is not a SensorReading record' };
  for (const field of ['sensorId', 'sensorType', 'siteId', 'unit'] as const) {
    if (typeof reading[field] !== 'string') return { kind: 'invalid-field', reason: `${field} is missing: not a SensorReading (decoded with another schema?)` };
  }
  for (const field of ['sensorId', 'sensorType', 'siteId'] as const) {
    if (reading[field].trim() === '') return { kind: 'invalid-field', reason: `${field} is empty` };
  }
  if (typeof reading.value !== 'number' || !Number.isFinite(reading.value)) return { kind: 'invalid-value', reason: `value is not a finite number (${reading.value})` };
  if (typeof reading.timestamp !== 'number' || !Number.isSafeInteger(reading.timestamp)) return { kind: 'invalid-timestamp', reason: `timestamp ${reading.timestamp} is not an integer` };
  if (reading.timestamp < EARLIEST_READING_TIMESTAMP_MS) return { kind: 'invalid-timestamp', reason: `timestamp ${reading.timestamp} is before 2000-01-01` };
  if (reading.timestamp > now + MAX_READING_CLOCK_SKEW_MS) return { kind: 'invalid-timestamp', reason: `timestamp ${new Date(reading.timestamp).toISOString()} is more than a day in the future` };
  return undefined;
}
