import type { WindowCount } from '@iot/contracts';
import type { StreamWindowCountsRequest__Output, WindowCountEvent } from '@iot/contracts/grpc';
import { invalidArgument } from '../grpc-errors.ts';
import { listFilter, passes } from './request-filters.ts';
import type { StreamSpec } from './subscription.ts';
import type { TopicRecord, TopicState } from './topic-state.ts';

/** Key of a window on the gateway: sensor and window start. */
export const windowKey = (sensorId: string, windowStart: number) => `${sensorId}\u0000${windowStart}`;

/** Checks a StreamWindowCounts request against the minutes the gateway holds. */
export function windowCountsFilter(request: StreamWindowCountsRequest__Output, heldMinutes: number) {
  if (request.snapshotMinutes < 0 || request.snapshotMinutes > heldMinutes) {
    throw invalidArgument('snapshot_minutes', `0 to ${heldMinutes} (the gateway holds ${heldMinutes} minutes), got ${request.snapshotMinutes}`);
  }
  return {
    sensorIds: listFilter('sensor_ids', request.sensorIds),
    finalsOnly: request.finalsOnly,
    snapshotMs: (request.snapshotMinutes || Math.min(60, heldMinutes)) * 60_000,
  };
}

export function toWindowCountMessage(value: WindowCount) {
  return {
    sensorId: value.sensorId,
    windowStartMs: value.windowStart,
    windowEndMs: value.windowEnd,
    count: value.count,
    min: value.min,
    max: value.max,
    sum: value.sum,
    mean: value.mean,
    final: value.final,
    firstEventTimeMs: value.firstEventTime ?? 0,
    lastEventTimeMs: value.lastEventTime ?? 0,
  };
}

export function windowCountsSpec(state: TopicState<WindowCount>, filter: ReturnType<typeof windowCountsFilter>, now = Date.now): StreamSpec<WindowCount, WindowCountEvent> {
  const matches = (record: TopicRecord<WindowCount>) =>
    record.value !== null && passes(filter.sensorIds, record.value.sensorId) && (!filter.finalsOnly || record.value.final);
  return {
    state,
    coalesce: true, // the newest value of a window is all a client that fell behind needs
    matches,
    inSnapshot: (record) => matches(record) && record.value!.windowEnd >= now() - filter.snapshotMs,
    recordEvent: (record, snapshot) => ({
      windowCount: toWindowCountMessage(record.value!),
      position: record.position,
      snapshot,
      cursor: snapshot ? '' : record.cursor,
    }),
    snapshotCompleteEvent: (count, cursor) => ({ snapshotComplete: { count }, cursor }),
    heartbeatEvent: (cursor) => ({ heartbeat: { serverTimeMs: now() }, cursor }),
  };
}
