export {
  TOPICS,
  SENSOR_READINGS_TOPIC,
  WINDOW_COUNTS_TOPIC,
  SENSOR_READINGS_DLQ_TOPIC,
  CONNECT_SINK_DLQ_TOPIC,
  LATE_READINGS_TOPIC,
  ALERTS_TOPIC,
  subjectFor,
  type TopicSpec,
} from './topics.ts';
export {
  AVRO_SCHEMAS,
  ALERT_RULES,
  ALERT_SEVERITIES,
  ALERT_STATES,
  type AvroSchemaSource,
  type SensorReading,
  type WindowCount,
  type WindowCountKey,
  type Alert,
  type AlertKey,
  type AlertRule,
  type AlertSeverity,
  type AlertState,
  type TallyEntry,
  type TallyFile,
} from './avro.ts';
export { PORTS } from './ports.ts';
