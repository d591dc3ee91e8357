// Schema evolution on the real stack: version 2 of the reading schema (an optional batteryLevel
// with a default) is registered under BACKWARD compatibility next to version 1; an incompatible
// change is refused; the running stream processor (built on v1) and a consumer built on v2 both
// read a topic that mixes the two.
//
// How compatibility is set through Apicurio Registry 3.3's Confluent-compatible API:
//   PUT  /apis/ccompat/v7/config/<subject>  {"compatibility":"BACKWARD"}  (the key must be
//        `compatibility`: `compatibilityLevel` gets a 500). Apicurio stores it as the artifact's
//        COMPATIBILITY rule (visible at /apis/registry/v3/groups/default/artifacts/<subject>/rules);
//        in 3.3 it is accepted even before the subject has a version, and applies to the first one
//        registered later. GET on the same path answers {"compatibilityLevel":"BACKWARD"}.
// Apicurio then enforces it: POST /compatibility/subjects/<subject>/versions/latest answers
// {"is_compatible":false} for an incompatible schema, and POST /subjects/<subject>/versions
// refuses it with HTTP 409 (error_code 409, "RuleViolationException: Incompatible artifact ...").
// Registering a schema the subject already has (v1 after v2) is a lookup: the existing id, no check.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import avro from 'avsc';
import { Partitioners, type RecordMetadata } from 'kafkajs';
import {
  AVRO_SCHEMAS,
  SENSOR_READINGS_TOPIC,
  WINDOW_COUNTS_TOPIC,
  subjectFor,
  type AvroSchemaSource,
  type SensorReading,
  type SensorReadingV2,
  type WindowCount,
  type WindowCountKey,
} from '@iot/contracts';
import { registerSchema } from '@iot/runtime';
import { collectFromTopic, kafka, registry, stack, uniquePrefix, waitFor } from './support.ts';

const SUBJECT = subjectFor(SENSOR_READINGS_TOPIC, 'value');

