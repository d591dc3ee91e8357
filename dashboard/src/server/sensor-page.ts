// Server-only: what the sensor page renders first: the device (ListSensors) and its window
// history (GetWindowCounts, every page).
import type { HistoryRange } from '../lib/history-range.ts';
import { downsampleHistory, type HistoryPoint, type HistoryWindow } from '../lib/lttb.ts';
import type { RegistrySensor } from '../lib/fleet.ts';
import { toRegistrySensor } from './fleet-snapshot.ts';
import { describeGrpcError } from './grpc-errors.ts';
import { getWindowCounts, listSensors } from './pipeline.gateway.ts';

/** Points the history chart draws at most; more windows are downsampled with LTTB. */
export const HISTORY_MAX_POINTS = 500;
const HISTORY_PAGE_SIZE = 5_000;

export type DeviceLookup =
  | { readonly ok: true; readonly device: RegistrySensor | null }
  | { readonly ok: false; readonly message: string };

/** The sensor's registry entry (null: the registry does not list it), or why it could not be read. */
export async function lookUpDevice(sensorId: string, timeoutMs = 2_000): Promise<DeviceLookup> {
  try {
    const response = await listSensors({ siteIds: [], sensorTypes: [] }, timeoutMs);
    const sensor = response.sensors.find((candidate) => candidate.sensorId === sensorId);
    return { ok: true, device: sensor === undefined ? null : toRegistrySensor(sensor) };
  } catch (error) {
    return { ok: false, message: describeGrpcError(error).message };
  }
}

export type SensorHistory =
  | { readonly ok: true; readonly range: HistoryRange; readonly windowCount: number; readonly points: HistoryPoint[] }
  | { readonly ok: false; readonly range: HistoryRange; readonly message: string };

/** Every closed window of the sensor that starts in the range (all pages), downsampled for the chart. */
export async function sensorHistory(sensorId: string, range: HistoryRange): Promise<SensorHistory> {
  const windows: HistoryWindow[] = [];
  let pageToken = '';
  try {
    do {
      const page = await getWindowCounts({ sensorId, fromMs: range.fromMs, toMs: range.toMs, pageSize: HISTORY_PAGE_SIZE, pageToken });
      for (const window of page.windowCounts) {
        windows.push({ windowStartMs: window.windowStartMs, count: window.count, min: window.min, max: window.max, mean: window.mean });
      }
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
  } catch (error) {
    return { ok: false, range, message: describeGrpcError(error).message };
  }
  return { ok: true, range, windowCount: windows.length, points: downsampleHistory(windows, HISTORY_MAX_POINTS) };
}
