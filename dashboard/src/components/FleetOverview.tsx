'use client';

import { memo, useEffect, useMemo, useReducer, useState } from 'react';
import Link from 'next/link';
import { ALERT_EVENTS, ALERTS_STREAM_PATH, toAlertPayload, toAlertRemovedPayload } from '../lib/alert.ts';
import {
  fleetFacets,
  fleetGroups,
  fleetReducer,
  initialFleet,
  latestReading,
  NO_FILTERS,
  openAlertCount,
  openCriticalAlertCount,
  SENSOR_STATUS_ORDER,
  sensorStatus,
  type FleetAction,
  type FleetFilters,
  type FleetSensor,
  type FleetStream,
  type ReadingPoint,
  type RegistrySensor,
  type SensorStatus,
  type StreamStatus,
} from '../lib/fleet.ts';
import { READING_EVENTS, READINGS_STREAM_PATH, toReadingPayload } from '../lib/reading.ts';
import { sparklinePoints } from '../lib/sparkline.ts';
import { numberText } from '../lib/format.ts';
import { STREAM_EVENTS } from '../lib/stream-events.ts';
import { useCriticalAlertsTitle } from './use-critical-alerts-title.ts';
import { useRelayedStream, type RelayedStreamHandlers } from './use-relayed-stream.ts';

const STREAM_STATUS_TEXT: Record<StreamStatus, string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  resyncing: 'resyncing…',
};
/** The page's overall status is its worst stream's. */
const STREAM_STATUS_RANK: Record<StreamStatus, number> = { live: 0, connecting: 1, resyncing: 2, reconnecting: 3 };

const SENSOR_STATUS_TEXT: Record<SensorStatus, string> = { ok: 'OK', alerting: 'ALERTING', silent: 'SILENT', disabled: 'DISABLED' };

/** How often readings are applied to the page at most (alerts are applied at the next frame). */
const READINGS_FLUSH_INTERVAL_MS = 500;
const SPARKLINE_WIDTH = 120;
const SPARKLINE_HEIGHT = 32;

export interface FleetOverviewProps {
  /** The device registry from ListSensors at the server render, or null when the gateway did not answer in time. */
  readonly registry: readonly RegistrySensor[] | null;
  /** When the server render read it (the clock of the first render, so server and browser agree). */
  readonly takenAtMs: number;
  /** Why there is no registry. */
  readonly registryProblem: string | null;
  /** The tab's title, which an open critical alert prefixes with its count. */
  readonly pageTitle: string;
}

/** The handlers of one stream's generic events, tagged with the stream. */
function streamEvents(stream: FleetStream): RelayedStreamHandlers<FleetAction>['events'] {
  return {
    [STREAM_EVENTS.ready]: (data) => ({ type: 'ready', stream, resumed: data.resumed === true }),
    [STREAM_EVENTS.snapshotComplete]: () => ({ type: 'snapshot-complete', stream, atMs: Date.now() }),
    [STREAM_EVENTS.heartbeat]: () => ({ type: 'heartbeat', stream, atMs: Date.now() }),
    [STREAM_EVENTS.resync]: (data) => ({ type: 'resync', stream, reason: typeof data.reason === 'string' ? data.reason : 'resync' }),
  };
}

