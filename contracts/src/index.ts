export {
  TOPICS,
  SENSOR_READINGS_TOPIC,
  WINDOW_COUNTS_TOPIC,
  SENSOR_READINGS_DLQ_TOPIC,
  CONNECT_SINK_DLQ_TOPIC,
  LATE_READINGS_TOPIC,
  ALERTS_TOPIC,
  ALERT_ACKS_TOPIC,
  DEVICES_TOPIC,
  subjectFor,
  type TopicSpec,
} from './topics.ts';
export {
  AVRO_SCHEMAS,
  ALERT_RULES,
  ALERT_SEVERITIES,
  ALERT_STATES,
  parseAlertId,
  type AvroSchemaSource,
  type SensorReading,
  type SensorReadingV2,
  type WindowCount,
  type WindowCountKey,
  type Alert,
  type AlertKey,
  type AlertAck,
  type AlertRule,
  type AlertSeverity,
  type AlertState,
  type TallyEntry,
  type TallyFile,
} from './avro.ts';
export { PORTS } from './ports.ts';
export { DEFAULT_ALERT_RULES, type TypeLimits } from './alert-defaults.ts';
export { parseDeviceRow, type Device } from './devices.ts';
export {
  invalidReading,
  MAX_READING_CLOCK_SKEW_MS,
  EARLIEST_READING_TIMESTAMP_MS,
  type ReadingRejection,
  type ReadingRejectionKind,
} from './reading-validation.ts';
export { LOCAL_GATEWAY_TOKEN, MIN_GATEWAY_TOKEN_LENGTH } from './gateway-auth.ts';
