import type { SensorReading } from '@iot/contracts';

const MAX_CLOCK_SKEW_MS = 24 * 3600 * 1000;
const EARLIEST = Date.UTC(2000, 0, 1);

/**
 * Checks a decoded reading beyond what Avro guarantees. Returns the reason it is unusable,
 * or undefined when it is fine.
 */
export function invalidReadingReason(reading: SensorReading, now: number): string | undefined {
  if (!reading.sensorId) return 'sensorId is empty';
  if (!reading.sensorType) return 'sensorType is empty';
  if (!reading.siteId) return 'siteId is empty';
  if (!Number.isFinite(reading.value)) return `value is not a finite number (${reading.value})`;
  if (!Number.isSafeInteger(reading.timestamp) || reading.timestamp < EARLIEST) return `timestamp ${reading.timestamp} is before 2000-01-01 or not an integer`;
  if (reading.timestamp > now + MAX_CLOCK_SKEW_MS) return `timestamp ${new Date(reading.timestamp).toISOString()} is more than a day in the future`;
  return undefined;
}
