import { STREAM_EVENTS } from './stream-events.ts';

/**
 * The shape of one `window-count` Server-Sent Event, shared by the stream route (server) and the
 * live chart (browser). Imports only client-safe code.
 */
export interface WindowCountPayload {
  sensorId: string;
  /** Window start, epoch ms (UTC), inclusive. */
  windowStartMs: number;
  /** Window end, epoch ms (UTC), exclusive. */
  windowEndMs: number;
  /** Readings in the window. */
  count: number;
  min: number;
  max: number;
  sum: number;
  mean: number;
  /** True once the window has closed. */
  final: boolean;
  /** True while the gateway replays its current state to a new subscriber. */
  snapshot: boolean;
}

/** SSE event names used by `/api/window-counts/stream`: the generic ones and `window-count`. */
export const SSE_EVENTS = {
  ...STREAM_EVENTS,
  /** One window's latest value; data: {@link WindowCountPayload}. Live ones have an id, snapshot ones none. */
  windowCount: 'window-count',
} as const;

export const WINDOW_COUNTS_STREAM_PATH = '/api/window-counts/stream';

/** One `window-count` event's data (parsed JSON) as a payload, or null when it is not a valid one. */
export function toWindowCountPayload(v: Record<string, unknown>): WindowCountPayload | null {
  // The key and the count are required; the statistics may be null (JSON has no NaN).
  const required = ['windowStartMs', 'windowEndMs', 'count'] as const;
  if (typeof v.sensorId !== 'string') return null;
  for (const key of required) {
    if (typeof v[key] !== 'number' || !Number.isFinite(v[key])) return null;
  }
  const stat = (x: unknown): number => (typeof x === 'number' ? x : Number.NaN);
  return {
    sensorId: v.sensorId,
    windowStartMs: v.windowStartMs as number,
    windowEndMs: v.windowEndMs as number,
    count: v.count as number,
    min: stat(v.min),
    max: stat(v.max),
    sum: stat(v.sum),
    mean: stat(v.mean),
    final: v.final === true,
    snapshot: v.snapshot === true,
  };
}
