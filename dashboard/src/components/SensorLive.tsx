'use client';

import { useEffect, useMemo, useReducer, useState } from 'react';
import { Area, Bar, CartesianGrid, ComposedChart, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatValue, minuteTooltip, utcMinute, utcTime } from '../lib/format.ts';
import type { RegistrySensor } from '../lib/fleet.ts';
import { rangeBand, thresholdLines } from '../lib/range-band.ts';
import { READING_EVENTS, READINGS_STREAM_PATH, toReadingPayload } from '../lib/reading.ts';
import {
  combinedStatus,
  initialSensorLive,
  LIVE_WINDOW_MINUTES,
  minutePoints,
  sensorLiveReducer,
  type LiveStream,
  type LiveStreamStatus,
  type SensorLiveAction,
} from '../lib/sensor-live.ts';
import { STREAM_EVENTS } from '../lib/stream-events.ts';
import { SSE_EVENTS, toWindowCountPayload, WINDOW_COUNTS_STREAM_PATH } from '../lib/window-count.ts';
import { useRelayedStream, type RelayedStreamHandlers } from './use-relayed-stream.ts';

const STATUS_TEXT: Record<LiveStreamStatus, string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  resyncing: 'resyncing…',
};
const CHART_HEIGHT = 280;

export interface SensorLiveProps {
  readonly sensorId: string;
  /**
   * The registry's entry, whose RANGE band is drawn as reference lines on the readings chart; null
   * (not listed, or the registry could not be read): the band of the type the readings carry.
   */
  readonly device: Pick<RegistrySensor, 'sensorType' | 'unit' | 'minThreshold' | 'maxThreshold'> | null;
}


function genericEvents(stream: LiveStream): RelayedStreamHandlers<SensorLiveAction>['events'] {
  return {
    [STREAM_EVENTS.ready]: () => ({ type: 'ready', stream, atMs: Date.now() }),
    [STREAM_EVENTS.snapshotComplete]: () => ({ type: 'heartbeat', stream, atMs: Date.now() }),
    [STREAM_EVENTS.heartbeat]: () => ({ type: 'heartbeat', stream, atMs: Date.now() }),
    [STREAM_EVENTS.resync]: (data) => ({ type: 'resync', stream, reason: typeof data.reason === 'string' ? data.reason : 'resync', atMs: Date.now() }),
  };
}