async function ccompat<T>(method: 'GET' | 'PUT' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${stack.registryCcompatUrl}${path}`, {
    method,
    headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: (await response.json()) as T };
}

const schemaBody = (schema: AvroSchemaSource) => ({ schema: schema.text, schemaType: 'AVRO' });

/** An incompatible "v3": a new required field without a default, so a v3 reader cannot read v1/v2 data. */
const incompatibleV3: AvroSchemaSource = (() => {
  const schema = JSON.parse(AVRO_SCHEMAS.sensorReadingV2.text) as { fields: object[] };
  schema.fields.push({ name: 'firmwareVersion', type: 'string', doc: 'required, no default: not BACKWARD compatible' });
  return { file: 'sensor-reading-v3-incompatible (test only)', text: JSON.stringify(schema) };
})();

/**
 * A consumer built on v2: decodes each value with its writer schema, fetched from the registry
 * by the id in the frame, resolved to the v2 reader schema (avsc's schema resolution).
 */
class V2Reader {
  private readonly reader = avro.Type.forSchema(JSON.parse(AVRO_SCHEMAS.sensorReadingV2.text));
  private readonly resolvers = new Map<number, ReturnType<avro.Type['createResolver']>>();

  async decode(bytes: Buffer): Promise<{ writerId: number; reading: SensorReadingV2 }> {
    assert.equal(bytes[0], 0, 'schema registry magic byte');
    const writerId = bytes.readInt32BE(1);
    let resolver = this.resolvers.get(writerId);
    if (!resolver) {
      const { status, body } = await ccompat<{ schema: string }>('GET', `/schemas/ids/${writerId}`);
      assert.equal(status, 200, `writer schema ${writerId} is in the registry`);
      resolver = this.reader.createResolver(avro.Type.forSchema(JSON.parse(body.schema)));
      this.resolvers.set(writerId, resolver);
    }
    return { writerId, reading: { ...(this.reader.fromBuffer(bytes.subarray(5), resolver) as SensorReadingV2) } };
  }
}

/**
 * Reads partition `partition` of the readings topic from `fromOffset` on (the topic's older
 * records belong to other runs) and returns the values whose key bytes equal `key`, once there
 * are `expected` of them.
 */
async function readValues(partition: number, fromOffset: string, key: Buffer, expected: number, timeoutMs: number): Promise<Buffer[]> {
  const groupId = uniquePrefix('e2e-v2-reader');
  const admin = kafka.admin();
  await admin.connect();
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 250 });
  try {
    const ends = await admin.fetchTopicOffsets(SENSOR_READINGS_TOPIC);
    await admin.setOffsets({
      groupId,
      topic: SENSOR_READINGS_TOPIC,
      partitions: ends.map((end) => ({ partition: end.partition, offset: end.partition === partition ? fromOffset : end.high })),
    });
    const values: Buffer[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: SENSOR_READINGS_TOPIC });
    await consumer.run({
      eachMessage: async ({ partition: from, message }) => {
        if (from === partition && message.key?.equals(key) && message.value) values.push(message.value);
      },
    });
    await waitFor(`${expected} readings of the sensor on partition ${partition}`, async () => (values.length >= expected ? true : undefined), timeoutMs, 250);
    return values;
  } finally {
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

test('schema evolution: v2 (optional batteryLevel) registers under BACKWARD, an incompatible v3 is refused, and processors on v1 and on v2 both read a v1/v2 mix', { timeout: 90_000 }, async () => {
  // 1. The subject holds v1 (producers register it on start); make sure, then set BACKWARD. Safe
  //    on the real subject: v1 stays, v1 re-registrations stay lookups, v2 is backward compatible,
  //    and only incompatible changes are refused from now on, which is the point.
  const keyId = await registerSchema(stack.registryCcompatUrl, SENSOR_READINGS_TOPIC, 'key', AVRO_SCHEMAS.sensorIdKey);
  const v1Id = await registerSchema(stack.registryCcompatUrl, SENSOR_READINGS_TOPIC, 'value', AVRO_SCHEMAS.sensorReading);
  const put = await ccompat<{ compatibility: string }>('PUT', `/config/${encodeURIComponent(SUBJECT)}`, { compatibility: 'BACKWARD' });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.deepEqual((await ccompat('GET', `/config/${encodeURIComponent(SUBJECT)}`)).body, { compatibilityLevel: 'BACKWARD' });

  // 2. The registry judges v3 incompatible and v2 compatible (a dry run: nothing is registered).
  const check = (schema: AvroSchemaSource) => ccompat<{ is_compatible: boolean }>('POST', `/compatibility/subjects/${encodeURIComponent(SUBJECT)}/versions/latest`, schemaBody(schema));
  assert.deepEqual(await check(incompatibleV3), { status: 200, body: { is_compatible: false } }, 'a new required field without default is not BACKWARD compatible');
  assert.deepEqual(await check(AVRO_SCHEMAS.sensorReadingV2), { status: 200, body: { is_compatible: true } }, 'an optional field with a default is');

  // 3. Registering: v3 is refused with 409 and leaves the subject as it was; v2 gets its own id;
  //    v1 (what producers built on v1 register on start) still resolves to its id.
  const versionsBefore = (await ccompat<number[]>('GET', `/subjects/${encodeURIComponent(SUBJECT)}/versions`)).body;
  await assert.rejects(registerSchema(stack.registryCcompatUrl, SENSOR_READINGS_TOPIC, 'value', incompatibleV3), /HTTP 409 .*Incompatible/);
  assert.deepEqual((await ccompat<number[]>('GET', `/subjects/${encodeURIComponent(SUBJECT)}/versions`)).body, versionsBefore, 'the refused v3 added no version');
  const v2Id = await registerSchema(stack.registryCcompatUrl, SENSOR_READINGS_TOPIC, 'value', AVRO_SCHEMAS.sensorReadingV2);
  assert.notEqual(v2Id, v1Id);
  assert.equal(await registerSchema(stack.registryCcompatUrl, SENSOR_READINGS_TOPIC, 'value', AVRO_SCHEMAS.sensorReading), v1Id, 'v1 registers again as a lookup');

  // 4. One sensor, readings alternately written with v1 and v2 (one v2 reading mains powered).
  const sensorId = `${uniquePrefix('e2e-evolution')}sensor`;
  const now = Date.now();
  const sent = Array.from({ length: 12 }, (_, i) => {
    const reading: SensorReading = { sensorId, sensorType: 'temperature', siteId: 'e2e-evolution', timestamp: now, value: 20 + i, unit: '°C' };
    if (i % 2 === 0) return { writerId: v1Id, reading, batteryLevel: null };
    const batteryLevel = i === 5 ? null : 100 - i * 2.5;
    return { writerId: v2Id, reading: { ...reading, batteryLevel } satisfies SensorReadingV2, batteryLevel };
  });
  const key = await registry.encode(keyId, sensorId);
  const messages = await Promise.all(sent.map(async ({ writerId, reading }) => ({ key, value: await registry.encode(writerId, reading) })));
  assert.ok(messages.every((m, i) => m.value.readInt32BE(1) === sent[i]!.writerId), 'each value carries its writer schema id');
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  let metadata: RecordMetadata[];
  try {
    metadata = await producer.send({ topic: SENSOR_READINGS_TOPIC, messages });
  } finally {
    await producer.disconnect();
  }
  assert.equal(metadata.length, 1, 'one key, one partition');
  const { partition, baseOffset } = metadata[0]!;
  assert.ok(baseOffset !== undefined);

  // (a) A consumer built on v2 reads them all: batteryLevel null where v1 wrote, the sent value where v2 did.
  const v2 = new V2Reader();
  const values = await readValues(partition, baseOffset, key, sent.length, 20_000);
  const decoded = await Promise.all(values.map((value) => v2.decode(value)));
  assert.deepEqual(
    decoded,
    sent.map(({ writerId, reading, batteryLevel }) => ({ writerId, reading: { ...reading, batteryLevel } })),
  );

  // (b) The running processor, built on v1, counts every reading, v1- and v2-written alike.
  const counts = await collectFromTopic<WindowCountKey, WindowCount>(WINDOW_COUNTS_TOPIC, {
    select: (k) => k.sensorId === sensorId,
    done: (found) => found.some((r) => r.value?.count === sent.length),
    timeoutMs: 40_000,
  });
  assert.ok(counts.every((r) => (r.value?.count ?? 0) <= sent.length), 'no reading counted twice');
  const latest = counts.at(-1)?.value;
  assert.equal(latest?.count, sent.length);
  assert.equal(latest?.sum, sent.reduce((sum, s) => sum + s.reading.value, 0));
  assert.equal(latest?.min, 20);
  assert.equal(latest?.max, 20 + sent.length - 1);
});
