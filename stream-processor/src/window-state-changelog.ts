import type { WindowCount } from '@iot/contracts';

/**
 * Records of the processor's own changelog topic, which backs each input partition's window
 * state (like a Kafka Streams state store's changelog). Internal to this service, so plain
 * JSON: key ["window", sensorId, windowStart] → the open window (null when it closed), and
 * key ["stream-time"] → the partition's stream time. The record goes to the changelog
 * partition with the input partition's number.
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

export function streamTimeChangelogRecord(streamTime: number): ChangelogRecord {
  return { key: STREAM_TIME_KEY, value: JSON.stringify({ streamTime }) };
}

export interface RestoredState {
  windows: Map<string, WindowCount>;
  streamTime: number;
}

/** Folds changelog records (oldest first) into the state they describe; the latest record per key wins. */
export function foldChangelog(records: Iterable<{ key: string; value: string | null }>): RestoredState {
  const windows = new Map<string, WindowCount>();
  let streamTime = Number.NEGATIVE_INFINITY;
  for (const { key, value } of records) {
    if (key === STREAM_TIME_KEY) {
      if (value !== null) streamTime = Math.max(streamTime, (JSON.parse(value) as { streamTime: number }).streamTime);
      continue;
    }
    if (value === null) windows.delete(key);
    else windows.set(key, JSON.parse(value) as WindowCount);
  }
  return { windows, streamTime };
}
