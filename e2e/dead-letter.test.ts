import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { SENSOR_READINGS_DLQ_TOPIC, SENSOR_READINGS_TOPIC } from '@iot/contracts';
import { stack, uniquePrefix, waitFor } from './support.ts';

test('a malformed reading goes to the DLQ with the reason and its source position', { timeout: 90_000 }, async () => {
  const kafka = new Kafka({ clientId: 'e2e-dlq', brokers: [stack.kafkaBootstrap], logLevel: logLevel.NOTHING });
  const marker = uniquePrefix('e2e-dlq');
  const consumer = kafka.consumer({ groupId: `${marker}group` });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await Promise.all([consumer.connect(), producer.connect()]);
  try {
    await consumer.subscribe({ topic: SENSOR_READINGS_DLQ_TOPIC, fromBeginning: true });
    const dead: Array<{ key: string; headers: Record<string, string> }> = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]));
        dead.push({ key: message.key?.toString() ?? '', headers });
      },
    });
    // Not Avro at all: no magic byte, no schema id.
    const [sent] = await producer.send({ topic: SENSOR_READINGS_TOPIC, messages: [{ key: marker, value: Buffer.from('{"sensorId":"not avro"}') }] });
    const found = await waitFor('the malformed record on the DLQ', async () => dead.find((record) => record.key === marker), 60_000, 250);
    assert.equal(found.headers['dlq.kind'], 'undecodable');
    assert.match(found.headers['dlq.reason'] ?? '', /cannot decode Avro value/);
    assert.equal(found.headers['dlq.source.topic'], SENSOR_READINGS_TOPIC);
    assert.equal(found.headers['dlq.source.partition'], String(sent!.partition));
    assert.equal(found.headers['dlq.source.offset'], sent!.baseOffset);
  } finally {
    await Promise.all([consumer.disconnect(), producer.disconnect()]);
  }
});
