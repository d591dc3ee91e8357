import type { Metadata } from 'next';
import PipelineHealth from '../../components/PipelineHealth.tsx';
import { pipelineHealth } from '../../server/pipeline-health.ts';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  title: 'Pipeline · IoT pipeline',
  description: 'Health of every part of the IoT pipeline: broker, schema registry, Kafka Connect and its connectors, the stream processor, the gRPC gateway and the topics.',
};

/** /pipeline: rendered on the server with the gateway's GetPipelineHealth, then asked again every 5 s. */
export default async function PipelinePage() {
  return (
    <main className="container">
      <h1>Pipeline</h1>
      <p className="lead">Every part of the pipeline as the gRPC gateway checks it, in the order data travels: where it stops shows at once.</p>
      <PipelineHealth initial={await pipelineHealth()} />
    </main>
  );
}
