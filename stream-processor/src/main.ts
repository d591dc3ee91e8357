import { createKafka, createLogger, createMetrics, createRegistry, exitOnStartFailure, onShutdown, serveMetrics } from '@iot/runtime';
import { loadAlertRules } from './alert-rules.ts';
import { loadConfig } from './config.ts';
import { createProcessorConsumer, StreamProcessor } from './processor.ts';

const logger = createLogger('stream-processor');

async function main(): Promise<void> {
  const config = loadConfig();
  const alertRules = loadAlertRules(config.ALERT_RULES_FILE);
  const kafka = createKafka('iot-stream-processor', config.KAFKA_BROKERS, logger);
  const metrics = createMetrics('stream-processor');
  const consumer = createProcessorConsumer(kafka, config.PROCESSOR_GROUP_ID);
  await consumer.connect();
  const processor = new StreamProcessor({
    kafka,
    consumer,
    applicationId: config.PROCESSOR_GROUP_ID,
    registry: createRegistry(config.SCHEMA_REGISTRY_URL),
    registryUrl: config.SCHEMA_REGISTRY_URL,
    rules: { graceMs: config.WINDOW_GRACE_MS, idleMs: config.PARTITION_IDLE_MS, updateIntervalMs: config.WINDOW_UPDATE_INTERVAL_MS },
    alertRules,
    commitIntervalMs: config.COMMIT_INTERVAL_MS,
    logger,
    metrics,
  });
  await processor.start();
  const metricsServer = await serveMetrics(metrics, config.METRICS_PORT);
  logger.info({ groupId: config.PROCESSOR_GROUP_ID, graceMs: config.WINDOW_GRACE_MS, commitIntervalMs: config.COMMIT_INTERVAL_MS }, 'processing readings');
  onShutdown(logger, async () => {
    await processor.stop();
    metricsServer?.close();
  });
}

main().catch((error: unknown) => exitOnStartFailure(logger, error));