/** The sensor page's live part: its readings with the thresholds, and its per-minute windows. */
export default function SensorLive({ sensorId, device }: SensorLiveProps) {
  const [state, dispatch] = useReducer(sensorLiveReducer, null, initialSensorLive);
  // null until mounted, so the server render and the first client render agree.
  const [nowMs, setNowMs] = useState<number | null>(null);
  useEffect(() => {
    setNowMs(Date.now());
    const timer = setInterval(() => setNowMs(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);

  const query = `?sensor=${encodeURIComponent(sensorId)}`;
  const apply = (actions: SensorLiveAction[]) => actions.forEach(dispatch);
  useRelayedStream<SensorLiveAction>(`${READINGS_STREAM_PATH}${query}`, {
    events: {
      ...genericEvents('readings'),
      [READING_EVENTS.reading]: (data) => {
        const reading = toReadingPayload(data);
        return reading === null || reading.sensorId !== sensorId ? null : { type: 'reading', reading, atMs: Date.now() };
      },
    },
    disconnected: (problem) => ({ type: 'disconnected', stream: 'readings', problem, atMs: Date.now() }),
    apply,
  });
  useRelayedStream<SensorLiveAction>(`${WINDOW_COUNTS_STREAM_PATH}${query}`, {
    events: {
      ...genericEvents('windows'),
      [SSE_EVENTS.windowCount]: (data) => {
        const window = toWindowCountPayload(data);
        return window === null || window.sensorId !== sensorId ? null : { type: 'window', window, atMs: Date.now() };
      },
    },
    disconnected: (problem) => ({ type: 'disconnected', stream: 'windows', problem, atMs: Date.now() }),
    apply,
  });

  const unit = device?.unit || state.carried?.unit || '';
  const sensorType = device?.sensorType ?? state.carried?.sensorType ?? '';
  const thresholds = useMemo(() => thresholdLines(rangeBand(sensorType, device), unit), [sensorType, device, unit]);
  const status = combinedStatus(state.streams);
  const minutes = useMemo(() => minutePoints(state.windows), [state.windows]);
  const latest = state.readings.at(-1);
  const problem = state.streams.readings.problem ?? state.streams.windows.problem;
  const age = nowMs === null || state.newestReadingAtMs === null ? null : Math.max(0, Math.round((nowMs - state.newestReadingAtMs) / 1_000));
  // The y axis always includes the thresholds, so the lines are visible next to the readings.
  const values = [...state.readings.map((reading) => reading.value), ...thresholds.map((line) => line.value)];
  const domain: [number, number] | undefined = values.length === 0 ? undefined : padded(Math.min(...values), Math.max(...values));

  return (
    <section className="panel" aria-labelledby="sensor-live-heading">
      <header className="panel-header">
        <h2 id="sensor-live-heading">Live</h2>
        <span className={`status status-${status}`} data-testid="live-status" role="status" aria-live="polite">
          {STATUS_TEXT[status]}
        </span>
      </header>
      <p className="summary">
        <span data-testid="latest-value">
          {latest === undefined ? 'No reading yet' : `Latest ${formatValue(latest.value)} ${unit} at ${utcTime(latest.timestampMs)} UTC`}
        </span>
        {' · '}
        <span data-testid="live-data-age">{age === null ? 'no data yet' : `newest data ${age}s ago`}</span>
        {' · '}
        <span data-testid="readings-stream-status">readings {STATUS_TEXT[state.streams.readings.status]}</span>
        {', '}
        <span data-testid="windows-stream-status">windows {STATUS_TEXT[state.streams.windows.status]}</span>
      </p>
      {problem !== null && status !== 'live' ? (
        <p className="error" role="alert">
          Stream interrupted: {problem}
        </p>
      ) : null}

      <h3 className="chart-heading">Readings since this page opened (UTC)</h3>
      <div className="chart" data-testid="readings-chart" style={{ height: CHART_HEIGHT }}>
        <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
          <LineChart
            data={state.readings as Array<{ timestampMs: number; value: number }>}
            margin={{ top: 8, right: 16, bottom: 8, left: 0 }}
            title={`Line chart of ${sensorId}'s readings in ${unit}, with its alert thresholds as reference lines`}
            desc="Use the left and right arrow keys to read each reading."
          >
            <CartesianGrid strokeDasharray="3 3" vertical={false} className="chart-grid" />
            <XAxis dataKey="timestampMs" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={utcTime} tick={{ fontSize: 12 }} />
            <YAxis domain={domain} tick={{ fontSize: 12 }} width={64} tickFormatter={formatValue} />
            <Tooltip formatter={(value) => [`${formatValue(Number(value))} ${unit}`, 'reading']} labelFormatter={(label) => `${utcTime(Number(label))} UTC`} />
            {thresholds.map((line) => (
              <ReferenceLine key={line.label} y={line.value} stroke="var(--error)" strokeDasharray="6 4" label={{ value: line.label, position: 'insideTopRight', fill: 'var(--fg)', fontSize: 12 }} />
            ))}
            <Line dataKey="value" name="reading" stroke="var(--accent)" dot={state.readings.length < 3} strokeWidth={1.5} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </div>
      <p className="muted chart-note" data-testid="threshold-lines">
        {thresholds.length === 0 ? 'No alert thresholds for this sensor type.' : `Dashed lines: ${thresholds.map((line) => line.label).join('; ')}.`}
      </p>

      <h3 className="chart-heading">Per minute, last {LIVE_WINDOW_MINUTES} minutes (UTC): readings, min–max band and mean</h3>
      <div className="chart" data-testid="minute-chart" style={{ height: CHART_HEIGHT }}>
        <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
          <ComposedChart
            data={minutes as unknown as Array<Record<string, unknown>>}
            margin={{ top: 8, right: 16, bottom: 8, left: 0 }}
            title={`Chart of ${sensorId}'s readings per minute as bars, and each minute's min–max band and mean in ${unit}`}
            desc="Use the left and right arrow keys to read each minute."
          >
            <CartesianGrid strokeDasharray="3 3" vertical={false} className="chart-grid" />
            <XAxis dataKey="windowStartMs" tickFormatter={utcMinute} tick={{ fontSize: 12 }} interval="preserveStartEnd" />
            <YAxis yAxisId="value" tick={{ fontSize: 12 }} width={64} tickFormatter={formatValue} />
            <YAxis yAxisId="count" orientation="right" allowDecimals={false} tick={{ fontSize: 12 }} width={48} />
            <Tooltip labelFormatter={(label) => `${utcMinute(Number(label))} UTC`} formatter={minuteTooltip(unit)} />
            <Bar yAxisId="count" dataKey="count" name="readings" fill="var(--border)" maxBarSize={48} isAnimationActive={false} />
            <Area yAxisId="value" dataKey="band" name="min–max" stroke="none" fill="var(--accent)" fillOpacity={0.2} isAnimationActive={false} />
            <Line yAxisId="value" dataKey="mean" name="mean" stroke="var(--accent)" dot={minutes.length < 3} strokeWidth={1.5} isAnimationActive={false} connectNulls={false} />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <p className="muted chart-note" data-testid="minute-summary">
        {minutes.length === 0 ? 'No window yet.' : `${minutes.length} ${minutes.length === 1 ? 'minute' : 'minutes'}; ${minutes.filter((minute) => !minute.final).length} still open.`}
      </p>
    </section>
  );
}

/** [low, high] with 5% room on each side (a flat series gets ±1). */
function padded(low: number, high: number): [number, number] {
  const room = high > low ? (high - low) * 0.05 : 1;
  return [Math.floor((low - room) * 100) / 100, Math.ceil((high + room) * 100) / 100];
}
