/**
 * The sensor page's history range (pure; shared by the page's form and its server render): a
 * preset ending now, or a custom UTC range, as the `range`, `from` and `to` query parameters.
 */

export const HISTORY_PRESETS = {
  '1h': { label: 'Last hour', ms: 3_600_000 },
  '6h': { label: 'Last 6 hours', ms: 6 * 3_600_000 },
  '24h': { label: 'Last day', ms: 24 * 3_600_000 },
  '7d': { label: 'Last week', ms: 7 * 24 * 3_600_000 },
} as const;

export type HistoryPreset = keyof typeof HISTORY_PRESETS;
export const DEFAULT_HISTORY_PRESET: HistoryPreset = '1h';
/** GetWindowCounts serves at most 31 days per request. */
export const MAX_HISTORY_RANGE_MS = 31 * 24 * 3_600_000;

export interface HistoryRange {
  readonly preset: HistoryPreset | 'custom';
  /** Windows that start in [fromMs, toMs). */
  readonly fromMs: number;
  readonly toMs: number;
}

/** `YYYY-MM-DDTHH:MM`, the value of an `<input type="datetime-local">`, read as UTC. */
const LOCAL_MINUTE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

function parseUtcMinute(name: string, text: string | null): number | string {
  if (text === null || text === '') return `${name} is required for a custom range (YYYY-MM-DDTHH:MM, UTC)`;
  const match = LOCAL_MINUTE.exec(text);
  if (match === null) return `${name} must be YYYY-MM-DDTHH:MM (UTC), got ${JSON.stringify(text.slice(0, 40))}`;
  const [year, month, day, hour, minute] = match.slice(1).map(Number) as [number, number, number, number, number];
  const ms = Date.UTC(year, month - 1, day, hour, minute);
  const back = new Date(ms);
  // Date.UTC rolls 2026-02-31 over into March: refuse dates that do not exist.
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day || hour > 23 || minute > 59) {
    return `${name} ${JSON.stringify(text)} is not a real date and time`;
  }
  return ms;
}

/** The value for a datetime-local input: the UTC minute of `ms`. */
export function toUtcMinuteInput(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16);
}

/**
 * Reads `range` (a preset, or `custom` with `from` and `to`) from the query; a preset ends at
 * `nowMs`, rounded up to the next minute so the current window is in it. Missing: the default preset.
 */
export function parseHistoryRange(params: URLSearchParams, nowMs: number): { ok: true; range: HistoryRange } | { ok: false; message: string } {
  const preset = params.get('range') ?? DEFAULT_HISTORY_PRESET;
  if (preset === 'custom') {
    const from = parseUtcMinute('from', params.get('from'));
    const to = parseUtcMinute('to', params.get('to'));
    const problems = [from, to].filter((value): value is string => typeof value === 'string');
    if (problems.length > 0) return { ok: false, message: problems.join('; ') };
    const fromMs = from as number;
    const toMs = to as number;
    if (fromMs >= toMs) return { ok: false, message: 'from must be before to' };
    if (toMs - fromMs > MAX_HISTORY_RANGE_MS) return { ok: false, message: 'a custom range is at most 31 days' };
    return { ok: true, range: { preset: 'custom', fromMs, toMs } };
  }
  if (!Object.hasOwn(HISTORY_PRESETS, preset)) {
    return { ok: false, message: `range must be one of ${[...Object.keys(HISTORY_PRESETS), 'custom'].join(', ')}, got ${JSON.stringify(preset.slice(0, 40))}` };
  }
  const toMs = Math.ceil(nowMs / 60_000) * 60_000;
  return { ok: true, range: { preset: preset as HistoryPreset, fromMs: toMs - HISTORY_PRESETS[preset as HistoryPreset].ms, toMs } };
}
