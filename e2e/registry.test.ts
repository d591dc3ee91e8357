import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { AVRO_SCHEMAS, type SensorReading } from '@iot/contracts';
import { registerSchema } from '@iot/runtime';
import { stack, uniquePrefix } from './support.ts';

test('Apicurio registry round trip: register through ccompat, encode in the Confluent wire format, decode', { timeout: 30_000 }, async () => {
  const topic = uniquePrefix('e2e-registry');
  const id = await registerSchema(stack.registryCcompatUrl, topic, 'value', AVRO_SCHEMAS.sensorReading);
  assert.equal(await registerSchema(stack.registryCcompatUrl, topic, 'value', AVRO_SCHEMAS.sensorReading), id, 'registering the same schema again returns the same id');

  const registry = new SchemaRegistry({ host: stack.registryCcompatUrl });
  const reading: SensorReading = { sensorId: 's-1', sensorType: 'co2', siteId: 'x', timestamp: Date.now(), value: 612.5, unit: 'ppm' };
  const encoded = await registry.encode(id, reading);
  assert.equal(encoded[0], 0, 'magic byte');
  assert.equal(encoded.readInt32BE(1), id, 'the 4-byte schema id follows the magic byte');
  assert.deepEqual({ ...(await new SchemaRegistry({ host: stack.registryCcompatUrl }).decode(encoded)) }, reading, 'a fresh client decodes it by fetching the schema by id');

  const subjects = (await (await fetch(`${stack.registryCcompatUrl}/subjects`)).json()) as string[];
  assert.ok(subjects.includes(`${topic}-value`));
});
