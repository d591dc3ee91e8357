// Server-only: the device registry for the first render of /fleet.
import type { Sensor__Output } from '@iot/contracts/grpc';
import type { RegistrySensor } from '../lib/fleet.ts';
import { describeGrpcError } from './grpc-errors.ts';
import { listSensors } from './pipeline.gateway.ts';

export type FleetSnapshot =
  | { readonly ok: true; readonly sensors: RegistrySensor[]; readonly takenAtMs: number }
  | { readonly ok: false; readonly message: string; readonly takenAtMs: number };

/** A ListSensors sensor as plain JSON for the page (unset thresholds: null). */
export function toRegistrySensor(sensor: Sensor__Output): RegistrySensor {
  const latest = sensor.latestReading;
  return {
    sensorId: sensor.sensorId,
    sensorType: sensor.sensorType,
    siteId: sensor.siteId,
    displayName: sensor.displayName,
    unit: sensor.unit,
    minThreshold: sensor.minThreshold ?? null,
    maxThreshold: sensor.maxThreshold ?? null,
    enabled: sensor.enabled,
    latestReading: latest === null || latest === undefined ? null : { timestampMs: latest.timestampMs, value: latest.value },
    openAlertCount: sensor.openAlertCount,
  };
}

/** Every sensor of the registry (ListSensors, within `timeoutMs`), or why not. */
export async function fleetSnapshot(timeoutMs = 2_000): Promise<FleetSnapshot> {
  try {
    const response = await listSensors({ siteIds: [], sensorTypes: [] }, timeoutMs);
    return { ok: true, sensors: response.sensors.map(toRegistrySensor), takenAtMs: Date.now() };
  } catch (error) {
    return { ok: false, message: describeGrpcError(error).message, takenAtMs: Date.now() };
  }
}
