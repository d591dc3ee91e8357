import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { subjectFor, type AvroSchemaSource } from '@iot/contracts';
import { kafkaLogCreator, type Logger } from './logger.ts';

export function createKafka(clientId: string, brokers: readonly string[], logger: Logger): Kafka {
  return new Kafka({
    clientId,
    brokers: [...brokers],
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(logger),
    retry: { initialRetryTime: 200, retries: 8 },
  });
}

export function createRegistry(url: string): SchemaRegistry {
  return new SchemaRegistry({ host: url, clientId: 'iot-pipeline' });
}

/**
 * Registers a contract schema under `<topic>-key|value` through the Confluent-compatible API
 * and returns its id. (The client library's own register() refuses unnamed schemas such as
 * the plain "string" key schema, so this calls the API directly.)
 */
export async function registerSchema(
  registryUrl: string,
  topic: string,
  part: 'key' | 'value',
  schema: AvroSchemaSource,
): Promise<number> {
  const subject = subjectFor(topic, part);
  const url = `${registryUrl.replace(/\/$/, '')}/subjects/${encodeURIComponent(subject)}/versions`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ schema: schema.text, schemaType: 'AVRO' }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json().catch(() => ({}))) as { id?: number; message?: string };
  if (!response.ok || typeof body.id !== 'number') {
    throw new Error(`registering ${schema.file} as ${subject} at ${registryUrl} failed: HTTP ${response.status} ${body.message ?? ''}`.trim());
  }
  return body.id;
}

/**
 * Idempotent, acks=all: retries never duplicate or reorder one key's records. The default
 * partitioner is murmur2, as in the Java client, so a key lands on the same partition either way.
 */
export async function connectIdempotentProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    // kafkajs warns that fewer retries could break idempotence; keep retrying (with backoff) through broker restarts.
    retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 10_000 },
  });
  await producer.connect();
  return producer;
}
