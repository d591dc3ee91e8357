import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { Gauge } from 'prom-client';
import { WINDOW_COUNTS_TOPIC, type WindowCount } from '@iot/contracts';
import { loadPipelineProto, type PipelineServiceHandlers } from '@iot/contracts/grpc';
import { CatchUp, createKafka, createLogger, createMetrics, createRegistry, exitOnStartFailure, onShutdown, serveMetrics } from '@iot/runtime';
import { loadConfig } from './config.ts';
import { WindowCountStore } from './window-count-store.ts';
import { streamWindowCounts } from './window-counts.stream.ts';

const logger = createLogger('grpc-gateway');
const SERVICE_NAME = 'iot.v1.PipelineService';

async function main(): Promise<void> {
  const config = loadConfig();
  const metrics = createMetrics('grpc-gateway');
  const store = new WindowCountStore(config.SNAPSHOT_MINUTES * 60_000);
  new Gauge({ name: 'gateway_subscribers', help: 'Open StreamWindowCounts calls', registers: [metrics], collect() { this.set(store.subscriberCount); } });
  new Gauge({ name: 'gateway_window_counts_held', help: 'Windows held for snapshots', registers: [metrics], collect() { this.set(store.size); } });

  // Materialize the compacted topic (read_committed) from the beginning; this instance's own
  // group, never committed, so every start rebuilds the same state.
  const registry = createRegistry(config.SCHEMA_REGISTRY_URL);
  const kafka = createKafka('iot-grpc-gateway', config.KAFKA_BROKERS, logger);
  const admin = kafka.admin();
  await admin.connect();
  const endOffsets = await admin.fetchTopicOffsets(WINDOW_COUNTS_TOPIC);
  await admin.disconnect();
  const catchUp = new CatchUp(endOffsets.map(({ partition, low, high }) => ({ partition, low: Number(low), high: Number(high) })));
  const consumer = kafka.consumer({ groupId: `iot-grpc-gateway-${randomUUID()}` });
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => catchUp.consumed(payload.partition, Number(payload.lastOffset), Number(payload.offsetLag)));
  await consumer.connect();
  await consumer.subscribe({ topic: WINDOW_COUNTS_TOPIC, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic, partition, message }) => {
      if (!message.value) return; // tombstone: nothing to show
      try {
        const value = (await registry.decode(message.value)) as WindowCount;
        store.apply(value, { topic, partition, offset: Number(message.offset) });
      } catch (error) {
        logger.warn({ err: error, partition, offset: message.offset }, 'skipping undecodable window count');
      }
    },
  });
  const evictTimer = setInterval(() => store.evict(), 60_000);

  const server = new grpc.Server({ 'grpc.keepalive_time_ms': 30_000, 'grpc.keepalive_timeout_ms': 10_000 });
  const proto = loadPipelineProto(grpc);
  const handlers: PipelineServiceHandlers = {
    // Calls that arrive while the store is still catching up wait for it: their snapshot must be whole.
    StreamWindowCounts: (call) => void catchUp.ready.then(() => streamWindowCounts(call, store, logger)),
  };
  server.addService(proto.iot.v1.PipelineService.service, handlers);
  const health = new HealthImplementation({ '': 'NOT_SERVING', [SERVICE_NAME]: 'NOT_SERVING' });
  health.addToServer(server);
  void catchUp.ready.then(() => {
    health.setStatus('', 'SERVING');
    health.setStatus(SERVICE_NAME, 'SERVING');
    logger.info({ windows: store.size }, 'caught up with the window-count topic: serving');
  });
  const address = `${config.GATEWAY_HOST}:${config.GATEWAY_PORT}`;
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (error) => (error ? reject(new Error(`cannot listen on ${address}: ${error.message}`)) : resolve())),
  );
  const metricsServer = await serveMetrics(metrics, config.METRICS_PORT);
  logger.info({ address }, 'gRPC gateway listening');

  onShutdown(logger, async () => {
    health.setStatus('', 'NOT_SERVING');
    health.setStatus(SERVICE_NAME, 'NOT_SERVING');
    clearInterval(evictTimer);
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    await consumer.disconnect();
    metricsServer?.close();
  });
}

main().catch((error: unknown) => exitOnStartFailure(logger, error));
