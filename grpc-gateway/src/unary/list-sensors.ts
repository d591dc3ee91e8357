import type { Pool } from 'pg';
import type { SensorReading } from '@iot/contracts';
import type { ListSensorsRequest__Output, ListSensorsResponse, PipelineServiceHandlers, Sensor } from '@iot/contracts/grpc';
import type { Logger } from '@iot/runtime';
import { checkStringList, MAX_FILTER_ENTRIES, readWithDeadline, unaryHandler } from '../grpc-errors.ts';
import { toReadingMessage } from '../streams/readings.ts';

export interface ListSensorsDeps {
  pool: Pool;
  /** The newest reading the gateway has seen of a sensor (by event time); undefined when none. */
  latestReading: (sensorId: string) => SensorReading | undefined;
  /** Per sensor, how many of its alerts are OPEN or ACKNOWLEDGED (absent: none); asked once per call. */
  openAlertCounts: () => ReadonlyMap<string, number>;
  logger: Logger;
}

/** A row of the devices table as pg returns it (double precision: number, timestamptz: Date). */
export interface DeviceRow {
  sensor_id: string;
  sensor_type: string;
  site_id: string;
  display_name: string;
  unit: string;
  min_threshold: number | null;
  max_threshold: number | null;
  enabled: boolean;
  updated_at: Date;
}

/** Checks a ListSensors request; throws INVALID_ARGUMENT naming the field. */
export function validateListSensors(request: ListSensorsRequest__Output): { siteIds: string[]; sensorTypes: string[] } {
  checkStringList('site_ids', request.siteIds, MAX_FILTER_ENTRIES);
  checkStringList('sensor_types', request.sensorTypes, MAX_FILTER_ENTRIES);
  return { siteIds: [...request.siteIds], sensorTypes: [...request.sensorTypes] };
}

// An empty array does not filter. COLLATE "C": byte order, whatever the database's locale, so
// "plant-a-temperature-10" sorts as clients comparing strings expect.
const SELECT_DEVICES = `
  SELECT sensor_id, sensor_type, site_id, display_name, unit, min_threshold, max_threshold, enabled, updated_at
  FROM devices
  WHERE (cardinality($1::text[]) = 0 OR site_id = ANY($1::text[]))
    AND (cardinality($2::text[]) = 0 OR sensor_type = ANY($2::text[]))
  ORDER BY site_id COLLATE "C", sensor_id COLLATE "C"`;

/** A devices row as a Sensor message: a NULL threshold stays unset (the type's default applies). */
export function toSensor(row: DeviceRow, latest: SensorReading | undefined, openAlertCount: number): Sensor {
  const sensor: Sensor = {
    sensorId: row.sensor_id,
    sensorType: row.sensor_type,
    siteId: row.site_id,
    displayName: row.display_name,
    unit: row.unit,
    enabled: row.enabled,
    updatedAtMs: row.updated_at.getTime(),
    latestReading: latest ? toReadingMessage(latest) : null,
    openAlertCount,
  };
  if (row.min_threshold !== null) sensor.minThreshold = row.min_threshold;
  if (row.max_threshold !== null) sensor.maxThreshold = row.max_threshold;
  return sensor;
}

/** ListSensors: the devices table, filtered by site and type, with what the gateway knows of each sensor. */
export function listSensorsHandler(deps: ListSensorsDeps): PipelineServiceHandlers['ListSensors'] {
  return unaryHandler('ListSensors', deps.logger, async (call): Promise<ListSensorsResponse> => {
    const { siteIds, sensorTypes } = validateListSensors(call.request);
    const rows = await readWithDeadline(deps.pool, call.getDeadline(), async (client) => (await client.query<DeviceRow>(SELECT_DEVICES, [siteIds, sensorTypes])).rows);
    const openAlerts = deps.openAlertCounts();
    return { sensors: rows.map((row) => toSensor(row, deps.latestReading(row.sensor_id), openAlerts.get(row.sensor_id) ?? 0)) };
  });
}
