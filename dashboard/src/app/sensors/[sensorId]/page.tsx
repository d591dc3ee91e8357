import type { Metadata } from 'next';
import AlertsFeed from '../../../components/AlertsFeed.tsx';
import SensorHistory from '../../../components/SensorHistory.tsx';
import SensorLive from '../../../components/SensorLive.tsx';
import { ALERTS_STREAM_PATH } from '../../../lib/alert.ts';
import { HISTORY_PRESETS, parseHistoryRange, toUtcMinuteInput, type HistoryRange } from '../../../lib/history-range.ts';
import { bandText, rangeBand } from '../../../lib/range-band.ts';
import { alertFiltersQuery, type AlertFilters } from '../../../server/alert-events.ts';
import { alertsSnapshot } from '../../../server/alerts-snapshot.ts';
import { identifier } from '../../../server/query-filters.ts';
import { lookUpDevice, sensorHistory } from '../../../server/sensor-page.ts';

export const dynamic = 'force-dynamic';

type Params = Promise<{ sensorId: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { sensorId } = await params;
  return { title: `${decodedSegment(sensorId).slice(0, 128)} · IoT pipeline`, description: 'One sensor of the IoT pipeline: live readings, per-minute windows, history and alerts.' };
}

/**
 * /sensors/<id>[?range=1h|6h|24h|7d|custom&from=…&to=…]: one sensor. Rendered on the server with
 * its registry entry, its alerts and the history range's windows (GetWindowCounts), then live in
 * the browser from the readings, window-counts and alerts streams filtered to it.
 */
export default async function SensorPage({ params, searchParams }: { params: Params; searchParams: SearchParams }) {
  const idCheck = identifier.safeParse(decodedSegment((await params).sensorId));
  if (!idCheck.success) {
    return (
      <main className="container">
        <h1>Sensor</h1>
        <p className="error" role="alert">
          Invalid sensor id: {idCheck.error.issues[0]?.message}. <a href="/fleet">Back to the fleet</a>.
        </p>
      </main>
    );
  }
  const sensorId = idCheck.data;
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(await searchParams)) {
    for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) query.append(name, item);
  }
  const rangeCheck = parseHistoryRange(query, Date.now());
  const alertFilters: AlertFilters = { site: [], sensor: [sensorId], severity: [], state: [] };
  const [lookup, alerts, history] = await Promise.all([
    lookUpDevice(sensorId),
    alertsSnapshot(alertFilters),
    rangeCheck.ok ? sensorHistory(sensorId, rangeCheck.range) : null,
  ]);
  const device = lookup.ok ? lookup.device : null;
  const unit = device?.unit ?? '';
  const title = device?.displayName || sensorId;

  return (
    <main className="container">
      <p className="breadcrumb">
        <a href="/fleet">Fleet</a> / {sensorId}
      </p>
      <h1>{title}</h1>
      {lookup.ok ? (
        device === null ? (
          <p className="lead" data-testid="sensor-facts">
            {sensorId} is not in the device registry; its readings are judged by its type&apos;s default limits.
          </p>
        ) : (
          <dl className="facts" data-testid="sensor-facts">
            <div><dt>Id</dt><dd>{device.sensorId}</dd></div>
            <div><dt>Site</dt><dd>{device.siteId}</dd></div>
            <div><dt>Type</dt><dd>{device.sensorType}</dd></div>
            <div><dt>Unit</dt><dd>{device.unit}</dd></div>
            <div><dt>Enabled</dt><dd>{device.enabled ? 'yes' : 'no (disabled in the registry)'}</dd></div>
            <div><dt>Alert band</dt><dd data-testid="sensor-band">{bandText(rangeBand(device.sensorType, device), unit)}</dd></div>
          </dl>
        )
      ) : (
        <p className="error" role="alert">
          The device registry could not be read: {lookup.message}. Live data follows below.
        </p>
      )}

      <SensorLive sensorId={sensorId} device={device} />

      <section className="panel" aria-labelledby="history-range-heading">
        <header className="panel-header">
          <h2 id="history-range-heading">History</h2>
        </header>
        <RangeForm sensorId={sensorId} range={rangeCheck.ok ? rangeCheck.range : null} />
        {!rangeCheck.ok ? (
          <p className="error" role="alert">
            Invalid range: {rangeCheck.message}.
          </p>
        ) : history === null || !history.ok ? (
          <p className="error" role="alert">
            The history could not be read: {history?.ok === false ? history.message : 'no range'}.
          </p>
        ) : (
          <SensorHistory sensorId={sensorId} unit={unit} fromMs={history.range.fromMs} toMs={history.range.toMs} windowCount={history.windowCount} points={history.points} />
        )}
      </section>

      <h2 className="section-heading">Alerts of this sensor</h2>
      <AlertsFeed
        streamUrl={`${ALERTS_STREAM_PATH}${alertFiltersQuery(alertFilters)}`}
        initialAlerts={alerts.ok ? alerts.records : null}
        takenAtMs={alerts.ok ? alerts.takenAtMs : null}
        snapshotProblem={alerts.ok ? null : alerts.message}
        pageTitle={`${sensorId} · IoT pipeline`}
      />
    </main>
  );
}

/** The path segment as text (a malformed %-escape is kept as it is, and then fails validation or matches nothing). */
function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The history range as a plain GET form (it works before the page's script has loaded). */
function RangeForm({ sensorId, range }: { sensorId: string; range: HistoryRange | null }) {
  const preset = range?.preset ?? '1h';
  return (
    <form className="filters" method="get" action={`/sensors/${encodeURIComponent(sensorId)}`} aria-label="History range">
      <div className="filter-field">
        <label htmlFor="history-range">Range</label>
        <select id="history-range" name="range" defaultValue={preset}>
          {Object.entries(HISTORY_PRESETS).map(([value, { label }]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
          <option value="custom">Custom (below)</option>
        </select>
      </div>
      <div className="filter-field">
        <label htmlFor="history-from">From (UTC, custom)</label>
        <input id="history-from" name="from" type="datetime-local" defaultValue={range === null ? '' : toUtcMinuteInput(range.fromMs)} />
      </div>
      <div className="filter-field">
        <label htmlFor="history-to">To (UTC, custom)</label>
        <input id="history-to" name="to" type="datetime-local" defaultValue={range === null ? '' : toUtcMinuteInput(range.toMs)} />
      </div>
      <div className="filter-actions">
        <button type="submit" className="button">
          Show
        </button>
      </div>
    </form>
  );
}
