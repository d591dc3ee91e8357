import type { WindowCount } from '@iot/contracts';
import type { SensorState } from './sensor-monitors.ts';

/**
 * Records of the processor's own changelog topic, which backs each input partition's state
 * (like a Kafka Streams state store's changelog). Internal to this service, so plain JSON:
 *   ["window", sensorId, windowStart] → the open window (null once it closed)
 *   ["sensor", sensorId]             → the sensor's detector and alert state (null once forgotten)
 *   ["stream-time"]                  → the partition's stream time
 * A record goes to the changelog partition with the input partition's number.
 */
export interface ChangelogRecord {
  key: string;
  value: string | null;
}

export const STREAM_TIME_KEY = JSON.stringify(['stream-time']);

export function windowChangelogRecord(window: WindowCount): ChangelogRecord {
  const key = JSON.stringify(['window', window.sensorId, window.windowStart]);
  return { key, value: window.final ? null : JSON.stringify(window) };
}

export function sensorChangelogRecord(sensorId: string, state: SensorState | null): ChangelogRecord {
  return { key: JSON.stringify(['sensor', sensorId]), value: state === null ? null : JSON.stringify(state) };
}

export function streamTimeChangelogRecord(streamTime: number): ChangelogRecord {
  return { key: STREAM_TIME_KEY, value: JSON.stringify({ streamTime }) };
}

export interface RestoredState {
  windows: Map<string, WindowCount>;
  sensors: Map<string, SensorState>;
  streamTime: number;
}

/**
 * Folds changelog records, oldest first, into the state they describe: the latest record per
 * key wins. Records are applied as they arrive, so a restore holds the state, not the log.
 */
export class ChangelogFold {
  readonly windows = new Map<string, WindowCount>();
  readonly sensors = new Map<string, SensorState>();
  streamTime = Number.NEGATIVE_INFINITY;
  records = 0;

  apply({ key, value }: ChangelogRecord): void {
    this.records += 1;
    if (key === STREAM_TIME_KEY) {
      if (value !== null) this.streamTime = Math.max(this.streamTime, (JSON.parse(value) as { streamTime: number }).streamTime);
      return;
    }
    const into: Map<string, unknown> = key.startsWith('["sensor"') ? this.sensors : this.windows;
    if (value === null) into.delete(key);
    else into.set(key, JSON.parse(value));
  }
}

export function foldChangelog(records: Iterable<ChangelogRecord>): RestoredState {
  const fold = new ChangelogFold();
  for (const record of records) fold.apply(record);
  return fold;
}
