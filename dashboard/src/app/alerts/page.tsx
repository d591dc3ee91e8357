import type { Metadata } from 'next';
import AlertsFeed from '../../components/AlertsFeed.tsx';
import { ALERT_SEVERITIES, ALERT_STATES, ALERTS_STREAM_PATH } from '../../lib/alert.ts';
import { alertFiltersQuery, parseAlertFilters, type AlertFilters } from '../../server/alert-events.ts';
import { alertsSnapshot } from '../../server/alerts-snapshot.ts';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  title: 'Alerts · IoT pipeline',
  description: 'Live alerts of the IoT pipeline: open, acknowledged and cleared.',
};

type SearchParams = Record<string, string | string[] | undefined>;

/**
 * /alerts[?site=…&sensor=…&severity=…]: rendered on the server with the gateway's current alerts
 * (when it answers within 2 s), then live in the browser over Server-Sent Events.
 */
export default async function AlertsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(await searchParams)) {
    for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) params.append(name, item);
  }
  const parsed = parseAlertFilters(params);
  return (
    <main className="container">
      <h1>Alerts</h1>
      <p className="lead">Alert states computed by the stream processor, relayed live from the gRPC gateway.</p>
      <FiltersForm filters={parsed.ok ? parsed.filters : null} />
      {parsed.ok ? (
        <AlertsPanel query={alertFiltersQuery(parsed.filters)} snapshot={await alertsSnapshot(parsed.filters)} />
      ) : (
        <p className="error" role="alert">
          Invalid filter: {parsed.message}. <a href="/alerts">Show every alert</a>.
        </p>
      )}
    </main>
  );
}

function AlertsPanel({ query, snapshot }: { query: string; snapshot: Awaited<ReturnType<typeof alertsSnapshot>> }) {
  return (
    <AlertsFeed
      streamUrl={`${ALERTS_STREAM_PATH}${query}`}
      initialAlerts={snapshot.ok ? snapshot.records : null}
      takenAtMs={snapshot.ok ? snapshot.takenAtMs : null}
      snapshotProblem={snapshot.ok ? null : snapshot.message}
    />
  );
}

/**
 * The page's filters as a plain GET form (it works before the page's script has loaded): empty
 * fields and no box ticked mean "any"; several sites or sensors are comma-separated.
 */
function FiltersForm({ filters }: { filters: AlertFilters | null }) {
  return (
    <form className="filters" method="get" action="/alerts" role="search" aria-label="Filter alerts">
      <label className="filter-field">
        Site
        <input name="site" type="text" defaultValue={filters?.site.join(',') ?? ''} />
      </label>
      <label className="filter-field">
        Sensor
        <input name="sensor" type="text" defaultValue={filters?.sensor.join(',') ?? ''} />
      </label>
      <fieldset className="filter-choices">
        <legend>Severity</legend>
        {ALERT_SEVERITIES.map((severity) => (
          <label key={severity}>
            <input type="checkbox" name="severity" value={severity} defaultChecked={filters?.severity.includes(severity) ?? false} /> {severity}
          </label>
        ))}
      </fieldset>
      <fieldset className="filter-choices">
        <legend>State</legend>
        {ALERT_STATES.map((state) => (
          <label key={state}>
            <input type="checkbox" name="state" value={state} defaultChecked={filters?.state.includes(state) ?? false} /> {state}
          </label>
        ))}
      </fieldset>
      <div className="filter-actions">
        <button type="submit" className="button">
          Apply filters
        </button>
        <a href="/alerts">Show every alert</a>
      </div>
    </form>
  );
}
