/** Text for the sensor page's charts and tables (pure; safe for client components). UTC throughout. */

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
