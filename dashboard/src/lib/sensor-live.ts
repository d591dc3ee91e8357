import type { ReadingPayload } from './reading.ts';
import type { WindowCountPayload } from './window-count.ts';

/**
 * The sensor page's live state and its pure reducer (no React, no I/O): the sensor's readings
 * (from `/api/readings/stream?sensor=…`) and its per-minute windows (from
 * `/api/window-counts/stream?sensor=…`), each stream with its connection state.
 */

export type LiveStream = 'readings' | 'windows';
export type LiveStreamStatus = 'connecting' | 'live' | 'reconnecting' | 'resyncing';

/** Readings the live chart keeps (the newest by event time). */
export const LIVE_READING_POINTS = 600;
/** Minutes of windows the per-minute chart shows, ending at the newest. */
export const LIVE_WINDOW_MINUTES = 60;

export interface LiveReading {
  readonly timestampMs: number;
  readonly value: number;
}

export interface LiveStreamState {
  readonly status: LiveStreamStatus;
  /** Page clock of the stream's newest record, snapshot end or heartbeat. */
  readonly updatedAtMs: number | null;
  readonly problem: string | null;
}

export interface SensorLiveState {
  /** Ascending by event time, unique per event time, at most LIVE_READING_POINTS. */
  readonly readings: readonly LiveReading[];
  /** Latest value per window start. */
  readonly windows: ReadonlyMap<number, WindowCountPayload>;
  readonly streams: Readonly<Record<LiveStream, LiveStreamState>>;
  /** Page clock when the newest reading arrived. */
  readonly newestReadingAtMs: number | null;
  /** The type and unit the readings carry (for a sensor the registry does not list). */
  readonly carried: { readonly sensorType: string; readonly unit: string } | null;
}

export type SensorLiveAction =
  | { readonly type: 'ready'; readonly stream: LiveStream; readonly atMs: number }
  | { readonly type: 'heartbeat'; readonly stream: LiveStream; readonly atMs: number }
  | { readonly type: 'resync'; readonly stream: LiveStream; readonly reason: string; readonly atMs: number }
  | { readonly type: 'disconnected'; readonly stream: LiveStream; readonly problem: string | null; readonly atMs: number }
  | { readonly type: 'reading'; readonly reading: ReadingPayload; readonly atMs: number }
  | { readonly type: 'window'; readonly window: WindowCountPayload; readonly atMs: number };

const CONNECTING: LiveStreamState = { status: 'connecting', updatedAtMs: null, problem: null };

export function initialSensorLive(): SensorLiveState {
  return { readings: [], windows: new Map(), streams: { readings: CONNECTING, windows: CONNECTING }, newestReadingAtMs: null, carried: null };
}

function withStream(state: SensorLiveState, stream: LiveStream, next: Partial<LiveStreamState>): SensorLiveState {
  return { ...state, streams: { ...state.streams, [stream]: { ...state.streams[stream], ...next } } };
}

/** Inserts a reading in event-time order; one seen before (same event time) replaces the old. */
function insertReading(readings: readonly LiveReading[], reading: LiveReading): LiveReading[] {
  const next = readings.slice();
  let at = next.length;
  while (at > 0 && next[at - 1]!.timestampMs > reading.timestampMs) at--;
  if (at > 0 && next[at - 1]!.timestampMs === reading.timestampMs) next[at - 1] = reading;
  else next.splice(at, 0, reading);
  return next.length > LIVE_READING_POINTS ? next.slice(next.length - LIVE_READING_POINTS) : next;
}

export function sensorLiveReducer(state: SensorLiveState, action: SensorLiveAction): SensorLiveState {
  switch (action.type) {
    case 'ready':
    case 'heartbeat':
      return withStream(state, action.stream, { status: 'live', updatedAtMs: action.atMs, problem: null });
    case 'disconnected':
      return withStream(state, action.stream, { status: 'reconnecting', problem: action.problem ?? state.streams[action.stream].problem });
    case 'resync': {
      // Windows are a state snapshot: drop them, a fresh snapshot follows. Readings are history
      // this page collected; the fresh snapshot's latest reading joins them without a duplicate.
      const next = withStream(state, action.stream, { status: 'resyncing', problem: action.reason, updatedAtMs: action.atMs });
      return action.stream === 'windows' ? { ...next, windows: new Map() } : next;
    }
    case 'reading': {
      const { timestampMs, value, sensorType, unit } = action.reading;
      const next = withStream(state, 'readings', { status: 'live', updatedAtMs: action.atMs, problem: null });
      const carried = state.carried?.sensorType === sensorType && state.carried.unit === unit ? state.carried : { sensorType, unit };
      if (!Number.isFinite(value)) return { ...next, carried };
      return { ...next, readings: insertReading(state.readings, { timestampMs, value }), newestReadingAtMs: action.atMs, carried };
    }
    case 'window': {
      const next = withStream(state, 'windows', { status: 'live', updatedAtMs: action.atMs, problem: null });
      const windows = new Map(state.windows);
      windows.set(action.window.windowStartMs, action.window);
      // Keep the newest LIVE_WINDOW_MINUTES windows.
      const starts = [...windows.keys()].sort((a, b) => a - b);
      for (const start of starts.slice(0, Math.max(0, starts.length - LIVE_WINDOW_MINUTES))) windows.delete(start);
      return { ...next, windows };
    }
  }
}

/** One point of the per-minute chart; `band` is [min, max] for recharts' range area. */
export interface MinutePoint {
  readonly windowStartMs: number;
  readonly count: number;
  readonly mean: number | null;
  readonly band: readonly [number, number] | null;
  readonly final: boolean;
}

const MINUTE_MS = 60_000;

/**
 * The windows as chart points, oldest first, one per minute from the oldest to the newest: a
 * minute without a window (no reading) is a point with count 0 and no statistics, so a gap shows.
 */
export function minutePoints(windows: ReadonlyMap<number, WindowCountPayload>): MinutePoint[] {
  if (windows.size === 0) return [];
  const starts = [...windows.keys()];
  const first = Math.min(...starts);
  const last = Math.max(...starts);
  const points: MinutePoint[] = [];
  for (let start = first; start <= last; start += MINUTE_MS) {
    const window = windows.get(start);
    points.push(
      window === undefined
        ? { windowStartMs: start, count: 0, mean: null, band: null, final: true }
        : {
            windowStartMs: start,
            count: window.count,
            mean: Number.isFinite(window.mean) ? window.mean : null,
            band: Number.isFinite(window.min) && Number.isFinite(window.max) ? [window.min, window.max] : null,
            final: window.final,
          },
    );
  }
  return points;
}

/** The worse of the two streams, for one badge: reconnecting > resyncing > connecting > live. */
export function combinedStatus(streams: SensorLiveState['streams']): LiveStreamStatus {
  const order: LiveStreamStatus[] = ['reconnecting', 'resyncing', 'connecting', 'live'];
  return order.find((status) => streams.readings.status === status || streams.windows.status === status) ?? 'live';
}
