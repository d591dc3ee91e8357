import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import avro from 'avsc';
import { AVRO_SCHEMAS, TOPICS, WINDOW_COUNTS_TOPIC, parseAlertId, parseDeviceRow, type Alert, type SensorReading, type SensorReadingV2 } from './index.ts';

const contractsDir = fileURLToPath(new URL('..', import.meta.url));

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

test('the committed generated gRPC types match the .proto files', () => {
  const out = mkdtempSync(join(tmpdir(), 'contracts-gen-'));
  execFileSync(process.execPath, [join(contractsDir, 'scripts', 'gen.mjs'), out], { stdio: 'pipe' });
  const committedDir = join(contractsDir, 'src', 'generated');
  const fresh = listFiles(out).map((file) => relative(out, file)).sort();
  assert.deepEqual(listFiles(committedDir).map((file) => relative(committedDir, file)).sort(), fresh);
  for (const file of fresh) {
    assert.equal(readFileSync(join(committedDir, file), 'utf8'), readFileSync(join(out, file), 'utf8'), `${file} is stale: run npm run gen`);
  }
});

const typeOf = (schema: { text: string }) => avro.Type.forSchema(JSON.parse(schema.text));
const roundTrip = (type: avro.Type, value: object) => ({ ...type.fromBuffer(type.toBuffer(value)) });

test('every Avro schema parses; a window count and an alert round-trip with their keys', () => {
  for (const schema of Object.values(AVRO_SCHEMAS)) typeOf(schema);
  const key = { sensorId: 's1', windowStart: Date.UTC(2026, 0, 1) };
  const value = { ...key, windowEnd: key.windowStart + 60_000, count: 3, min: 1, max: 3, sum: 6, mean: 2, firstEventTime: key.windowStart + 5, lastEventTime: key.windowStart + 50_000, final: true };
  assert.deepEqual(roundTrip(typeOf(AVRO_SCHEMAS.windowCountKey), key), key);
  assert.deepEqual(roundTrip(typeOf(AVRO_SCHEMAS.windowCount), value), value);
  const alert: Alert = {
    alertId: 's1/RANGE/1', sensorId: 's1', sensorType: 'temperature', siteId: 'a', rule: 'RANGE', severity: 'CRITICAL', state: 'CLEARED',
    triggerValue: 50, peakValue: 60, threshold: 45, openedAt: 1, lastSeenAt: 2, clearedAt: 3, acknowledgedAt: 2, acknowledgedBy: 'ops', message: 'value 50 °C is above the maximum 45 °C',
  };
  assert.deepEqual(roundTrip(typeOf(AVRO_SCHEMAS.alertKey), { sensorId: 's1', rule: 'RANGE' }), { sensorId: 's1', rule: 'RANGE' });
  assert.deepEqual(roundTrip(typeOf(AVRO_SCHEMAS.alert), alert), alert);
  assert.deepEqual(roundTrip(typeOf(AVRO_SCHEMAS.alert), { ...alert, state: 'OPEN', clearedAt: null }).clearedAt, null);
  const ack = { alertId: alert.alertId, acknowledgedBy: 'ops', requestedAt: 5 };
  assert.deepEqual(roundTrip(typeOf(AVRO_SCHEMAS.alertAck), ack), ack);
});

test('an alertId splits into sensor, rule and opening time; anything else is refused', () => {
  assert.deepEqual(parseAlertId('plant-a/t-1/RANGE/1700000000000'), { sensorId: 'plant-a/t-1', rule: 'RANGE', openedAt: 1_700_000_000_000 });
  assert.equal(parseAlertId('t-1/NOPE/1'), undefined);
  assert.equal(parseAlertId('t-1/RANGE'), undefined);
});

test('the window count schema evolves compatibly: records written before firstEventTime existed still read', () => {
  const current = typeOf(AVRO_SCHEMAS.windowCount);
  const fields = (JSON.parse(AVRO_SCHEMAS.windowCount.text) as { fields: Array<{ name: string }> }).fields;
  const previous = avro.Type.forSchema({ ...JSON.parse(AVRO_SCHEMAS.windowCount.text), fields: fields.filter((f) => !f.name.endsWith('EventTime')) });
  const old = previous.toBuffer({ sensorId: 's1', windowStart: 0, windowEnd: 60_000, count: 1, min: 1, max: 1, sum: 1, mean: 1, final: true });
  const read = current.fromBuffer(old, current.createResolver(previous)) as { firstEventTime: number | null; count: number };
  assert.equal(read.count, 1);
  assert.equal(read.firstEventTime, null);
});

