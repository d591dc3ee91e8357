// The defaults alone: the contracts' index also loads the Avro schema files, which a page bundle cannot.
import { DEFAULT_ALERT_RULES } from '@iot/contracts/alert-defaults';

/** The RANGE band a sensor is judged by, and how the sensor page draws and describes it (pure; client-safe). */

export type BandSource = 'device' | 'type default';

export interface RangeBand {
  readonly min: number | null;
  readonly max: number | null;
  /** Where each side comes from: the device registry, or the sensor type's default limits. */
  readonly minSource: BandSource | null;
  readonly maxSource: BandSource | null;
}

export interface ThresholdLine {
  readonly value: number;
  /** e.g. "max 45 °C (type default)". */
  readonly label: string;
}

/**
 * The band the stream processor's RANGE detector judges by: the device's thresholds, a missing
 * side (or a sensor the registry does not list) falling back to the sensor type's default limits,
 * as in stream-processor/src/detectors.ts.
 */
export function rangeBand(sensorType: string, device: { readonly minThreshold: number | null; readonly maxThreshold: number | null } | null): RangeBand {
  const types: Readonly<Record<string, { readonly min: number; readonly max: number }>> = DEFAULT_ALERT_RULES.types;
  const limits = Object.hasOwn(types, sensorType) ? types[sensorType] : undefined;
  const side = (own: number | null | undefined, fallback: number | undefined): { value: number | null; source: BandSource | null } =>
    own !== null && own !== undefined ? { value: own, source: 'device' } : fallback !== undefined ? { value: fallback, source: 'type default' } : { value: null, source: null };
  const min = side(device?.minThreshold, limits?.min);
  const max = side(device?.maxThreshold, limits?.max);
  return { min: min.value, max: max.value, minSource: min.source, maxSource: max.source };
}

/** The band's sides as reference lines, max first. */
export function thresholdLines(band: RangeBand, unit: string): ThresholdLine[] {
  const lines: ThresholdLine[] = [];
  if (band.max !== null) lines.push({ value: band.max, label: `max ${band.max} ${unit} (${band.maxSource})` });
  if (band.min !== null) lines.push({ value: band.min, label: `min ${band.min} ${unit} (${band.minSource})` });
  return lines;
}

/** "min 300 ppm (device), max 2000 ppm (device)". */
export function bandText(band: RangeBand, unit: string): string {
  const side = (label: string, value: number | null, source: BandSource | null) => (value === null ? `no ${label}` : `${label} ${value} ${unit} (${source})`);
  return `${side('min', band.min, band.minSource)}, ${side('max', band.max, band.maxSource)}`;
}
