export {
  TOPICS,
  SENSOR_READINGS_TOPIC,
  WINDOW_COUNTS_TOPIC,
  SENSOR_READINGS_DLQ_TOPIC,
  CONNECT_SINK_DLQ_TOPIC,
  subjectFor,
  type TopicSpec,
} from './topics.ts';
export { AVRO_SCHEMAS, type AvroSchemaSource, type SensorReading, type WindowCount, type WindowCountKey, type TallyEntry } from './avro.ts';
export { PORTS } from './ports.ts';
