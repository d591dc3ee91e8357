import type { WindowCountPayload } from './window-count.ts';

/** Pure aggregation for the live chart: no React, no I/O. */

export const MINUTE_MS = 60_000;
/** Minutes the Throughput page shows, ending with the current one (its server render and its live chart). */
export const THROUGHPUT_MINUTES = 15;

/** One bar of the chart: readings of every sensor in one UTC minute. */
export interface MinuteTotal {
  minuteStartMs: number;
  /** HH:MM in UTC. */
  label: string;
  total: number;
}

export interface MinuteTotalsView {
  minutes: MinuteTotal[];
  /** Sum of `total` over `minutes`. */
  totalReadings: number;
  /** Distinct sensors with a window in the shown minutes. */
  sensorCount: number;
}

/** The key under which the latest value of one sensor's window is kept. */
export function windowKey(window: Pick<WindowCountPayload, 'sensorId' | 'windowStartMs'>): string {
  return `${window.windowStartMs}\u0000${window.sensorId}`;
}

export function minuteLabel(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(11, 16);
}

export function floorToMinute(epochMs: number): number {
  return Math.floor(epochMs / MINUTE_MS) * MINUTE_MS;
}

/**
 * Readings per minute summed over all sensors, for the `minuteCount` minutes ending with the
 * minute that contains `nowMs` (oldest first; minutes without data are 0).
 */
export function minuteTotals(
  windows: Iterable<WindowCountPayload>,
  nowMs: number,
  minuteCount: number,
): MinuteTotalsView {
  const lastMinute = floorToMinute(nowMs);
  const firstMinute = lastMinute - (minuteCount - 1) * MINUTE_MS;
  const totals = new Map<number, number>();
  const sensors = new Set<string>();
  for (const window of windows) {
    const minute = floorToMinute(window.windowStartMs);
    if (minute < firstMinute || minute > lastMinute) continue;
    totals.set(minute, (totals.get(minute) ?? 0) + window.count);
    sensors.add(window.sensorId);
  }
  const minutes: MinuteTotal[] = [];
  let totalReadings = 0;
  for (let minute = firstMinute; minute <= lastMinute; minute += MINUTE_MS) {
    const total = totals.get(minute) ?? 0;
    totalReadings += total;
    minutes.push({ minuteStartMs: minute, label: minuteLabel(minute), total });
  }
  return { minutes, totalReadings, sensorCount: sensors.size };
}