export default function FleetOverview({ registry, takenAtMs, registryProblem, pageTitle }: FleetOverviewProps) {
  const [state, dispatch] = useReducer(fleetReducer, registry, initialFleet);
  const [filters, setFilters] = useState<FleetFilters>(NO_FILTERS);
  // The server render's clock until mounted, so the server render and the first client render agree.
  const [nowMs, setNowMs] = useState(takenAtMs);

  useEffect(() => {
    setNowMs(Date.now());
    const timer = setInterval(() => setNowMs(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);

  const apply = (actions: FleetAction[]) => dispatch({ type: 'batch', actions });

  useRelayedStream<FleetAction>(READINGS_STREAM_PATH, {
    events: {
      ...streamEvents('readings'),
      [READING_EVENTS.reading]: (data) => {
        const reading = toReadingPayload(data);
        return reading === null ? null : { type: 'reading', reading, atMs: Date.now() };
      },
    },
    disconnected: (problem) => ({ type: 'disconnected', stream: 'readings', problem }),
    apply,
    // Every reading redraws the table: with a fleet of hundreds, twice a second is live enough.
    minFlushIntervalMs: READINGS_FLUSH_INTERVAL_MS,
  });

  useRelayedStream<FleetAction>(ALERTS_STREAM_PATH, {
    events: {
      ...streamEvents('alerts'),
      [ALERT_EVENTS.alert]: (data) => {
        const alert = toAlertPayload(data);
        return alert === null ? null : { type: 'alert', alert, atMs: Date.now() };
      },
      [ALERT_EVENTS.removed]: (data) => {
        const removed = toAlertRemovedPayload(data);
        return removed === null ? null : { type: 'alert-removed', removed, atMs: Date.now() };
      },
    },
    disconnected: (problem) => ({ type: 'disconnected', stream: 'alerts', problem }),
    apply,
  });

  const openCritical = useMemo(() => openCriticalAlertCount(state.openAlerts), [state.openAlerts]);
  useCriticalAlertsTitle(openCritical, pageTitle);

  const facets = useMemo(() => fleetFacets(state), [state]);
  const groups = useMemo(() => fleetGroups(state, filters), [state, filters]);

  const rows = groups.map((group) => ({
    group,
    sensors: group.sensors.map((sensor) => ({ sensor, status: sensorStatus(state, sensor, nowMs), openAlerts: openAlertCount(state, sensor) })),
  }));
  const shown = rows.reduce((sum, group) => sum + group.sensors.length, 0);
  const byStatus = new Map<SensorStatus, number>();
  for (const group of rows) for (const row of group.sensors) byStatus.set(row.status, (byStatus.get(row.status) ?? 0) + 1);

  const overall = STREAM_STATUS_RANK[state.readings.status] >= STREAM_STATUS_RANK[state.alerts.status] ? state.readings.status : state.alerts.status;
  const updates = [state.readings.updatedAtMs, state.alerts.updatedAtMs].filter((at): at is number => at !== null);
  const newest = updates.length === 0 ? null : Math.max(...updates);
  const problems = (['readings', 'alerts'] as const).flatMap((stream) =>
    state[stream].problem !== null && state[stream].status !== 'live' ? [`${stream}: ${state[stream].problem}`] : [],
  );

  const setFilter = (change: Partial<FleetFilters>) => setFilters((previous) => ({ ...previous, ...change }));

  return (
    <section className="panel" aria-labelledby="fleet-heading">
      <header className="panel-header">
        <h2 id="fleet-heading">Sensors</h2>
        <span className={`status status-${overall}`} data-testid="stream-status" role="status" aria-live="polite">
          {STREAM_STATUS_TEXT[overall]}
        </span>
      </header>

      <p className="summary">
        <span data-testid="data-age">
          {newest === null ? 'No live data yet' : `Data as of ${Math.max(0, Math.round((nowMs - newest) / 1_000))}s ago`}
          {overall !== 'live' && newest !== null ? ' (may be stale)' : ''}
        </span>
        {' · '}
        <span data-testid="readings-stream-status">readings {STREAM_STATUS_TEXT[state.readings.status]}</span>
        {' · '}
        <span data-testid="alerts-stream-status">alerts {STREAM_STATUS_TEXT[state.alerts.status]}</span>
      </p>

      {registry === null && registryProblem !== null ? (
        <p className="error" role="alert">
          The device registry could not be loaded ({registryProblem}); sensors appear as their readings arrive, grouped by the site they report.
        </p>
      ) : null}
      {problems.length > 0 ? (
        <p className="error" role="alert">
          Stream interrupted: {problems.join('; ')}
        </p>
      ) : null}

      <form className="fleet-filters" role="search" aria-label="Filter sensors" onSubmit={(event) => event.preventDefault()}>
        <label>
          <span>Site</span>
          <select value={filters.site} onChange={(event) => setFilter({ site: event.target.value })}>
            <option value="">All sites</option>
            {facets.sites.map((site) => (
              <option key={site} value={site}>
                {site}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>Type</span>
          <select value={filters.type} onChange={(event) => setFilter({ type: event.target.value })}>
            <option value="">All types</option>
            {facets.types.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>Search name or id</span>
          <input type="search" value={filters.search} maxLength={128} onChange={(event) => setFilter({ search: event.target.value })} />
        </label>
      </form>

      <p className="summary" data-testid="fleet-count" aria-live="polite">
        {shown} of {state.sensors.size} sensors shown
        {SENSOR_STATUS_ORDER.filter((status) => byStatus.has(status)).map((status) => ` · ${byStatus.get(status)} ${SENSOR_STATUS_TEXT[status].toLowerCase()}`)}
      </p>

      {rows.length === 0 ? (
        <p className="empty">{state.sensors.size === 0 ? 'Waiting for sensors…' : 'No sensor matches the filters.'}</p>
      ) : (
        rows.map(({ group, sensors }) => (
          <section key={group.key} className="fleet-group" data-testid="fleet-group" data-group={group.key} aria-labelledby={`group-${group.key}`}>
            <h3 id={`group-${group.key}`}>
              {group.label} <span className="muted">({sensors.length})</span>
            </h3>
            <div className="table-scroll">
              <table className="fleet">
                <caption className="visually-hidden">Sensors of {group.label}, by id</caption>
                {/* Fixed column widths: with table-layout: fixed a changed cell does not re-measure the whole table. */}
                <colgroup>
                  <col className="fleet-col-status" />
                  <col />
                  <col className="fleet-col-value" />
                  <col className="fleet-col-age" />
                  <col className="fleet-col-sparkline" />
                  <col className="fleet-col-alerts" />
                </colgroup>
                <thead>
                  <tr>
                    <th scope="col">Status</th>
                    <th scope="col">Sensor</th>
                    <th scope="col">Last value</th>
                    <th scope="col">Age</th>
                    <th scope="col">Recent readings</th>
                    <th scope="col">Open alerts</th>
                  </tr>
                </thead>
                <tbody>
                  {sensors.map(({ sensor, status, openAlerts }) => (
                    <SensorRow key={sensor.sensorId} sensor={sensor} status={status} openAlerts={openAlerts} ageSeconds={ageSeconds(sensor, nowMs)} />
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        ))
      )}
    </section>
  );
}

function ageSeconds(sensor: FleetSensor, nowMs: number): number | null {
  const latest = latestReading(sensor);
  return latest === null ? null : Math.max(0, Math.floor((nowMs - latest.timestampMs) / 1_000));
}

const SensorRow = memo(function SensorRow({
  sensor,
  status,
  openAlerts,
  ageSeconds,
}: {
  sensor: FleetSensor;
  status: SensorStatus;
  openAlerts: number;
  ageSeconds: number | null;
}) {
  const latest = latestReading(sensor);
  return (
    <tr
      data-testid="fleet-sensor"
      data-sensor-id={sensor.sensorId}
      data-status={status}
      data-registered={String(sensor.registered)}
      data-site={sensor.siteId}
      data-type={sensor.sensorType}
      className={`sensor-row-${status}`}
    >
      <td>
        <span className={`sensor-status sensor-status-${status}`} data-testid="sensor-status">
          {SENSOR_STATUS_TEXT[status]}
        </span>
      </td>
      <td>
        <Link className="sensor-id" href={`/sensors/${encodeURIComponent(sensor.sensorId)}`} data-testid="sensor-link">
          {sensor.sensorId}
        </Link>
        <span className="muted sensor-meta">
          {[sensor.displayName, sensor.sensorType, thresholdsText(sensor)].filter((text) => text !== '').join(' · ')}
        </span>
      </td>
      <td className="numeric" data-testid="sensor-value">
        {latest === null ? '—' : `${numberText(latest.value)} ${sensor.unit}`.trim()}
      </td>
      <td className="numeric" data-testid="sensor-age">
        {ageSeconds === null ? 'no reading yet' : `${durationText(ageSeconds)} ago`}
      </td>
      <td>
        <Sparkline sensorId={sensor.sensorId} points={sensor.recent} unit={sensor.unit} />
      </td>
      <td className="numeric" data-testid="sensor-open-alerts">
        {openAlerts}
      </td>
    </tr>
  );
});

/** A small line of the sensor's recent readings; re-rendered only when they change. */
const Sparkline = memo(function Sparkline({ sensorId, points, unit }: { sensorId: string; points: readonly ReadingPoint[]; unit: string }) {
  if (points.length < 2) return <span className="muted">{points.length === 0 ? '—' : '1 reading'}</span>;
  const values = points.map((point) => point.value).filter(Number.isFinite);
  const label =
    values.length === 0
      ? `Recent readings of ${sensorId}: ${points.length} readings`
      : `Recent readings of ${sensorId}: ${points.length} readings from ${numberText(Math.min(...values))} to ${numberText(Math.max(...values))} ${unit}`;
  return (
    <svg className="sparkline" role="img" aria-label={label} width={SPARKLINE_WIDTH} height={SPARKLINE_HEIGHT} viewBox={`0 0 ${SPARKLINE_WIDTH} ${SPARKLINE_HEIGHT}`}>
      <polyline points={sparklinePoints(points, SPARKLINE_WIDTH, SPARKLINE_HEIGHT)} fill="none" stroke="var(--accent)" strokeWidth={1.5} strokeLinejoin="round" />
    </svg>
  );
});

function thresholdsText(sensor: FleetSensor): string {
  if (sensor.minThreshold === null && sensor.maxThreshold === null) return '';
  const side = (value: number | null) => (value === null ? 'type default' : numberText(value));
  return `range ${side(sensor.minThreshold)} to ${side(sensor.maxThreshold)} ${sensor.unit}`.trim();
}


function durationText(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h ${minutes % 60} min` : `${Math.floor(hours / 24)} days`;
}
