import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { ALERTS_TOPIC, type Alert, type AlertKey } from '@iot/contracts';
import {
  LOCAL_GATEWAY_TOKEN,
  loadPipelineProto,
  type AlertEvent__Output,
  type PipelineServiceClient,
  type SensorReadingMessage,
} from '@iot/contracts/grpc';
import { collectFromTopic, ingestReadings, query, stack, uniquePrefix, waitFor } from './support.ts';

// The gateway's PipelineService with real gRPC clients against the running pipeline.

const proto = loadPipelineProto(grpc);
const client: PipelineServiceClient = new proto.iot.v1.PipelineService(`127.0.0.1:${stack.GATEWAY_PORT}`, grpc.credentials.createInsecure());
const auth = (token = LOCAL_GATEWAY_TOKEN) => {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return metadata;
};
const deadline = (seconds = 10) => ({ deadline: Date.now() + seconds * 1000 });

/** Follows StreamAlerts for one sensor, keeping every event. */
function followAlerts(sensorId: string, resumeCursor = '') {
  const events: AlertEvent__Output[] = [];
  const call = client.StreamAlerts({ sensorIds: [sensorId], resumeCursor }, auth());
  call.on('data', (event: AlertEvent__Output) => events.push(event));
  const ended = new Promise<grpc.ServiceError>((resolve) => call.on('error', resolve));
  return { events, call, ended };
}

const states = (events: AlertEvent__Output[]) => events.filter((event) => event.alert).map((event) => event.alert!.state);

test('calls without a valid bearer token are UNAUTHENTICATED; bad requests are INVALID_ARGUMENT with the field named', { timeout: 30_000 }, async () => {
  const unary = (metadata: grpc.Metadata) =>
    new Promise<grpc.ServiceError | null>((resolve) => client.ListSensors({}, metadata, deadline(), (error) => resolve(error)));
  const missing = await unary(new grpc.Metadata());
  assert.equal(missing?.code, grpc.status.UNAUTHENTICATED);
  assert.match(missing!.details, /authorization/);
  assert.equal((await unary(auth('not-the-token-at-all-0000')))?.code, grpc.status.UNAUTHENTICATED);
  const stream = client.StreamAlerts({}, auth('not-the-token-at-all-0000'));
  stream.on('data', () => assert.fail('no data without a valid token'));
  assert.equal((await new Promise<grpc.ServiceError>((resolve) => stream.on('error', resolve))).code, grpc.status.UNAUTHENTICATED);

  const inverted = await new Promise<grpc.ServiceError | null>((resolve) =>
    client.GetWindowCounts({ sensorId: 'x', fromMs: 2000, toMs: 1000 }, auth(), deadline(), (error) => resolve(error)));
  assert.equal(inverted?.code, grpc.status.INVALID_ARGUMENT);
  assert.match(inverted!.details, /from_ms/);
  const pageSize = await new Promise<grpc.ServiceError | null>((resolve) =>
    client.GetWindowCounts({ sensorId: 'x', fromMs: 0, toMs: 1000, pageSize: 100_000 }, auth(), deadline(), (error) => resolve(error)));
  assert.equal(pageSize?.code, grpc.status.INVALID_ARGUMENT);
  assert.match(pageSize!.details, /page_size/);
  const badCursor = followAlerts('x', 'iot.window-counts-1m@0:1');
  assert.equal((await badCursor.ended).code, grpc.status.INVALID_ARGUMENT);
});

test('IngestReadings: good readings reach the processor\'s counts and Postgres, bad ones are rejected with reasons; ListSensors and GetWindowCounts show them', { timeout: 180_000 }, async () => {
  const prefix = uniquePrefix('e2e-ingest');
  const sensorId = `${prefix}temp-1`;
  // A second ago, a few ms apart: all in one window, which closes with the stream time.
  let start = Date.now() - 1000;
  if (Math.floor(start / 60_000) !== Math.floor((start + 10) / 60_000)) start -= 20;
  const minute = Math.floor(start / 60_000) * 60_000;
  const good = (i: number): SensorReadingMessage => ({ sensorId, sensorType: 'temperature', siteId: `${prefix}site`, timestampMs: start + i, value: 20 + i / 10, unit: '°C' });
  const readings = [good(0), { ...good(1), value: Number.NaN }, good(2), undefined, { ...good(3), sensorId: '' }, good(4), { ...good(5), timestampMs: 5 }, good(6)];
  await query(
    `INSERT INTO devices (sensor_id, sensor_type, site_id, display_name, unit) VALUES ($1, 'temperature', $2, 'E2E ingest', '°C')`,
    [sensorId, `${prefix}site`],
  );
  try {
    const response = await ingestReadings(readings);
    assert.equal(response.accepted, 4);
    assert.equal(response.rejected, 4);
    assert.deepEqual(response.rejections.map((rejection) => rejection.index), [1, 3, 4, 6]);
    assert.match(response.rejections[0]!.reason, /not a finite number/);
    assert.match(response.rejections[1]!.reason, /reading is missing/);
    assert.match(response.rejections[2]!.reason, /sensor_id/);
    assert.match(response.rejections[3]!.reason, /before 2000/);

    const [row] = await waitFor('the window of the ingested readings in window_counts_1m', async () => {
      const rows = await query<{ count: string; min: number; max: number }>('SELECT count, min, max FROM window_counts_1m WHERE sensor_id = $1 AND final', [sensorId]);
      return rows.length > 0 ? rows : undefined;
    }, 120_000);
    assert.deepEqual([Number(row!.count), row!.min, row!.max], [4, 20, 20.6], 'exactly the four good readings were counted');

    const history = await new Promise<{ windowCounts: Array<{ count: number; windowStartMs: number }>; nextPageToken: string }>((resolve, reject) =>
      client.GetWindowCounts({ sensorId, fromMs: minute - 3_600_000, toMs: minute + 60_000, pageSize: 1 }, auth(), deadline(), (error, response) => (error ? reject(error) : resolve(response!))));
    assert.deepEqual(history.windowCounts.map((window) => [window.windowStartMs, window.count]), [[minute, 4]]);
    assert.equal(history.nextPageToken, '', 'one window: no next page');

    const sensors = await new Promise<Array<{ sensorId: string; latestReading?: { value: number } | null; displayName: string }>>((resolve, reject) =>
      client.ListSensors({ siteIds: [`${prefix}site`] }, auth(), deadline(), (error, response) => (error ? reject(error) : resolve(response!.sensors))));
    assert.deepEqual(sensors.map((sensor) => [sensor.sensorId, sensor.displayName]), [[sensorId, 'E2E ingest']]);
    assert.equal(sensors[0]!.latestReading?.value, 20.6, 'its newest reading, seen by the gateway on iot.sensor-readings');
  } finally {
    await query('DELETE FROM devices WHERE sensor_id = $1', [sensorId]);
  }
});

