import { readFileSync } from 'node:fs';

/** An Avro schema as registered: the file's exact text, so every service registers the same content. */
export interface AvroSchemaSource {
  readonly file: string;
  readonly text: string;
}

function load(file: string): AvroSchemaSource {
  const text = readFileSync(new URL(`../avro/${file}`, import.meta.url), 'utf8').trim();
  JSON.parse(text); // fail at import time on a broken schema file, not at first use
  return { file, text };
}

export const AVRO_SCHEMAS = {
  sensorIdKey: load('sensor-id-key.avsc'),
  sensorReading: load('sensor-reading.avsc'),
  windowCountKey: load('window-count-key.avsc'),
  windowCount: load('window-count.avsc'),
} as const;

/** iot.v1.SensorReading as decoded by avsc (timestamp-millis is epoch ms). */
export interface SensorReading {
  sensorId: string;
  sensorType: string;
  siteId: string;
  timestamp: number;
  value: number;
  unit: string;
}

/** iot.v1.WindowCountKey */
export interface WindowCountKey {
  sensorId: string;
  windowStart: number;
}

/** iot.v1.WindowCount */
export interface WindowCount {
  sensorId: string;
  windowStart: number;
  windowEnd: number;
  count: number;
  min: number;
  max: number;
  sum: number;
  mean: number;
  final: boolean;
}

/**
 * One line of the ground-truth tally the simulator writes (`--tally FILE`, a JSON array): what
 * the broker acknowledged for one sensor in one event-time minute. Tests compare results with it.
 */
export interface TallyEntry {
  sensorId: string;
  windowStart: number;
  count: number;
  min: number;
  max: number;
  sum: number;
}
