/**
 * The device registry as it travels on `iot.devices`: Debezium's Postgres source connector
 * captures the `devices` table (stack/sql/004_devices.sql), unwraps each change to the row as
 * it is now (ExtractNewRecordState) and keys it by `sensor_id` (a plain string key). A deleted
 * row arrives as a tombstone. Values are Avro (Confluent wire format) with the schema Debezium
 * derives from the table (columns sensor_id, sensor_type, site_id, display_name, unit,
 * min_threshold, max_threshold, enabled, updated_at as an ISO-8601 string), registered by the
 * Connect converter under `iot.devices-value`.
 */

/** A device as services use it. */
export interface Device {
  readonly sensorId: string;
  readonly sensorType: string;
  readonly siteId: string;
  readonly displayName: string;
  readonly unit: string;
  /** RANGE band; null on a side: the sensor type's default limit. */
  readonly minThreshold: number | null;
  readonly maxThreshold: number | null;
  readonly enabled: boolean;
  /** Epoch ms. */
  readonly updatedAt: number;
}

/**
 * Checks a decoded `iot.devices` value against the contract. Returns the device, or the reason
 * it is not one (naming the field), so a consumer can report the record instead of trusting it.
 */
export function parseDeviceRow(key: string, value: unknown): { ok: true; device: Device } | { ok: false; reason: string } {
  if (typeof value !== 'object' || value === null) return { ok: false, reason: 'value is not a record' };
  const row = value as Record<string, unknown>;
  for (const field of ['sensor_id', 'sensor_type', 'site_id', 'display_name', 'unit', 'updated_at'] as const) {
    if (typeof row[field] !== 'string') return { ok: false, reason: `${field} must be a string, got ${JSON.stringify(row[field])}` };
  }
  if (row.sensor_id !== key) return { ok: false, reason: `sensor_id ${JSON.stringify(row.sensor_id)} differs from the record key ${JSON.stringify(key)}` };
  for (const field of ['min_threshold', 'max_threshold'] as const) {
    const threshold = row[field];
    if (threshold !== null && (typeof threshold !== 'number' || !Number.isFinite(threshold))) {
      return { ok: false, reason: `${field} must be a finite number or null, got ${JSON.stringify(threshold)}` };
    }
  }
  const min = row.min_threshold as number | null;
  const max = row.max_threshold as number | null;
  if (min !== null && max !== null && min >= max) return { ok: false, reason: `min_threshold ${min} must be less than max_threshold ${max}` };
  if (typeof row.enabled !== 'boolean') return { ok: false, reason: `enabled must be a boolean, got ${JSON.stringify(row.enabled)}` };
  const updatedAt = Date.parse(row.updated_at as string);
  if (Number.isNaN(updatedAt)) return { ok: false, reason: `updated_at ${JSON.stringify(row.updated_at)} is not a timestamp` };
  return {
    ok: true,
    device: {
      sensorId: key,
      sensorType: row.sensor_type as string,
      siteId: row.site_id as string,
      displayName: row.display_name as string,
      unit: row.unit as string,
      minThreshold: min,
      maxThreshold: max,
      enabled: row.enabled,
      updatedAt,
    },
  };
}