test('sensor reading v2 evolves v1 both ways: v1 data reads as v2 with batteryLevel null, v2 data reads as v1 without it', () => {
  const v1 = typeOf(AVRO_SCHEMAS.sensorReading);
  const v2 = typeOf(AVRO_SCHEMAS.sensorReadingV2);
  assert.equal(v2.name, v1.name, 'v2 is the same record (iot.v1.SensorReading), evolved');
  const v1Fields = (JSON.parse(AVRO_SCHEMAS.sensorReading.text) as { fields: unknown[] }).fields;
  assert.deepEqual((JSON.parse(AVRO_SCHEMAS.sensorReadingV2.text) as { fields: unknown[] }).fields.slice(0, v1Fields.length), v1Fields, 'v2 keeps every v1 field as it is');

  const reading: SensorReading = { sensorId: 's1', sensorType: 'temperature', siteId: 'a', timestamp: Date.UTC(2026, 0, 1), value: 21.5, unit: '°C' };
  const v2ReadsV1 = v2.createResolver(v1); // BACKWARD: the new schema reads old data
  const v1ReadsV2 = v1.createResolver(v2); // FORWARD: the old schema reads new data
  assert.deepEqual({ ...v2.fromBuffer(v1.toBuffer(reading), v2ReadsV1) }, { ...reading, batteryLevel: null } satisfies SensorReadingV2);

  const withBattery: SensorReadingV2 = { ...reading, batteryLevel: 87.5 };
  assert.deepEqual({ ...v1.fromBuffer(v2.toBuffer(withBattery), v1ReadsV2) }, reading, 'a v1 reader drops batteryLevel');
  assert.deepEqual({ ...v1.fromBuffer(v2.toBuffer({ ...reading, batteryLevel: null }), v1ReadsV2) }, reading);
  assert.deepEqual({ ...v2.fromBuffer(v2.toBuffer(withBattery)) }, withBattery);
  assert.ok(v2.isValid({ ...reading, batteryLevel: null }) && !v2.isValid({ ...reading, batteryLevel: '87' }));
});

test('result topics are compacted and the readings topic has 6 partitions', () => {
  const byName = new Map(TOPICS.map((topic) => [topic.name, topic]));
  assert.equal(byName.get(WINDOW_COUNTS_TOPIC)?.configs['cleanup.policy'], 'compact');
  assert.equal(byName.get('iot.sensor-readings')?.partitions, 6);
});

test('an iot.devices row becomes a Device, and a row that breaks the contract is refused with the field named', () => {
  const row = {
    sensor_id: 'plant-a-co2-1', sensor_type: 'co2', site_id: 'plant-a', display_name: 'Plant A co2 1', unit: 'ppm',
    min_threshold: 300, max_threshold: null, enabled: true, updated_at: '2026-11-23T14:31:19.034792Z',
  };
  assert.deepEqual(parseDeviceRow('plant-a-co2-1', row), {
    ok: true,
    device: { sensorId: 'plant-a-co2-1', sensorType: 'co2', siteId: 'plant-a', displayName: 'Plant A co2 1', unit: 'ppm', minThreshold: 300, maxThreshold: null, enabled: true, updatedAt: Date.UTC(2026, 10, 23, 14, 31, 19, 34) },
  });
  const reason = (key: string, value: unknown) => { const parsed = parseDeviceRow(key, value); return parsed.ok ? 'accepted' : parsed.reason; };
  assert.match(reason('other', row), /sensor_id "plant-a-co2-1" differs from the record key "other"/);
  assert.match(reason(row.sensor_id, { ...row, max_threshold: 200 }), /min_threshold 300 must be less than max_threshold 200/);
  assert.match(reason(row.sensor_id, { ...row, min_threshold: 'NaN' }), /min_threshold must be a finite number or null/);
  assert.match(reason(row.sensor_id, { ...row, enabled: 1 }), /enabled must be a boolean/);
  assert.match(reason(row.sensor_id, { ...row, updated_at: 'yesterday' }), /updated_at "yesterday" is not a timestamp/);
  assert.match(reason(row.sensor_id, { ...row, unit: undefined }), /unit must be a string/);
  assert.equal(reason(row.sensor_id, null), 'value is not a record');
});
