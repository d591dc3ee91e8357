/** Numbers and times as the pages print them (pure; safe for client components). Times in UTC. */

export const utcTime = (ms: number): string => new Date(ms).toISOString().slice(11, 19);
export const utcMinute = (ms: number): string => new Date(ms).toISOString().slice(11, 16);
/** `2026-12-01 20:31`. */
export const utcDateMinute = (ms: number): string => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/** A value rounded to 2 decimals; a non-finite one as an em dash. */
export function formatValue(value: number): string {
  return Number.isFinite(value) ? String(Math.round(value * 100) / 100) : '—';
}

/** Tooltip lines of the per-minute charts: the band as "min – max", values with the unit. */
export function minuteTooltip(unit: string) {
  return (value: unknown, name: unknown): [string, string] => {
    if (Array.isArray(value)) return [`${formatValue(Number(value[0]))} – ${formatValue(Number(value[1]))} ${unit}`, String(name)];
    if (name === 'readings') return [String(value), 'readings'];
    return [`${formatValue(Number(value))} ${unit}`, String(name)];
  };
}

// One formatter each: Number.prototype.toLocaleString with options builds a new Intl.NumberFormat
// per call, which was the Fleet page's hottest function with 200 live sensors.
const GROUPED_2_DECIMALS = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const GROUPED_INTEGER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** `1,234.57`; a non-finite value as an em dash. */
export function numberText(value: number): string {
  return Number.isFinite(value) ? GROUPED_2_DECIMALS.format(value) : '—';
}

/** `1,235`. */
export function countText(value: number): string {
  return GROUPED_INTEGER.format(value);
}
