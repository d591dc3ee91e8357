import { z } from 'zod';
import type { ReadingEvent__Output, StreamReadingsRequest } from '@iot/contracts/grpc';
import { READING_EVENTS, type ReadingPayload } from '../lib/reading.ts';
import type { RecordEvent } from './gateway-sse-relay.ts';
import { filtersQuery, identifier, listOf, parseQueryFilters } from './query-filters.ts';

/** StreamReadings messages as the browser sees them, and the stream's query filters (pure). */

export function toReadingEventPayload(message: ReadingEvent__Output): ReadingPayload | null {
  const reading = message.reading;
  if (reading === null || reading === undefined) return null;
  return {
    sensorId: reading.sensorId,
    sensorType: reading.sensorType,
    siteId: reading.siteId,
    timestampMs: reading.timestampMs,
    value: reading.value,
    unit: reading.unit,
    snapshot: message.snapshot,
  };
}

/** The SSE event of a `reading` message. */
export function readingRecordEvent(message: ReadingEvent__Output): RecordEvent | null {
  const payload = toReadingEventPayload(message);
  return payload === null ? null : { event: READING_EVENTS.reading, data: payload };
}

const readingFiltersSchema = z.strictObject({
  site: listOf(identifier),
  type: listOf(identifier),
  sensor: listOf(identifier),
});

export type ReadingFilters = z.output<typeof readingFiltersSchema>;

/** The query of `/api/readings/stream`: `site`, `type`, `sensor` (repeated or comma-separated); every problem, or the filters. */
export function parseReadingFilters(params: URLSearchParams): { ok: true; filters: ReadingFilters } | { ok: false; message: string } {
  return parseQueryFilters(readingFiltersSchema, params);
}

/** The StreamReadings request for the filters (without resume_cursor, which the relay adds). */
export function streamReadingsRequest(filters: ReadingFilters): StreamReadingsRequest {
  return { siteIds: filters.site, sensorTypes: filters.type, sensorIds: filters.sensor };
}

export function readingFiltersQuery(filters: ReadingFilters): string {
  return filtersQuery(filters);
}