test('StreamAlerts: snapshot then live with no gap or duplicate against iot.alerts; a reconnect with the last cursor resumes exactly; AckAlert goes through the processor', { timeout: 180_000 }, async () => {
  const prefix = uniquePrefix('e2e-alerts-stream');
  const sensorId = `${prefix}temp-1`;
  const at = (i: number) => Date.now() - 5000 + i * 100;
  const reading = (i: number, value: number): SensorReadingMessage => ({ sensorId, sensorType: 'temperature', siteId: `${prefix}site`, timestampMs: at(i), value, unit: '°C' });

  const first = followAlerts(sensorId);
  await waitFor('the empty snapshot', async () => (first.events.some((event) => event.snapshotComplete) ? true : undefined), 30_000, 100);
  assert.equal(first.events[0]!.snapshotComplete?.count, 0, 'a new sensor has no alerts yet');
  await ingestReadings([reading(0, 50), reading(1, 50), reading(2, 50)]); // RANGE opens
  const opened = await waitFor('the OPEN alert, live', async () => first.events.find((event) => event.alert?.state === 'ALERT_STATE_OPEN'), 60_000, 100);
  assert.equal(opened.snapshot, false);
  assert.match(opened.cursor, /^iot\.alerts@/);

  // Acknowledge it through the gateway; the processor applies it and the stream shows it.
  const unknown = await new Promise<grpc.ServiceError | null>((resolve) =>
    client.AckAlert({ alertId: `${sensorId}/RANGE/1`, acknowledgedBy: 'e2e' }, auth(), deadline(), (error) => resolve(error)));
  assert.equal(unknown?.code, grpc.status.NOT_FOUND);
  const acked = await new Promise<{ position: { topic: string } | null }>((resolve, reject) =>
    client.AckAlert({ alertId: opened.alert!.alertId, acknowledgedBy: 'e2e' }, auth(), deadline(), (error, response) => (error ? reject(error) : resolve(response!))));
  assert.equal(acked.position?.topic, 'iot.alert-acks');
  const acknowledged = await waitFor('ACKNOWLEDGED on the stream', async () => first.events.find((event) => event.alert?.state === 'ALERT_STATE_ACKNOWLEDGED'), 60_000, 100);
  assert.equal(acknowledged.alert!.acknowledgedBy, 'e2e');

  // Disconnect, let the alert clear meanwhile, and resume from the last cursor received.
  const lastCursor = first.events.filter((event) => event.cursor).at(-1)!.cursor;
  first.call.cancel();
  await ingestReadings([reading(10, 20), reading(11, 20), reading(12, 20)]); // RANGE clears
  await collectFromTopic<AlertKey, Alert>(ALERTS_TOPIC, {
    select: (key) => key.sensorId === sensorId && key.rule === 'RANGE',
    done: (records) => records.some((record) => record.value?.state === 'CLEARED'),
    timeoutMs: 60_000,
  });
  const resumed = followAlerts(sensorId, lastCursor);
  await waitFor('the CLEARED state after resuming', async () => (resumed.events.some((event) => event.alert?.state === 'ALERT_STATE_CLEARED') ? true : undefined), 30_000, 100);
  await new Promise((resolve) => setTimeout(resolve, 1500)); // anything else would have arrived by now
  resumed.call.cancel();
  assert.ok(resumed.events.every((event) => !event.snapshot && !event.snapshotComplete), 'a resumed stream has no snapshot');

  // Everything the two connections received, in order, equals the topic's records for the sensor.
  const topic = await collectFromTopic<AlertKey, Alert>(ALERTS_TOPIC, {
    select: (key) => key.sensorId === sensorId && key.rule === 'RANGE',
    done: (records) => records.some((record) => record.value?.state === 'CLEARED'),
    timeoutMs: 30_000,
  });
  // RANGE only: a SILENCE alert may open later, once the sensor has been quiet for 30 s.
  const received = [...first.events, ...resumed.events].filter((event) => event.alert?.rule === 'ALERT_RULE_RANGE');
  assert.deepEqual(states(received), topic.map((record) => `ALERT_STATE_${record.value!.state}`), 'no gap, no duplicate across the reconnect');
  assert.deepEqual(received.map((event) => Number(event.position!.offset)), topic.map((record) => Number(record.offset)));
});
