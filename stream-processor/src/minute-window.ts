import type { SensorReading, WindowCount } from '@iot/contracts';

export const WINDOW_MS = 60_000;

/** The start of the one-minute event-time window a timestamp falls in (UTC, inclusive). */
export function windowStartOf(timestamp: number): number {
  return Math.floor(timestamp / WINDOW_MS) * WINDOW_MS;
}

export interface WindowRules {
  /** How long after a window's end readings for it are still accepted. */
  readonly graceMs: number;
  /** A partition that received nothing for this long has its stream time moved to (wall clock − idleMs). */
  readonly idleMs: number;
  /** At most one non-final update per window per this many ms (wall clock); finals are never held back. */
  readonly updateIntervalMs: number;
}

interface OpenWindow {
  readonly value: WindowCount;
  /** Changed since the last update record was emitted. */
  unemitted: boolean;
  /** Changed since the last flush: the changelog must learn of it. */
  unsaved: boolean;
  lastEmittedAt: number;
}

/** What one flush produces: records for the output topic, and the windows whose state changed. */
export interface WindowFlush {
  readonly emit: WindowCount[];
  /** Every window changed since the last flush; closed ones have final = true (delete from state). */
  readonly changed: WindowCount[];
}

export type AddResult = { kind: 'accepted' } | { kind: 'late'; windowStart: number; streamTime: number };

/**
 * Tumbling one-minute windows per sensor for ONE input partition, in event time.
 *
 * Stream time is the largest event time seen on the partition. A window [start, end) closes
 * once stream time ≥ end + grace; its final record is emitted then, and readings for it that
 * arrive afterwards are late. So that a quiet partition still closes its windows, `tick` moves
 * stream time to (now − idleMs) when nothing arrived for idleMs — never backwards. The caller
 * ticks only partitions it has read to their end, so replaying a backlog after a restart
 * follows the data's own clock.
 */
export class PartitionWindows {
  private readonly open = new Map<string, OpenWindow>();
  private streamTime = Number.NEGATIVE_INFINITY;
  private lastArrival = Number.NEGATIVE_INFINITY;

  constructor(private readonly rules: WindowRules) {}

  get currentStreamTime(): number {
    return this.streamTime;
  }

  add(reading: SensorReading, now: number): AddResult {
    this.lastArrival = now;
    this.streamTime = Math.max(this.streamTime, reading.timestamp);
    const windowStart = windowStartOf(reading.timestamp);
    if (windowStart + WINDOW_MS + this.rules.graceMs <= this.streamTime) {
      return { kind: 'late', windowStart, streamTime: this.streamTime };
    }
    const key = `${reading.sensorId}\u0000${windowStart}`;
    const window = this.open.get(key);
    if (window) {
      const value = window.value;
      value.count += 1;
      value.min = Math.min(value.min, reading.value);
      value.max = Math.max(value.max, reading.value);
      value.sum += reading.value;
      value.mean = value.sum / value.count;
      value.firstEventTime = Math.min(value.firstEventTime ?? reading.timestamp, reading.timestamp);
      value.lastEventTime = Math.max(value.lastEventTime ?? reading.timestamp, reading.timestamp);
      window.unemitted = true;
      window.unsaved = true;
    } else {
      this.open.set(key, {
        unemitted: true,
        unsaved: true,
        lastEmittedAt: Number.NEGATIVE_INFINITY,
        value: {
          sensorId: reading.sensorId,
          windowStart,
          windowEnd: windowStart + WINDOW_MS,
          count: 1,
          min: reading.value,
          max: reading.value,
          sum: reading.value,
          mean: reading.value,
          firstEventTime: reading.timestamp,
          lastEventTime: reading.timestamp,
          final: false,
        },
      });
    }
    return { kind: 'accepted' };
  }

  /** Advances stream time by the wall clock when the partition has been idle. */
  tick(now: number): void {
    if (now - this.lastArrival >= this.rules.idleMs) {
      this.streamTime = Math.max(this.streamTime, now - this.rules.idleMs);
    }
  }

  /**
   * What to emit now: one final record per window that has closed (which is then forgotten),
   * and a non-final update per open window changed since its last update, at most one per
   * `updateIntervalMs` per window. A held-back change is still reported in `changed`, so the
   * changelog never lags the state.
   */
  flush(now: number): WindowFlush {
    const emit: WindowCount[] = [];
    const changed: WindowCount[] = [];
    for (const [key, window] of this.open) {
      const closed = window.value.windowEnd + this.rules.graceMs <= this.streamTime;
      if (closed) {
        const final = { ...window.value, final: true };
        emit.push(final);
        changed.push(final);
        this.open.delete(key);
        continue;
      }
      if (window.unsaved) {
        changed.push({ ...window.value });
        window.unsaved = false;
      }
      if (window.unemitted && now - window.lastEmittedAt >= this.rules.updateIntervalMs) {
        emit.push({ ...window.value });
        window.unemitted = false;
        window.lastEmittedAt = now;
      }
    }
    return { emit, changed };
  }

  get openWindowCount(): number {
    return this.open.size;
  }

  /**
   * Replaces the state with what a changelog restore produced. The changelog already holds it;
   * an update is emitted again at the next flush, since the last one may not have been.
   */
  restore(windows: Iterable<WindowCount>, streamTime: number, now: number): void {
    this.open.clear();
    for (const window of windows) {
      this.open.set(`${window.sensorId}\u0000${window.windowStart}`, { value: { ...window }, unemitted: true, unsaved: false, lastEmittedAt: Number.NEGATIVE_INFINITY });
    }
    this.streamTime = streamTime;
    this.lastArrival = now;
  }
}
