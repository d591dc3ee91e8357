import LiveWindowCounts from '../components/LiveWindowCounts.tsx';

/** The shell is static; live data arrives in the browser over Server-Sent Events. */
export default function HomePage() {
  return (
    <main className="container">
      <h1>IoT pipeline</h1>
      <p className="lead">
        Per-minute reading counts computed by the stream processor, relayed live from the gRPC gateway.
      </p>
      <LiveWindowCounts />
    </main>
  );
}
