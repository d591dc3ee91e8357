import type { Metadata } from 'next';
import FleetOverview from '../../components/FleetOverview.tsx';
import { fleetSnapshot } from '../../server/fleet-snapshot.ts';

export const dynamic = 'force-dynamic';

const PAGE_TITLE = 'Fleet · IoT pipeline';

export const metadata: Metadata = {
  title: PAGE_TITLE,
  description: 'Every sensor of the IoT pipeline at a glance: status, last value, recent readings, open alerts.',
};

/**
 * /fleet: rendered on the server with the device registry (ListSensors, when the gateway answers
 * within 2 s), then live in the browser from the readings and alerts streams.
 */
export default async function FleetPage() {
  const snapshot = await fleetSnapshot();
  return (
    <main className="container container-fleet">
      <h1>Fleet</h1>
      <p className="lead">Every sensor of the device registry, live from the gRPC gateway&apos;s readings and alerts.</p>
      <FleetOverview
        registry={snapshot.ok ? snapshot.sensors : null}
        takenAtMs={snapshot.takenAtMs}
        registryProblem={snapshot.ok ? null : snapshot.message}
        pageTitle={PAGE_TITLE}
      />
    </main>
  );
}
