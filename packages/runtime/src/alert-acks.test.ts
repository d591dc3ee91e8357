import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { test } from 'node:test';
import type { Producer, ProducerRecord, RecordMetadata } from 'kafkajs';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { AVRO_SCHEMAS } from '@iot/contracts';
import { createAlertAckWriter } from './alert-acks.ts';

/** A schema registry stand-in on a free local port: records what is registered, answers ids by subject. */
async function fakeRegistryApi(failures = 0): Promise<{ url: string; registered: Array<{ subject: string; schema: string }>; close: () => Promise<void> }> {
  const ids: Record<string, number> = { 'iot.sensor-readings-key': 11, 'iot.alert-acks-value': 22 };
  const registered: Array<{ subject: string; schema: string }> = [];
  let failuresLeft = failures;
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const subject = decodeURIComponent(/^\/apis\/ccompat\/v7\/subjects\/([^/]+)\/versions$/.exec(request.url ?? '')?.[1] ?? '');
      response.setHeader('Content-Type', 'application/json');
      if (failuresLeft > 0) {
        failuresLeft--;
        response.writeHead(500).end(JSON.stringify({ message: 'registry unwell' }));
        return;
      }
      registered.push({ subject, schema: (JSON.parse(body) as { schema: string }).schema });
      response.writeHead(200).end(JSON.stringify({ id: ids[subject] ?? 99 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/apis/ccompat/v7`, registered, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

// Encodes as "<schema id>:<JSON>" so the test sees which schema each part was encoded with.
const registry = { encode: async (id: number, payload: unknown) => Buffer.from(`${id}:${JSON.stringify(payload)}`) } as unknown as SchemaRegistry;
function fakeProducer(): { producer: Producer; sent: ProducerRecord[] } {
  const sent: ProducerRecord[] = [];
  const producer = {
    send: async (record: ProducerRecord): Promise<RecordMetadata[]> => {
      sent.push(record);
      return [{ topicName: record.topic, partition: 3, errorCode: 0, baseOffset: String(100 + sent.length) }];
    },
  } as unknown as Producer;
  return { producer, sent };
}

const ACK = { alertId: 'plant-a-temperature-1/RANGE/1795434132889', acknowledgedBy: 'ann', requestedAt: 1_795_434_200_000, sensorId: 'plant-a-temperature-1' };

test('writes the ack to iot.alert-acks (acks=all), key = the sensorId with the readings key schema, value = the AlertAck alone', async () => {
  const api = await fakeRegistryApi();
  try {
    const { producer, sent } = fakeProducer();
    const writeAck = createAlertAckWriter(producer, registry, api.url);
    assert.deepEqual(await writeAck(ACK), { partition: 3, offset: '101' });
    assert.equal(sent.length, 1);
    const [record] = sent;
    assert.equal(record!.topic, 'iot.alert-acks');
    assert.equal(record!.acks, -1);
    assert.equal(record!.messages.length, 1);
    assert.equal(record!.messages[0]!.key!.toString(), '11:"plant-a-temperature-1"', 'encoded exactly as on iot.sensor-readings');
    assert.equal(record!.messages[0]!.value!.toString(), `22:${JSON.stringify({ alertId: ACK.alertId, acknowledgedBy: 'ann', requestedAt: ACK.requestedAt })}`);
    assert.deepEqual(api.registered, [
      { subject: 'iot.sensor-readings-key', schema: AVRO_SCHEMAS.sensorIdKey.text },
      { subject: 'iot.alert-acks-value', schema: AVRO_SCHEMAS.alertAck.text },
    ]);

    assert.deepEqual(await writeAck({ ...ACK, acknowledgedBy: 'bob' }), { partition: 3, offset: '102' });
    assert.equal(api.registered.length, 2, 'the schemas are registered once per writer');
  } finally {
    await api.close();
  }
});

test('registerSchemas() registers ahead of the first write; a failed registration is tried again by the next call', async () => {
  const api = await fakeRegistryApi(1);
  try {
    const { producer, sent } = fakeProducer();
    const writeAck = createAlertAckWriter(producer, registry, api.url);
    await assert.rejects(writeAck.registerSchemas(), /registering sensor-id-key\.avsc as iot\.sensor-readings-key .* failed: HTTP 500 registry unwell/);
    assert.equal(sent.length, 0);
    await writeAck.registerSchemas();
    assert.equal(api.registered.length, 2);
    await writeAck(ACK);
    assert.equal(api.registered.length, 2, 'no registration again on write');
    assert.equal(sent.length, 1);
  } finally {
    await api.close();
  }
});

test('an ack keyed by another sensor than its alertId names, or with no valid alertId, is refused before anything is sent', async () => {
  const api = await fakeRegistryApi();
  try {
    const { producer, sent } = fakeProducer();
    const writeAck = createAlertAckWriter(producer, registry, api.url);
    await assert.rejects(writeAck({ ...ACK, sensorId: 'plant-b-temperature-1' }), /sensorId "plant-b-temperature-1" differs from the alertId's "plant-a-temperature-1"/);
    await assert.rejects(writeAck({ ...ACK, alertId: 'nope' }), /alertId "nope" is not sensorId\/RULE\/openedAt/);
    assert.equal(sent.length, 0);
  } finally {
    await api.close();
  }
});
