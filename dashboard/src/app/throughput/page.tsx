import type { Metadata } from 'next';
import LiveWindowCounts from '../../components/LiveWindowCounts.tsx';

export const metadata: Metadata = {
  title: 'Throughput · IoT pipeline',
  description: 'Live per-minute reading counts of the whole fleet, from the stream processor.',
};

/** The shell is static; live data arrives in the browser over Server-Sent Events. */
export default function ThroughputPage() {
  return (
    <main className="container">
      <h1>Throughput</h1>
      <p className="lead">
        Per-minute reading counts computed by the stream processor, relayed live from the gRPC gateway.
      </p>
      <LiveWindowCounts />
    </main>
  );
}
