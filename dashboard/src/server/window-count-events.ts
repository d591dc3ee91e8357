import { z } from 'zod';
import type { WindowCountEvent__Output } from '@iot/contracts/grpc';
import { SSE_EVENTS, type WindowCountPayload } from '../lib/window-count.ts';
import type { RecordEvent } from './gateway-sse-relay.ts';
import { identifier, listOf, parseQueryFilters } from './query-filters.ts';

/** StreamWindowCounts messages as the browser sees them, and the stream's query filters (pure). */

export function toWindowCountPayload(message: WindowCountEvent__Output): WindowCountPayload | null {
  const window = message.windowCount;
  if (window === null || window === undefined) return null;
  return {
    sensorId: window.sensorId,
    windowStartMs: window.windowStartMs,
    windowEndMs: window.windowEndMs,
    count: window.count,
    min: window.min,
    max: window.max,
    sum: window.sum,
    mean: window.mean,
    final: window.final,
    snapshot: message.snapshot,
  };
}

export function windowCountRecordEvent(message: WindowCountEvent__Output): RecordEvent | null {
  const payload = toWindowCountPayload(message);
  return payload === null ? null : { event: SSE_EVENTS.windowCount, data: payload };
}

const windowCountFiltersSchema = z.strictObject({ sensor: listOf(identifier) });

export type WindowCountFilters = z.output<typeof windowCountFiltersSchema>;

/** The query of `/api/window-counts/stream`: `sensor` (repeated or comma-separated; none: every sensor). */
export function parseWindowCountFilters(params: URLSearchParams): { ok: true; filters: WindowCountFilters } | { ok: false; message: string } {
  return parseQueryFilters(windowCountFiltersSchema, params);
}
