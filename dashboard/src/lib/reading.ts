/**
 * The reading events of `/api/readings/stream`, shared by the route (server) and the Fleet page
 * (browser). No imports: safe for client components.
 */

export const READINGS_STREAM_PATH = '/api/readings/stream';

/** SSE event names of the reading records (the generic ones are in stream-events.ts). */
export const READING_EVENTS = {
  /** One raw reading; data: {@link ReadingPayload}. Live ones have an id, snapshot ones (each sensor's latest) none. */
  reading: 'reading',
} as const;

export interface ReadingPayload {
  sensorId: string;
  sensorType: string;
  siteId: string;
  /** Event time, epoch ms (UTC). */
  timestampMs: number;
  value: number;
  unit: string;
  /** True for the snapshot's readings (each sensor's latest). */
  snapshot: boolean;
}

/** Checks a parsed `reading` event's data; null when it is not a valid payload. */
export function toReadingPayload(v: Record<string, unknown>): ReadingPayload | null {
  if (typeof v.sensorId !== 'string' || v.sensorId === '') return null;
  if (typeof v.timestampMs !== 'number' || !Number.isFinite(v.timestampMs)) return null;
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  return {
    sensorId: v.sensorId,
    sensorType: text(v.sensorType),
    siteId: text(v.siteId),
    timestampMs: v.timestampMs,
    // JSON has no NaN: a non-finite value arrives as null.
    value: typeof v.value === 'number' ? v.value : Number.NaN,
    unit: text(v.unit),
    snapshot: v.snapshot === true,
  };
}
