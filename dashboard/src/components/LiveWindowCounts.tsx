'use client';

import { useEffect, useMemo, useRef, useState } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { MINUTE_MS, minuteTotals, windowKey } from '../lib/minute-totals.ts';
import {
  parseWindowCountPayload,
  SSE_EVENTS,
  WINDOW_COUNTS_STREAM_PATH,
  type WindowCountPayload,
} from '../lib/window-count.ts';

type StreamStatus = 'connecting' | 'live' | 'reconnecting';

const STATUS_TEXT: Record<StreamStatus, string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
};

const SHOWN_MINUTES = 15;
/** Windows older than this are dropped from memory. */
const RETAIN_MS = (SHOWN_MINUTES + 5) * MINUTE_MS;
/** When the browser gives up on EventSource (readyState CLOSED), open a new one after this delay. */
const MANUAL_RECONNECT_MS = 3_000;
const CHART_HEIGHT = 320;

/** Latest value per (sensorId, windowStartMs). */
type WindowMap = ReadonlyMap<string, WindowCountPayload>;

export default function LiveWindowCounts() {
  const [windows, setWindows] = useState<WindowMap>(() => new Map());
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const [lastMessageAt, setLastMessageAt] = useState<number | null>(null);
  const [serverError, setServerError] = useState<string | null>(null);
  // null until mounted, so the server render and the first client render agree.
  const [nowMs, setNowMs] = useState<number | null>(null);
  const pending = useRef<WindowCountPayload[]>([]);

  // Wall clock for the rolling 15 minutes and the "Xs ago" text.
  useEffect(() => {
    setNowMs(Date.now());
    const timer = setInterval(() => setNowMs(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => {
    let source: EventSource | null = null;
    let frame: number | null = null;
    let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
    let disposed = false;

    // Applies every event received since the last animation frame in one state update.
    const flush = (): void => {
      frame = null;
      const batch = pending.current;
      if (batch.length === 0) return;
      pending.current = [];
      setWindows((previous) => {
        const next = new Map(previous);
        for (const window of batch) next.set(windowKey(window), window);
        const oldest = Date.now() - RETAIN_MS;
        for (const [key, window] of next) {
          if (window.windowEndMs < oldest) next.delete(key);
        }
        return next;
      });
      setLastMessageAt(Date.now());
    };

    const connect = (): void => {
      source = new EventSource(WINDOW_COUNTS_STREAM_PATH);
      // "live" once the gateway has accepted the stream, not merely when this route answered:
      // with the gateway down the route opens and then reports the error.
      source.addEventListener(SSE_EVENTS.ready, () => {
        setStatus('live');
        setServerError(null);
      });
      // The route lost its place (cursor too old, or this page read too slowly): drop every window;
      // a fresh snapshot follows.
      source.addEventListener(SSE_EVENTS.resync, () => {
        pending.current = [];
        setWindows(new Map());
      });
      source.addEventListener(SSE_EVENTS.windowCount, (event: MessageEvent) => {
        const window = parseWindowCountPayload(event.data);
        if (window === null) return;
        pending.current.push(window);
        frame ??= requestAnimationFrame(flush);
      });
      // Fires both for our `event: error` frames (MessageEvent with data) and for connection loss.
      source.onerror = (event: Event) => {
        if (event instanceof MessageEvent && typeof event.data === 'string') setServerError(event.data);
        const current = source;
        if (current === null || disposed) return;
        if (current.readyState === EventSource.CLOSED) {
          // The browser will not retry by itself (e.g. HTTP error status): do it ourselves.
          current.close();
          reconnectTimer ??= setTimeout(() => {
            reconnectTimer = null;
            if (!disposed) connect();
          }, MANUAL_RECONNECT_MS);
        }
        setStatus('reconnecting');
      };
    };

    connect();
    return () => {
      disposed = true;
      source?.close();
      if (frame !== null) cancelAnimationFrame(frame);
      if (reconnectTimer !== null) clearTimeout(reconnectTimer);
      pending.current = [];
    };
  }, []);

  const view = useMemo(
    () => (nowMs === null ? null : minuteTotals(windows.values(), nowMs, SHOWN_MINUTES)),
    [windows, nowMs],
  );

  const secondsAgo =
    lastMessageAt === null || nowMs === null ? null : Math.max(0, Math.round((nowMs - lastMessageAt) / 1_000));

  return (
    <section className="panel" aria-labelledby="window-counts-heading">
      <header className="panel-header">
        <h2 id="window-counts-heading">Readings per minute, all sensors (UTC, last {SHOWN_MINUTES} minutes)</h2>
        <span className={`status status-${status}`} data-testid="stream-status" role="status" aria-live="polite">
          {STATUS_TEXT[status]}
        </span>
      </header>

      <p className="summary">
        {view === null || secondsAgo === null
          ? 'No data yet'
          : `${view.sensorCount} sensors, newest data ${secondsAgo}s ago`}
        {' · '}
        Total readings: <strong data-testid="total-readings">{view?.totalReadings ?? 0}</strong>
      </p>

      <div
        className="chart"
        data-testid="window-counts-chart"
        role="img"
        aria-label={`Bar chart of readings per minute summed over all sensors for the last ${SHOWN_MINUTES} minutes`}
        style={{ height: CHART_HEIGHT }}
      >
        <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
          <BarChart data={view?.minutes ?? []} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} className="chart-grid" />
            <XAxis dataKey="label" tick={{ fontSize: 12 }} interval="preserveStartEnd" />
            <YAxis allowDecimals={false} tick={{ fontSize: 12 }} width={56} />
            <Tooltip formatter={(value) => [value, 'readings']} labelFormatter={(label) => `${String(label)} UTC`} />
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
