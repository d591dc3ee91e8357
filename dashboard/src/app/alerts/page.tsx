import type { Metadata } from 'next';
import AlertsFeed from '../../components/AlertsFeed.tsx';
import { ALERTS_STREAM_PATH } from '../../lib/alert.ts';
import { alertFiltersQuery, parseAlertFilters } from '../../server/alert-events.ts';
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
      initialAlerts={snapshot.ok ? snapshot.alerts : null}
      takenAtMs={snapshot.ok ? snapshot.takenAtMs : null}
      snapshotProblem={snapshot.ok ? null : snapshot.message}
    />
  );
}
