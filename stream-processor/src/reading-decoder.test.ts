import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KafkaMessage } from 'kafkajs';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { SensorReading } from '@iot/contracts';
import { decodeReading } from './reading-decoder.ts';

// The field rules themselves (invalidReading) are tested in contracts/src/reading-validation.test.ts;
// here: that decodeReading applies them and keeps its DLQ kinds.

const NOW = Date.UTC(2026, 5, 1);
const good: SensorReading = { sensorId: 's1', sensorType: 'power', siteId: 'x', timestamp: NOW, value: 3.5, unit: 'W' };

/** A registry that "decodes" a frame by looking its 4 payload bytes up in a table. */
function fakeRegistry(payloads: unknown[]): SchemaRegistry {
  return {
    getSchema: async () => ({}),
    decode: async (bytes: Buffer) => payloads[bytes.readInt32BE(5)],
  } as unknown as SchemaRegistry;
}

function message(keyIndex: number, valueIndex: number): KafkaMessage {
  const frame = (index: number) => {
    const bytes = Buffer.alloc(9);
    bytes.writeInt32BE(1, 1); // magic byte 0, schema id 1
    bytes.writeInt32BE(index, 5);
    return bytes;
  };
  return { key: frame(keyIndex), value: frame(valueIndex), timestamp: String(NOW), attributes: 0, offset: '0', headers: {} } as KafkaMessage;
}

test('decodes a valid reading whose key is its sensorId', async () => {
  const result = await decodeReading(fakeRegistry(['s1', good]), message(0, 1), NOW);
  assert.deepEqual(result, { ok: true, reading: good });
});

test('rejects with the shared field checks, under the same DLQ kinds', async () => {
  const cases: Array<[Partial<SensorReading>, string, RegExp]> = [
    [{ sensorId: ' ' }, 'invalid-field', /sensorId is empty/],
    [{ value: Number.NaN }, 'invalid-value', /value is not a finite number \(NaN\)/],
    [{ timestamp: Date.UTC(1999, 0, 1) }, 'invalid-timestamp', /before 2000-01-01/],
  ];
  for (const [change, kind, reason] of cases) {
    const result = await decodeReading(fakeRegistry(['s1', { ...good, ...change }]), message(0, 1), NOW);
    assert.equal(result.ok, false);
    if (result.ok) continue;
    assert.equal(result.rejection.kind, kind);
    assert.match(result.rejection.reason, reason);
  }
});

test('rejects a key that differs from the sensorId as key-mismatch', async () => {
  const result = await decodeReading(fakeRegistry(['other', good]), message(0, 1), NOW);
  assert.equal(!result.ok && result.rejection.kind, 'key-mismatch');
});
