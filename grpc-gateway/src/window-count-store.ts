import type { WindowCount } from '@iot/contracts';
import type { StreamPosition__Output } from '@iot/contracts/grpc';

export interface StoredWindowCount {
  readonly key: string;
  readonly value: WindowCount;
  readonly position: StreamPosition__Output;
}

export type Listener = (entry: StoredWindowCount) => void;

export function windowKey(sensorId: string, windowStart: number): string {
  return `${sensorId}\u0000${windowStart}`;
}

/**
 * The latest value per {sensorId, windowStart} of the compacted window-count topic, for the
 * last `retentionMs`, plus the live listeners. A new subscriber takes `snapshot()` and
 * registers its listener in the same synchronous step, so nothing falls between the two.
 */
export class WindowCountStore {
  private readonly latest = new Map<string, StoredWindowCount>();
  private readonly listeners = new Set<Listener>();

  constructor(private readonly retentionMs: number) {}

  apply(value: WindowCount, position: StreamPosition__Output, now = Date.now()): void {
    if (value.windowEnd < now - this.retentionMs) return;
    const entry: StoredWindowCount = { key: windowKey(value.sensorId, value.windowStart), value, position };
    this.latest.set(entry.key, entry);
    for (const listener of this.listeners) listener(entry);
  }

  /** Drops windows that ended before the retention horizon. */
  evict(now = Date.now()): void {
    for (const [key, entry] of this.latest) if (entry.value.windowEnd < now - this.retentionMs) this.latest.delete(key);
  }

  subscribe(listener: Listener): { snapshot: StoredWindowCount[]; unsubscribe: () => void } {
    const snapshot = [...this.latest.values()].sort((a, b) => a.value.windowStart - b.value.windowStart);
    this.listeners.add(listener);
    return { snapshot, unsubscribe: () => this.listeners.delete(listener) };
  }

  get size(): number {
    return this.latest.size;
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }
}
