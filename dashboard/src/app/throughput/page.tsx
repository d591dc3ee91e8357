import type { Metadata } from 'next';
import LiveWindowCounts from '../../components/LiveWindowCounts.tsx';
import { throughputSnapshot } from '../../server/throughput-snapshot.ts';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  title: 'Throughput · IoT pipeline',
  description: 'Live per-minute reading counts of the whole fleet, from the stream processor.',
};

/**
 * /throughput: rendered on the server with the per-minute totals of the gateway's window snapshot
 * (when it answers within 2 s), then live in the browser over Server-Sent Events.
 */
export default async function ThroughputPage() {
  const snapshot = await throughputSnapshot();
  return (
    <main className="container">
      <h1>Throughput</h1>
      <p className="lead">
        Per-minute reading counts computed by the stream processor, relayed live from the gRPC gateway.
      </p>
      <LiveWindowCounts
        initialView={snapshot.ok ? snapshot.view : null}
        takenAtMs={snapshot.ok ? snapshot.takenAtMs : null}
        snapshotProblem={snapshot.ok ? null : snapshot.message}
      />
    </main>
  );
}
