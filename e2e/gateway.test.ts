import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { LOCAL_GATEWAY_TOKEN, loadPipelineProto, type WindowCountEvent__Output } from '@iot/contracts/grpc';
import { grpcHealthStatus } from '@iot/stack';
import { produceReadings, stack, uniquePrefix, waitFor } from './support.ts';

const proto = loadPipelineProto(grpc);
const client = () => new proto.iot.v1.PipelineService(`127.0.0.1:${stack.GATEWAY_PORT}`, grpc.credentials.createInsecure());
const auth = (token = LOCAL_GATEWAY_TOKEN) => {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return metadata;
};

test('StreamWindowCounts streams a sensor live with Kafka positions, and a later subscriber gets its state as snapshot', { timeout: 180_000 }, async () => {
  const prefix = uniquePrefix('e2e-gateway');
  const sensor = `${prefix}plant-a-power-1`;
  const live: WindowCountEvent__Output[] = [];
  const call = client().StreamWindowCounts({ sensorIds: [sensor], finalsOnly: false }, auth());
  call.on('data', (event: WindowCountEvent__Output) => {
    if (event.windowCount) live.push(event); // not the snapshot_complete marker and heartbeats
  });
  call.on('error', () => undefined); // cancellation below ends the call with CANCELLED

  await produceReadings({ prefix, rate: 36, durationS: 5, tallyFile: join(mkdtempSync(join(tmpdir(), 'tally-')), 'tally.json') });
  // The window closes 10 s (grace) after its minute ends: its final record is the last live event for it.
  const final = await waitFor('the final window count of the test sensor', async () => live.find((event) => event.windowCount?.final), 120_000, 250);
  call.cancel();

  assert.ok(live.every((event) => event.windowCount?.sensorId === sensor), 'only the requested sensor');
  assert.ok(live.every((event) => !event.snapshot), 'the sensor did not exist before the call, so nothing came from the snapshot');
  assert.equal(final.position?.topic, 'iot.window-counts-1m');
  assert.ok(final.position!.offset >= 0);
  const offsets = live.filter((event) => event.position?.partition === final.position?.partition).map((event) => event.position!.offset);
  assert.deepEqual(offsets, [...offsets].sort((a, b) => a - b), 'positions only move forward');

  const later: WindowCountEvent__Output[] = [];
  const second = client().StreamWindowCounts({ sensorIds: [sensor], finalsOnly: true }, auth());
  second.on('data', (event: WindowCountEvent__Output) => later.push(event));
  // The snapshot, then its end marker with a cursor.
  second.on('error', () => undefined);
  await waitFor('the snapshot for the second subscriber', async () => (later.some((event) => event.snapshotComplete) ? true : undefined), 30_000, 250);
  second.cancel();
  const [snapshotEvent] = later;
  assert.equal(snapshotEvent!.snapshot, true, 'state that existed before the call comes marked as snapshot');
  assert.deepEqual(snapshotEvent!.windowCount, final.windowCount, 'the snapshot holds the final value');
  assert.deepEqual(snapshotEvent!.position, final.position, 'at the same Kafka position as the live final');
  const complete = later.find((event) => event.snapshotComplete)!;
  assert.equal(complete.snapshotComplete!.count, later.filter((event) => event.snapshot).length, 'the marker counts the snapshot');
  assert.match(complete.cursor, /^iot\.window-counts-1m@\d+:-?\d+(,\d+:-?\d+)*$/);
});

test('an invalid request is refused with INVALID_ARGUMENT naming the field', { timeout: 30_000 }, async () => {
  const call = client().StreamWindowCounts({ sensorIds: [''], finalsOnly: false }, auth());
  const error = await new Promise<grpc.ServiceError>((resolve) => call.on('error', resolve));
  assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
  assert.match(error.details, /sensor_ids\[0\]/);
});

test('the standard gRPC health service answers SERVING', { timeout: 30_000 }, async () => {
  assert.equal(await grpcHealthStatus(`127.0.0.1:${stack.GATEWAY_PORT}`, 'iot.v1.PipelineService'), 'SERVING');
});
