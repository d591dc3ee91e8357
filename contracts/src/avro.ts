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
  /**
   * Version 2 of the same record (iot.v1.SensorReading): adds the optional `batteryLevel`
   * (default null). Registered under `iot.sensor-readings-value` next to version 1, with the
   * subject's compatibility BACKWARD; consumers decode with each record's writer schema.
   */
  sensorReadingV2: load('sensor-reading-v2.avsc'),
  windowCountKey: load('window-count-key.avsc'),
  windowCount: load('window-count.avsc'),
  alertKey: load('alert-key.avsc'),
  alert: load('alert.avsc'),
  alertAck: load('alert-ack.avsc'),
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

/**
 * iot.v1.SensorReading as of schema version 2 (`AVRO_SCHEMAS.sensorReadingV2`). Read with the v2
 * schema, a record written with version 1 has `batteryLevel` null (the field's default).
 */
export interface SensorReadingV2 extends SensorReading {
  /** Battery charge in percent (0-100); null when mains powered or written before version 2. */
  batteryLevel: number | null;
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
  /**
   * Earliest and latest reading timestamps in the window (epoch ms). Nullable with default
   * null so the schema evolved compatibly; null only on records written before they existed.
   */
  firstEventTime: number | null;
  lastEventTime: number | null;
  final: boolean;
}

export const ALERT_RULES = ['RANGE', 'ZSCORE', 'RATE_OF_CHANGE', 'SILENCE'] as const;
export type AlertRule = (typeof ALERT_RULES)[number];
export const ALERT_SEVERITIES = ['WARNING', 'CRITICAL'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];
export const ALERT_STATES = ['OPEN', 'ACKNOWLEDGED', 'CLEARED'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** iot.v1.AlertKey */
export interface AlertKey {
  sensorId: string;
  rule: AlertRule;
}

/** iot.v1.Alert (timestamps are epoch ms) */
export interface Alert {
  alertId: string;
  sensorId: string;
  sensorType: string;
  siteId: string;
  rule: AlertRule;
  severity: AlertSeverity;
  state: AlertState;
  triggerValue: number;
  peakValue: number;
  threshold: number;
  openedAt: number;
  lastSeenAt: number;
  clearedAt: number | null;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  message: string;
}

/** iot.v1.AlertAck (value of iot.alert-acks; key: the sensorId, encoded as on the readings topic) */
export interface AlertAck {
  alertId: string;
  acknowledgedBy: string;
  requestedAt: number;
}

/** Splits an alertId (`sensorId/rule/openedAt`) into its parts; undefined when it is not one. */
export function parseAlertId(alertId: string): { sensorId: string; rule: AlertRule; openedAt: number } | undefined {
  const match = /^(.+)\/([A-Z_]+)\/(\d+)$/.exec(alertId);
  if (!match) return undefined;
  const rule = match[2] as AlertRule;
  if (!ALERT_RULES.includes(rule)) return undefined;
  return { sensorId: match[1]!, rule, openedAt: Number(match[3]) };
}

/**
 * One entry of the ground-truth tally's `windows` (see `TallyFile`): what the broker acknowledged
 * for one sensor in one event-time minute. Tests compare results with it.
 */
export interface TallyEntry {
  sensorId: string;
  windowStart: number;
  count: number;
  min: number;
  max: number;
  sum: number;
}

/**
 * The ground-truth tally the simulator writes (`--tally FILE`, one JSON object), counting only
 * readings the broker acknowledged:
 * - `windows`: per sensor per event-time minute, sorted by sensor id then window start. On-time
 *   and out-of-order readings (timestamps 1-4 s in the past, inside the grace period) are here,
 *   in the window of their own timestamp.
 * - `late`: readings stamped 5 minutes in the past, always beyond window end + grace, so the
 *   processor must route them to the late-readings topic; they are in no window. `bySensor`
 *   maps sensor id to its count of late readings (sensors with none are absent).
 */
export interface TallyFile {
  windows: TallyEntry[];
  late: { count: number; bySensor: Record<string, number> };
}
