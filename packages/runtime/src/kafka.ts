import { Kafka, logLevel } from 'kafkajs';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
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

/** Registers a contract schema under `<topic>-key|value` and returns its registry id. */
export async function registerSchema(
  registry: SchemaRegistry,
  topic: string,
  part: 'key' | 'value',
  schema: AvroSchemaSource,
): Promise<number> {
  const { id } = await registry.register(
    { type: SchemaType.AVRO, schema: schema.text },
    { subject: subjectFor(topic, part) },
  );
  return id;
}
