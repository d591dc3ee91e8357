import { connectIdempotentProducer, createKafka, createLogger, createMetrics, createRegistry, exitOnStartFailure, onShutdown, serveMetrics } from '@iot/runtime';
import { loadConfig } from './config.ts';
import { WindowCountProcessor } from './processor.ts';

const logger = createLogger('stream-processor');

async function main(): Promise<void> {
  const config = loadConfig();
  const kafka = createKafka('iot-stream-processor', config.KAFKA_BROKERS, logger);
  const metrics = createMetrics('stream-processor');
  const consumer = kafka.consumer({ groupId: config.PROCESSOR_GROUP_ID, sessionTimeout: 30_000, heartbeatInterval: 3_000 });
  const producer = await connectIdempotentProducer(kafka);
  await consumer.connect();
  const processor = new WindowCountProcessor({
    consumer,
    producer,
    registry: createRegistry(config.SCHEMA_REGISTRY_URL),
    registryUrl: config.SCHEMA_REGISTRY_URL,
    rules: { graceMs: config.WINDOW_GRACE_MS, idleMs: config.PARTITION_IDLE_MS },
    logger,
    metrics,
  });
  await processor.start();
  const metricsServer = await serveMetrics(metrics, config.METRICS_PORT);
  logger.info({ groupId: config.PROCESSOR_GROUP_ID, graceMs: config.WINDOW_GRACE_MS }, 'processing readings');
  onShutdown(logger, async () => {
    await processor.stop();
    await producer.disconnect();
    metricsServer?.close();
  });
}

main().catch((error: unknown) => exitOnStartFailure(logger, error));
