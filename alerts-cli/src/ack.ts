import { parseArgs } from 'node:util';
import { userInfo } from 'node:os';
import { parseAlertId, type AlertAck } from '@iot/contracts';
import { Partitioners } from 'kafkajs';
import { createAlertAckWriter, createKafka, createLogger, createRegistry } from '@iot/runtime';
import type { AlertsCliConfig } from './config.ts';
import { UsageError } from './filter.ts';

export interface AckOptions {
  alertId: string;
  sensorId: string;
  by: string;
}

/** Parses the arguments after `ack`: one alertId (as printed by `tail`), and `--by NAME`. */
export function parseAckArgs(argv: readonly string[]): AckOptions {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: { by: { type: 'string' } }, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(`ack: ${error instanceof Error ? error.message : String(error)}`);
  }
  const [alertId, ...extra] = parsed.positionals;
  if (alertId === undefined || extra.length > 0) throw new UsageError('ack: expected exactly one alertId (sensorId/RULE/openedAt, as `tail` prints it)');
  const id = parseAlertId(alertId);
  if (!id) throw new UsageError(`ack: "${alertId}" is not an alertId (sensorId/RULE/openedAt, e.g. plant-a-temperature-1/RANGE/1795434132889)`);
  const by = parsed.values.by ?? userInfo().username;
  if (by.trim() === '') throw new UsageError('--by: expected a non-empty name');
  return { alertId, sensorId: id.sensorId, by };
}

/**
 * Writes the acknowledgement to iot.alert-acks (createAlertAckWriter: the key is the sensorId
 * encoded exactly as on iot.sensor-readings, so the ack reaches the partition number of the
 * sensor's readings, where the processor task holding the alert gets it).
 */
export async function sendAck(config: AlertsCliConfig, options: AckOptions): Promise<{ partition: number; offset: string }> {
  const kafka = createKafka('iot-alerts-cli', config.KAFKA_BROKERS, createLogger('alerts-cli', 'silent'));
  const registry = createRegistry(config.SCHEMA_REGISTRY_URL);
  // Bounded retries (about half a minute), unlike the services' producers: a one-shot command
  // must fail with kafkajs's error when the broker is away, not wait for it forever.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner, retry: { retries: 5 } });
  const writeAck = createAlertAckWriter(producer, registry, config.SCHEMA_REGISTRY_URL);
  await writeAck.registerSchemas(); // before touching Kafka: a registry problem is reported first
  const ack: AlertAck = { alertId: options.alertId, acknowledgedBy: options.by, requestedAt: Date.now() };
  await producer.connect();
  try {
    return await writeAck({ ...ack, sensorId: options.sensorId });
  } finally {
    await producer.disconnect();
  }
}
