import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Partitioners } from 'kafkajs';
import {
  AVRO_SCHEMAS,
  SENSOR_READINGS_DLQ_TOPIC,
  SENSOR_READINGS_TOPIC,
  WINDOW_COUNTS_TOPIC,
  type SensorReading,
  type WindowCount,
  type WindowCountKey,
} from '@iot/contracts';
import { registerSchema } from '@iot/runtime';
import { collectFromTopic, kafka, registry, stack, uniquePrefix } from './support.ts';

test('every kind of bad input lands in the DLQ with its reason and source, while good readings keep counting exactly', { timeout: 120_000 }, async () => {
  const prefix = uniquePrefix('e2e-dlq');
  const keyId = await registerSchema(stack.registryCcompatUrl, SENSOR_READINGS_TOPIC, 'key', AVRO_SCHEMAS.sensorIdKey);
  const valueId = await registerSchema(stack.registryCcompatUrl, SENSOR_READINGS_TOPIC, 'value', AVRO_SCHEMAS.sensorReading);
  const now = Date.now();
  const reading = (sensorId: string, patch: Partial<SensorReading> = {}): SensorReading => ({
    sensorId, sensorType: 'temperature', siteId: `${prefix}site`, timestamp: now, value: 21.5, unit: '°C', ...patch,
  });
  const encoded = async (r: SensorReading) => ({ key: await registry.encode(keyId, r.sensorId), value: await registry.encode(valueId, r) });
  const frame = (schemaId: number, payload: Buffer, magic = 0) => {
    const header = Buffer.alloc(5);
    header.writeUInt8(magic, 0);
    header.writeInt32BE(schemaId, 1);
    return Buffer.concat([header, payload]);
  };
  const goodSensor = `${prefix}good`;
  const validKey = await registry.encode(keyId, `${prefix}bad`);
  const validValue = (await encoded(reading(`${prefix}bad`))).value;

  // Each bad record is marked with a header so the test finds it; `kind` is what the DLQ must say.
  const bad: Array<{ kind: string; reason: RegExp; key: Buffer | null; value: Buffer | null }> = [
    { kind: 'undecodable', reason: /too short for a schema registry frame/, key: validKey, value: Buffer.from('{') },
    { kind: 'bad-magic-byte', reason: /starts with byte 0x7b, not the schema registry magic byte/, key: validKey, value: Buffer.from('{"sensorId":"not avro"}') },
    { kind: 'bad-magic-byte', reason: /byte 0x01/, key: validKey, value: frame(valueId, validValue.subarray(5), 1) },
    { kind: 'unknown-schema', reason: /value schema id 987654321 is not in the schema registry/, key: validKey, value: frame(987_654_321, validValue.subarray(5)) },
    { kind: 'undecodable', reason: /value does not decode/, key: validKey, value: frame(valueId, Buffer.from([0x02])) },
    { kind: 'missing-key', reason: /no key/, key: null, value: validValue },
    { kind: 'missing-value', reason: /tombstone/, key: validKey, value: null },
    { kind: 'key-mismatch', reason: /differs from sensorId/, key: await registry.encode(keyId, `${prefix}other`), value: validValue },
    { kind: 'invalid-value', reason: /value is not a finite number \(NaN\)/, ...(await encoded(reading(`${prefix}bad`, { value: Number.NaN }))) },
    { kind: 'invalid-value', reason: /value is not a finite number \(Infinity\)/, ...(await encoded(reading(`${prefix}bad`, { value: Number.POSITIVE_INFINITY }))) },
    { kind: 'invalid-timestamp', reason: /more than a day in the future/, ...(await encoded(reading(`${prefix}bad`, { timestamp: now + 3 * 86_400_000 }))) },
    { kind: 'invalid-timestamp', reason: /before 2000-01-01/, ...(await encoded(reading(`${prefix}bad`, { timestamp: Date.UTC(1999, 5, 1) }))) },
    { kind: 'invalid-field', reason: /sensorType is empty/, ...(await encoded(reading(`${prefix}bad`, { sensorType: ' ' }))) },
  ];
  const good = await Promise.all(Array.from({ length: 20 }, (_, i) => encoded(reading(goodSensor, { value: i }))));

  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    // Interleaved, so good records before and after each bad one must all be counted.
    for (const [i, record] of bad.entries()) {
      await producer.send({ topic: SENSOR_READINGS_TOPIC, messages: [good[i]!, { key: record.key, value: record.value, headers: { 'e2e.case': `${prefix}${i}` } }] });
    }
    await producer.send({ topic: SENSOR_READINGS_TOPIC, messages: good.slice(bad.length) });
  } finally {
    await producer.disconnect();
  }

  const dead = await collectFromTopic<Buffer, Buffer>(SENSOR_READINGS_DLQ_TOPIC, {
    raw: true,
    select: () => true,
    done: (found) => found.filter((r) => r.headers['e2e.case']?.startsWith(prefix)).length >= bad.length,
    timeoutMs: 60_000,
  });
  const mine = dead.filter((r) => r.headers['e2e.case']?.startsWith(prefix));
  assert.equal(mine.length, bad.length, 'each bad record is dead-lettered exactly once');
  for (const [i, expected] of bad.entries()) {
    const record = mine.find((r) => r.headers['e2e.case'] === `${prefix}${i}`);
    assert.ok(record, `case ${i} (${expected.kind}) reached the DLQ`);
    assert.equal(record.headers['dlq.kind'], expected.kind, `case ${i}: ${record.headers['dlq.reason']}`);
    assert.match(record.headers['dlq.reason'] ?? '', expected.reason, `case ${i}`);
    assert.equal(record.headers['dlq.source.topic'], SENSOR_READINGS_TOPIC);
    assert.match(record.headers['dlq.source.partition'] ?? '', /^[0-5]$/);
    assert.match(record.headers['dlq.source.offset'] ?? '', /^\d+$/);
    assert.deepEqual(record.value, expected.value, `case ${i}: the original bytes are kept`);
  }

  const counts = await collectFromTopic<WindowCountKey, WindowCount>(WINDOW_COUNTS_TOPIC, {
    select: (key) => key.sensorId === goodSensor,
    done: (found) => found.some((r) => r.value?.count === good.length),
    timeoutMs: 60_000,
  });
  assert.ok(counts.every((r) => (r.value?.count ?? 0) <= good.length), 'no good reading counted twice');
  assert.equal(counts.at(-1)?.value?.sum, (good.length * (good.length - 1)) / 2, 'the latest count holds exactly the good readings');
});
