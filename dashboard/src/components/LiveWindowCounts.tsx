'use client';

import { useEffect, useMemo, useState } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { utcTime } from '../lib/format.ts';
import { MINUTE_MS, minuteTotals, THROUGHPUT_MINUTES, windowKey, type MinuteTotalsView } from '../lib/minute-totals.ts';
import {
  SSE_EVENTS,
  toWindowCountPayload,
  WINDOW_COUNTS_STREAM_PATH,
  type WindowCountPayload,
} from '../lib/window-count.ts';
import { useRelayedStream } from './use-relayed-stream.ts';

type StreamStatus = 'connecting' | 'live' | 'reconnecting';

const STATUS_TEXT: Record<StreamStatus, string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
};

/** Windows older than this are dropped from memory. */
const RETAIN_MS = (THROUGHPUT_MINUTES + 5) * MINUTE_MS;
const CHART_HEIGHT = 320;

/** Latest value per (sensorId, windowStartMs). */
type WindowMap = ReadonlyMap<string, WindowCountPayload>;

type StreamAction =
  | { readonly kind: 'ready' }
  | { readonly kind: 'snapshot-complete' }
  | { readonly kind: 'resync' }
  | { readonly kind: 'window'; readonly window: WindowCountPayload }
  | { readonly kind: 'disconnected'; readonly problem: string | null };

export interface LiveWindowCountsProps {
  /** The server render's totals, from the gateway's snapshot; null when it did not give one in time. */
  readonly initialView: MinuteTotalsView | null;
  readonly takenAtMs: number | null;
  /** Why there is no server-rendered snapshot. */
  readonly snapshotProblem: string | null;
}

export default function LiveWindowCounts({ initialView, takenAtMs, snapshotProblem }: LiveWindowCountsProps) {
  const [windows, setWindows] = useState<WindowMap>(() => new Map());
  // The server's totals stand until this page's own stream has sent its whole snapshot, which
  // then replaces them (never adds to them: the two snapshots hold the same windows).
  const [streamSnapshotComplete, setStreamSnapshotComplete] = useState(false);
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const [lastMessageAt, setLastMessageAt] = useState<number | null>(takenAtMs);
  const [serverError, setServerError] = useState<string | null>(null);
  // null until mounted, so the server render and the first client render agree.
  const [nowMs, setNowMs] = useState<number | null>(null);

  // Wall clock for the rolling 15 minutes and the "Xs ago" text.
  useEffect(() => {
    setNowMs(Date.now());
    const timer = setInterval(() => setNowMs(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);

  useRelayedStream<StreamAction>(WINDOW_COUNTS_STREAM_PATH, {
    events: {
      // "live" once the gateway has accepted the stream, not merely when this route answered:
      // with the gateway down the route opens and then reports the error.
      [SSE_EVENTS.ready]: () => ({ kind: 'ready' }),
      [SSE_EVENTS.snapshotComplete]: () => ({ kind: 'snapshot-complete' }),
      // The route lost its place (cursor too old, or this page read too slowly): drop every window;
      // a fresh snapshot follows.
      [SSE_EVENTS.resync]: () => ({ kind: 'resync' }),
      [SSE_EVENTS.windowCount]: (data) => {
        const window = toWindowCountPayload(data);
        return window === null ? null : { kind: 'window', window };
      },
    },
    disconnected: (problem) => ({ kind: 'disconnected', problem }),
    apply: (actions) => {
      for (const action of actions) {
        if (action.kind === 'ready') {
          setStatus('live');
          setServerError(null);
        } else if (action.kind === 'disconnected') {
          if (action.problem !== null) setServerError(action.problem);
          setStatus('reconnecting');
        } else if (action.kind === 'snapshot-complete') {
          setStreamSnapshotComplete(true);
        }
      }
      // The windows after the batch's last resync, in one state update.
      const lastResync = actions.findLastIndex((action) => action.kind === 'resync');
      const windows = actions.slice(lastResync + 1).flatMap((action) => (action.kind === 'window' ? [action.window] : []));
      if (lastResync < 0 && windows.length === 0) return;
      setWindows((previous) => {
        const next = lastResync < 0 ? new Map(previous) : new Map<string, WindowCountPayload>();
        for (const window of windows) next.set(windowKey(window), window);
        const oldest = Date.now() - RETAIN_MS;
        for (const [key, window] of next) if (window.windowEndMs < oldest) next.delete(key);
        return next;
      });
      if (windows.length > 0) setLastMessageAt(Date.now());
    },
  });

  const view = useMemo(
    () => (initialView !== null && !streamSnapshotComplete ? initialView : nowMs === null ? null : minuteTotals(windows.values(), nowMs, THROUGHPUT_MINUTES)),
    [initialView, streamSnapshotComplete, windows, nowMs],
  );

  const secondsAgo =
    lastMessageAt === null || nowMs === null ? null : Math.max(0, Math.round((nowMs - lastMessageAt) / 1_000));

  return (
    <section className="panel" aria-labelledby="window-counts-heading">
      <header className="panel-header">
        <h2 id="window-counts-heading">Readings per minute, all sensors (UTC, last {THROUGHPUT_MINUTES} minutes)</h2>
        <span className={`status status-${status}`} data-testid="stream-status" role="status" aria-live="polite">
          {STATUS_TEXT[status]}
        </span>
      </header>

      <p className="summary">
        {view === null || lastMessageAt === null
          ? 'No data yet'
          : secondsAgo === null
            ? `${view.sensorCount} sensors, data as of ${utcTime(lastMessageAt)} UTC`
            : `${view.sensorCount} sensors, newest data ${secondsAgo}s ago`}
        {' · '}
        Total readings: <strong data-testid="total-readings">{view?.totalReadings ?? 0}</strong>
      </p>

      {initialView === null && snapshotProblem !== null && status !== 'live' ? (
        <p className="error" role="alert">
          The current figures could not be loaded yet ({snapshotProblem}); connecting…
        </p>
      ) : null}

      {/* The chart's own keyboard layer (a focusable svg, role application) is named by its title:
          the left and right arrow keys move the tooltip, which is announced, from minute to minute. */}
      <div className="chart" data-testid="window-counts-chart" style={{ height: CHART_HEIGHT }}>
        <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
          <BarChart
            data={view?.minutes ?? []}
            margin={{ top: 8, right: 16, bottom: 8, left: 0 }}
            title={`Bar chart of readings per minute summed over all sensors for the last ${THROUGHPUT_MINUTES} minutes`}
            desc="Use the left and right arrow keys to read each minute's total."
          >
            <CartesianGrid strokeDasharray="3 3" vertical={false} className="chart-grid" />
            <XAxis dataKey="label" tick={{ fontSize: 12 }} interval="preserveStartEnd" />
            <YAxis allowDecimals={false} tick={{ fontSize: 12 }} width={56} />
            <Tooltip cursor={{ fill: 'var(--border)' }} formatter={(value) => [value, 'readings']} labelFormatter={(label) => `${String(label)} UTC`} />
            <Bar dataKey="total" name="readings" fill="var(--accent)" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>

      {serverError !== null && status !== 'live' ? (
        <p className="error" role="alert">
          Stream interrupted: {serverError}
        </p>
      ) : null}
    </section>
  );
}
