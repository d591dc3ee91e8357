import { Counter } from 'prom-client';
import { connectIdempotentProducer, createKafka, createLogger, createMetrics, createRegistry, exitOnStartFailure, onShutdown, serveMetrics } from '@iot/runtime';
import { loadConfig } from './config.ts';
import { defaultFleet, loadFleet, naturalRate, scaleIntervals } from './fleet.ts';
import { loadScenario } from './scenario.ts';
import { simulate } from './simulator.ts';

// The long-running demo producer that `npm start` runs; `npm run producers -- run` is the CLI.
const logger = createLogger('producers');

async function main(): Promise<void> {
  const config = loadConfig();
  const fleet = scaleIntervals(config.FLEET_FILE ? loadFleet(config.FLEET_FILE) : defaultFleet(), config.PRODUCER_RATE);
  const scenario = config.SCENARIO === 'none' ? undefined : loadScenario(config.SCENARIO, fleet);
  const metrics = createMetrics('producers');
  const sent = new Counter({ name: 'producer_readings_sent_total', help: 'Readings acknowledged by the broker', registers: [metrics] });
  const failed = new Counter({ name: 'producer_readings_failed_total', help: 'Readings the broker did not acknowledge', registers: [metrics] });
  const kafka = createKafka('iot-producers', config.KAFKA_BROKERS, logger);
  const producer = await connectIdempotentProducer(kafka);
  const metricsServer = await serveMetrics(metrics, config.METRICS_PORT);
  const stop = new AbortController();
  logger.info({ sensors: fleet.length, rate: Math.round(naturalRate(fleet) * 100) / 100, scenario: scenario?.name ?? 'none' }, 'producing readings');
  let reported = { sent: 0, errors: 0 };
  const done = simulate(producer, createRegistry(config.SCHEMA_REGISTRY_URL), config.SCHEMA_REGISTRY_URL, fleet, {
    seed: config.SEED,
    ...(scenario === undefined ? {} : { scenario }),
    signal: stop.signal,
    onProgress: (stats) => {
      sent.inc(stats.sent - reported.sent);
      failed.inc(stats.errors - reported.errors);
      reported = { sent: stats.sent, errors: stats.errors };
    },
    onError: (error) => logger.error({ err: error }, 'send failed'),
  });
  onShutdown(logger, async () => {
    stop.abort();
    await done;
    await producer.disconnect();
    metricsServer?.close();
  });
  await done;
}

main().catch((error: unknown) => exitOnStartFailure(logger, error));
