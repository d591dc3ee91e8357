import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { Partitioners } from 'kafkajs';
import { ALERTS_TOPIC, AVRO_SCHEMAS, DEVICES_TOPIC, SENSOR_READINGS_TOPIC, type Alert, type AlertKey, type SensorReading } from '@iot/contracts';
import { registerSchema } from '@iot/runtime';
import { collectFromTopic, kafka, query, registry, REPO_ROOT, stack, uniquePrefix, type TopicRecord } from './support.ts';

const run = promisify(execFile);

interface DeviceRow {
  sensor_id: string;
  sensor_type: string;
  site_id: string;
  display_name: string;
  unit: string;
  min_threshold: number | null;
  max_threshold: number | null;
  enabled: boolean;
  updated_at: string;
}

/** The table as the CDC record carries it: updated_at as Debezium's ISO text, compared as an instant. */
async function tableRows(where = 'true', params: unknown[] = []): Promise<Map<string, DeviceRow>> {
  const rows = await query<DeviceRow>(
    `SELECT sensor_id, sensor_type, site_id, display_name, unit, min_threshold, max_threshold, enabled,
            to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS updated_at
       FROM devices WHERE ${where}`,
    params,
  );
  return new Map(rows.map((row) => [row.sensor_id, row]));
}

const latestByKey = (records: Array<TopicRecord<Buffer, Buffer>>) => new Map(records.map((record) => [record.key.toString(), record.value]));

/** The latest record per key on iot.devices, decoded (null: tombstone), once `done` holds for the raw records. */
async function topicDevices(done: (latest: Map<string, Buffer | null>) => boolean): Promise<Map<string, DeviceRow | null>> {
  const records = await collectFromTopic<Buffer, Buffer>(DEVICES_TOPIC, { raw: true, select: () => true, done: (found) => done(latestByKey(found)), timeoutMs: 30_000 });
  const decoded = new Map<string, DeviceRow | null>();
  for (const [sensorId, value] of latestByKey(records)) decoded.set(sensorId, value === null ? null : ((await registry.decode(value)) as DeviceRow));
  return decoded;
}

const sameInstant = (a: string, b: string) => Date.parse(a) === Date.parse(b);

test('the devices table is seeded with the default fleet, and iot.devices holds every row as it is in the table', { timeout: 120_000 }, async () => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'fleet'], { cwd: `${REPO_ROOT}/producers` });
  const fleet = stdout.trim().split('\n').map((line) => JSON.parse(line) as { id: string; type: string; siteId: string; unit: string });
  assert.equal(fleet.length, 38);
  const rows = await tableRows();
  for (const sensor of fleet) {
    const row = rows.get(sensor.id);
    assert.ok(row, `the default fleet's ${sensor.id} is in devices`);
    assert.deepEqual([row.sensor_type, row.site_id, row.unit], [sensor.type, sensor.siteId, sensor.unit], sensor.id);
  }

  // Every row, decoded from the topic, equals the table, column by column.
  const latest = await topicDevices((found) => [...rows.keys()].every((id) => found.has(id)));
  const now = await tableRows();
  for (const [sensorId, row] of now) {
    const record = latest.get(sensorId);
    assert.ok(record, `${sensorId} is on ${DEVICES_TOPIC}`);
    const { updated_at: recordTime, ...recordColumns } = record;
    const { updated_at: rowTime, ...rowColumns } = row;
    assert.deepEqual(recordColumns, rowColumns, sensorId);
    assert.ok(sameInstant(recordTime, rowTime), `${sensorId}: updated_at ${recordTime} on the topic, ${rowTime} in the table`);
  }
  for (const [sensorId, record] of latest) if (!now.has(sensorId)) assert.equal(record, null, `${sensorId} is not in the table, so its latest record is a tombstone`);
});

