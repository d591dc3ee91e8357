import type { SensorReading } from '@iot/contracts';
import type { ReadingEvent, SensorReadingMessage, StreamReadingsRequest__Output } from '@iot/contracts/grpc';
import { listFilter, passes } from './request-filters.ts';
import type { StreamSpec } from './subscription.ts';
import type { TopicState } from './topic-state.ts';

/** An Avro reading as the proto SensorReading. */
export function toReadingMessage(reading: SensorReading): SensorReadingMessage {
  return { sensorId: reading.sensorId, sensorType: reading.sensorType, siteId: reading.siteId, timestampMs: reading.timestamp, value: reading.value, unit: reading.unit };
}

export function readingsFilter(request: StreamReadingsRequest__Output) {
  return {
    siteIds: listFilter('site_ids', request.siteIds),
    sensorIds: listFilter('sensor_ids', request.sensorIds),
    sensorTypes: listFilter('sensor_types', request.sensorTypes),
  };
}

/** Readings are events: every one reaches the client, or it is told to resync. Snapshot: each sensor's latest. */
export function readingsSpec(state: TopicState<SensorReading>, filter: ReturnType<typeof readingsFilter>, now = Date.now): StreamSpec<SensorReading, ReadingEvent> {
  const matches = (reading: SensorReading | null) =>
    reading !== null && passes(filter.siteIds, reading.siteId) && passes(filter.sensorIds, reading.sensorId) && passes(filter.sensorTypes, reading.sensorType);
  return {
    state,
    coalesce: false,
    matches: (record) => matches(record.value),
    inSnapshot: (record) => matches(record.value),
    recordEvent: (record, snapshot) => ({ reading: toReadingMessage(record.value!), position: record.position, snapshot, cursor: snapshot ? '' : record.cursor }),
    snapshotCompleteEvent: (count, cursor) => ({ snapshotComplete: { count }, cursor }),
    heartbeatEvent: (cursor) => ({ heartbeat: { serverTimeMs: now() }, cursor }),
  };
}
