// Server-only: the figures of /throughput's first render, from StreamWindowCounts' snapshot.
import { minuteTotals, THROUGHPUT_MINUTES, type MinuteTotalsView } from '../lib/minute-totals.ts';
import { streamWindowCounts } from './pipeline.gateway.ts';
import { streamSnapshot } from './stream-snapshot.ts';
import { toWindowCountPayload } from './window-count-events.ts';

export type ThroughputSnapshot =
  | { readonly ok: true; readonly view: MinuteTotalsView; readonly takenAtMs: number }
  | { readonly ok: false; readonly message: string };

/**
 * Every sensor's windows of the shown minutes (a window that starts in them ended less than
 * THROUGHPUT_MINUTES ago), summed per minute as the live chart does; within `timeoutMs`, or why not.
 * Only the totals reach the page, not thousands of windows.
 */
export async function throughputSnapshot(timeoutMs = 2_000): Promise<ThroughputSnapshot> {
  const snapshot = await streamSnapshot(
    (options) => streamWindowCounts({ sensorIds: [], finalsOnly: false, snapshotMinutes: THROUGHPUT_MINUTES, resumeCursor: '' }, options),
    toWindowCountPayload,
    timeoutMs,
  );
  if (!snapshot.ok) return snapshot;
  return { ok: true, view: minuteTotals(snapshot.records, snapshot.takenAtMs, THROUGHPUT_MINUTES), takenAtMs: snapshot.takenAtMs };
}