test('an INSERTed device is picked up, an UPDATE of its threshold changes alerting within 10 s without a restart, disabling clears its alert, DELETE tombstones it', { timeout: 180_000 }, async () => {
  const prefix = uniquePrefix('e2e-devices');
  const sensorId = `${prefix}temp-1`;
  const keyId = await registerSchema(stack.registryCcompatUrl, SENSOR_READINGS_TOPIC, 'key', AVRO_SCHEMAS.sensorIdKey);
  const valueId = await registerSchema(stack.registryCcompatUrl, SENSOR_READINGS_TOPIC, 'value', AVRO_SCHEMAS.sensorReading);
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  // 35 °C every 500 ms: inside the temperature type's band (-10..45), outside a device maximum of 30.
  const sendReading = async () => {
    const reading: SensorReading = { sensorId, sensorType: 'temperature', siteId: `${prefix}site`, timestamp: Date.now(), value: 35, unit: '°C' };
    await producer.send({ topic: SENSOR_READINGS_TOPIC, acks: -1, messages: [{ key: await registry.encode(keyId, sensorId), value: await registry.encode(valueId, reading) }] });
  };
  let sending: Promise<void> = Promise.resolve();
  const ticker = setInterval(() => (sending = sending.then(sendReading)), 500);
  const alertsOf = (done: (alerts: Alert[]) => boolean) =>
    collectFromTopic<AlertKey, Alert>(ALERTS_TOPIC, {
      select: (key) => key.sensorId === sensorId && key.rule === 'RANGE',
      done: (records) => done(records.flatMap((record) => (record.value ? [record.value] : []))),
      timeoutMs: 30_000,
    }).then((records) => records.flatMap((record) => (record.value ? [record.value] : [])));
  try {
    await query(
      `INSERT INTO devices (sensor_id, sensor_type, site_id, display_name, unit, min_threshold, max_threshold)
       VALUES ($1, 'temperature', $2, 'E2E temperature', '°C', -10, 30)`,
      [sensorId, `${prefix}site`],
    );
    const opened = (await alertsOf((alerts) => alerts.some((alert) => alert.state === 'OPEN'))).find((alert) => alert.state === 'OPEN')!;
    assert.equal(opened.threshold, 30, 'judged by the inserted device maximum, not the type maximum 45');
    assert.match(opened.message, /above the maximum 30 °C/);

    await query('UPDATE devices SET max_threshold = 40 WHERE sensor_id = $1', [sensorId]);
    await alertsOf((alerts) => alerts.some((alert) => alert.alertId === opened.alertId && alert.state === 'CLEARED'));

    const [changed] = await query<{ updated_at: Date }>('UPDATE devices SET max_threshold = 30 WHERE sensor_id = $1 RETURNING updated_at', [sensorId]);
    const changedAt = changed!.updated_at;
    const reopened = (await alertsOf((alerts) => alerts.some((alert) => alert.state === 'OPEN' && alert.alertId !== opened.alertId)))
      .find((alert) => alert.state === 'OPEN' && alert.alertId !== opened.alertId)!;
    const tookMs = reopened.openedAt - changedAt.getTime();
    console.log(`threshold UPDATE → RANGE alert opened (event time of its 3rd breaching reading): ${tookMs} ms`);
    assert.ok(tookMs < 10_000, `the new maximum took effect within 10 s (took ${tookMs} ms)`);
    assert.equal(reopened.threshold, 30);

    await query('UPDATE devices SET enabled = false WHERE sensor_id = $1', [sensorId]);
    const afterDisable = await alertsOf((alerts) => alerts.some((alert) => alert.alertId === reopened.alertId && alert.state === 'CLEARED'));
    const cleared = afterDisable.find((alert) => alert.alertId === reopened.alertId && alert.state === 'CLEARED')!;
    assert.match(cleared.message, /device disabled/);
    // Readings keep coming (35 °C, above 30): a disabled device raises nothing.
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const later = await alertsOf((alerts) => alerts.some((alert) => alert.alertId === reopened.alertId && alert.state === 'CLEARED'));
    const opens = later.filter((alert) => alert.state === 'OPEN').map((alert) => alert.alertId);
    assert.deepEqual([...new Set(opens)], [opened.alertId, reopened.alertId], 'no alert opened after the device was disabled');
    assert.equal(later.at(-1)?.state, 'CLEARED');

    await query('DELETE FROM devices WHERE sensor_id = $1', [sensorId]);
    const latest = await topicDevices((found) => found.get(sensorId) === null);
    assert.equal(latest.get(sensorId), null, 'a deleted row is a tombstone on iot.devices');
  } finally {
    clearInterval(ticker);
    await sending.catch(() => undefined);
    await producer.disconnect();
    await query('DELETE FROM devices WHERE sensor_id = $1', [sensorId]);
  }
});
