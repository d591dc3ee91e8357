/** Every Kafka topic of the pipeline, with the configs the stack creates it with. */
export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  /** Broker-side topic configs (cleanup.policy, ...). */
  readonly configs: Readonly<Record<string, string>>;
  readonly purpose: string;
}

export const SENSOR_READINGS_TOPIC = 'iot.sensor-readings';
export const WINDOW_COUNTS_TOPIC = 'iot.window-counts-1m';
export const SENSOR_READINGS_DLQ_TOPIC = 'iot.sensor-readings.dlq';
export const CONNECT_SINK_DLQ_TOPIC = 'iot.connect-sink.dlq';
export const LATE_READINGS_TOPIC = 'iot.late-readings';
export const ALERTS_TOPIC = 'iot.alerts';
export const ALERT_ACKS_TOPIC = 'iot.alert-acks';
export const DEVICES_TOPIC = 'iot.devices';

// Hour-long segments: compaction never touches the active segment, and readers that start from
// the beginning (the gateway) should not replay days of superseded updates.
const compacted = { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '60000', 'segment.ms': '3600000' } as const;

export const TOPICS: readonly TopicSpec[] = [
  {
    name: SENSOR_READINGS_TOPIC,
    partitions: 6,
    configs: { 'retention.ms': String(7 * 24 * 3600 * 1000) },
    purpose: 'Raw sensor readings, key = sensor id',
  },
  {
    name: WINDOW_COUNTS_TOPIC,
    partitions: 6,
    configs: compacted,
    purpose: 'Per-sensor per-minute counts, key = {sensorId, windowStart}; latest value per key wins',
  },
  {
    name: ALERTS_TOPIC,
    partitions: 6,
    configs: compacted,
    purpose: 'Anomaly alerts, key = {sensorId, rule}; latest state per key wins, tombstoned when a cleared alert expires',
  },
  {
    name: ALERT_ACKS_TOPIC,
    partitions: 6, // co-partitioned with iot.sensor-readings: the same count, the same keys
    configs: { 'retention.ms': String(7 * 24 * 3600 * 1000) },
    purpose: 'Requests to acknowledge an open alert, key = sensorId (as on the readings topic); applied by the stream processor',
  },
  {
    name: DEVICES_TOPIC,
    partitions: 1, // a small table every processor instance reads whole
    configs: compacted,
    purpose: 'The device registry (Postgres table devices) by CDC, key = sensor id (string); latest row per key, tombstone when deleted',
  },
  {
    name: LATE_READINGS_TOPIC,
    partitions: 1,
    configs: { 'retention.ms': String(7 * 24 * 3600 * 1000) },
    purpose: 'Readings that arrived after their window closed (window end + grace), unchanged, with the reason in headers',
  },
  {
    name: SENSOR_READINGS_DLQ_TOPIC,
    partitions: 1,
    configs: { 'retention.ms': String(30 * 24 * 3600 * 1000) },
    purpose: 'Readings the stream processor could not decode or validate, with the reason in headers',
  },
  {
    name: CONNECT_SINK_DLQ_TOPIC,
    partitions: 1,
    configs: { 'retention.ms': String(30 * 24 * 3600 * 1000) },
    purpose: 'Records the Postgres sink connectors could not write, with Connect error context headers',
  },
];

/** Schema registry subject for a topic's keys or values (TopicNameStrategy). */
export function subjectFor(topic: string, part: 'key' | 'value'): string {
  return `${topic}-${part}`;
}
