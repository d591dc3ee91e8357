'use client';

import { Area, CartesianGrid, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatValue, minuteTooltip, utcDateMinute } from '../lib/format.ts';
import type { HistoryPoint } from '../lib/lttb.ts';

const CHART_HEIGHT = 280;

export interface SensorHistoryProps {
  readonly sensorId: string;
  readonly unit: string;
  readonly fromMs: number;
  readonly toMs: number;
  /** Closed windows in the range (Postgres, through GetWindowCounts). */
  readonly windowCount: number;
  /** What the chart and the table show: every window, or LTTB's pick with the band of the windows each stands for. */
  readonly points: readonly HistoryPoint[];
}

/** The sensor's closed windows over a range: a chart, and the same points as a table. */
export default function SensorHistory({ sensorId, unit, fromMs, toMs, windowCount, points }: SensorHistoryProps) {
  const data = points.map((point) => ({ ...point, band: [point.min, point.max] as [number, number] }));
  const downsampled = points.length < windowCount;
  return (
    <>
      <p className="summary" data-testid="history-summary" data-from-ms={fromMs} data-to-ms={toMs} data-window-count={windowCount}>
        {windowCount} closed {windowCount === 1 ? 'window' : 'windows'} from {utcDateMinute(fromMs)} to {utcDateMinute(toMs)} UTC
        {downsampled ? `, shown as ${points.length} points (LTTB on the mean; each point's band spans the windows it stands for)` : ''}.
      </p>
      {points.length === 0 ? (
        <p className="empty">No closed window in this range.</p>
      ) : (
        <div className="chart" data-testid="history-chart" style={{ height: CHART_HEIGHT }}>
          <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
            <ComposedChart
              data={data}
              margin={{ top: 8, right: 16, bottom: 8, left: 0 }}
              title={`Chart of ${sensorId}'s history: readings per minute as bars, min–max band and mean in ${unit}`}
              desc="Use the left and right arrow keys to read each point."
            >
              <CartesianGrid strokeDasharray="3 3" vertical={false} className="chart-grid" />
              <XAxis dataKey="windowStartMs" type="number" scale="time" domain={[fromMs, toMs]} tickFormatter={utcDateMinute} tick={{ fontSize: 12 }} minTickGap={48} />
              <YAxis yAxisId="value" tick={{ fontSize: 12 }} width={64} tickFormatter={formatValue} />
              <YAxis yAxisId="count" orientation="right" allowDecimals={false} tick={{ fontSize: 12 }} width={48} />
              <Tooltip labelFormatter={(label) => `${utcDateMinute(Number(label))} UTC`} formatter={minuteTooltip(unit)} />
              {/* Readings as a step line, not bars: bars on a time axis vanish when windows are few or far apart. */}
              <Line yAxisId="count" dataKey="count" name="readings" type="stepAfter" stroke="var(--muted)" dot={false} strokeWidth={1} isAnimationActive={false} />
              <Area yAxisId="value" dataKey="band" name="min–max" stroke="none" fill="var(--accent)" fillOpacity={0.2} isAnimationActive={false} />
              <Line yAxisId="value" dataKey="mean" name="mean" stroke="var(--accent)" dot={points.length < 30} strokeWidth={1.5} isAnimationActive={false} />
            </ComposedChart>
          </ResponsiveContainer>
        </div>
      )}
      {points.length === 0 ? null : (
        <details className="history-table">
          <summary>The {downsampled ? 'points' : 'windows'} as a table</summary>
          <div className="table-scroll">
            <table className="data-table" data-testid="history-table">
              <caption className="visually-hidden">History of {sensorId}, oldest first</caption>
              <thead>
                <tr>
                  <th scope="col">Window start (UTC)</th>
                  {downsampled ? <th scope="col">Windows</th> : null}
                  <th scope="col" className="numeric">Readings</th>
                  <th scope="col" className="numeric">Min</th>
                  <th scope="col" className="numeric">Max</th>
                  <th scope="col" className="numeric">Mean</th>
                </tr>
              </thead>
              <tbody>
                {points.map((point) => (
                  <tr key={point.windowStartMs} data-testid="history-row" data-window-start-ms={point.windowStartMs}>
                    <td>{utcDateMinute(point.windowStartMs)}</td>
                    {downsampled ? <td className="numeric">{point.windows}</td> : null}
                    <td className="numeric" data-testid="history-count">{point.count}</td>
                    <td className="numeric" data-testid="history-min">{formatValue(point.min)}</td>
                    <td className="numeric" data-testid="history-max">{formatValue(point.max)}</td>
                    <td className="numeric" data-testid="history-mean">{formatValue(point.mean)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      )}
    </>
  );
}
