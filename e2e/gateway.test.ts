import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { loadPipelineProto, type WindowCountEvent__Output } from '@iot/contracts/grpc';
import { grpcHealthStatus } from '@iot/stack';
import { produceReadings, stack, uniquePrefix, waitFor } from './support.ts';

const proto = loadPipelineProto(grpc);
const client = () => new proto.iot.v1.PipelineService(`127.0.0.1:${stack.GATEWAY_PORT}`, grpc.credentials.createInsecure());

test('StreamWindowCounts streams the sensors asked for, live, each event with its Kafka position', { timeout: 120_000 }, async () => {
  const prefix = uniquePrefix('e2e-gateway');
  const sensor = `${prefix}plant-a-power-1`;
  const events: WindowCountEvent__Output[] = [];
  const call = client().StreamWindowCounts({ sensorIds: [sensor], finalsOnly: false });
  call.on('data', (event: WindowCountEvent__Output) => events.push(event));
  call.on('error', () => undefined); // cancellation below ends the call with CANCELLED

  await produceReadings({ prefix, rate: 36, durationS: 5, tallyFile: join(mkdtempSync(join(tmpdir(), 'tally-')), 'tally.json') });
  await waitFor('window count events for the test sensor', async () => (events.length > 0 ? true : undefined), 60_000, 250);
  call.cancel();

  assert.ok(events.every((event) => event.windowCount?.sensorId === sensor), 'only the requested sensor');
  assert.ok(events.every((event) => !event.snapshot), 'the sensor did not exist before the call, so nothing came from the snapshot');
  const first = events[0]!;
  assert.equal(first.position?.topic, 'iot.window-counts-1m');
  assert.ok(first.position!.offset >= 0);
  assert.ok(first.windowCount!.count >= 1);
});

test('a new subscriber first gets the current state marked as snapshot', { timeout: 60_000 }, async () => {
  const events: WindowCountEvent__Output[] = [];
  const call = client().StreamWindowCounts({ sensorIds: [], finalsOnly: true });
  call.on('data', (event: WindowCountEvent__Output) => events.push(event));
  call.on('error', () => undefined);
  await waitFor('snapshot events', async () => (events.length > 0 ? true : undefined), 30_000, 250);
  call.cancel();
  assert.ok(events[0]!.snapshot, 'the first event belongs to the snapshot');
  assert.ok(events.every((event) => event.windowCount?.final), 'finals_only is honoured');
});

test('an invalid request is refused with INVALID_ARGUMENT naming the field', { timeout: 30_000 }, async () => {
  const call = client().StreamWindowCounts({ sensorIds: [''], finalsOnly: false });
  const error = await new Promise<grpc.ServiceError>((resolve) => call.on('error', resolve));
  assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
  assert.match(error.details, /sensor_ids\[0\]/);
});

test('the standard gRPC health service answers SERVING', { timeout: 30_000 }, async () => {
  assert.equal(await grpcHealthStatus(`127.0.0.1:${stack.GATEWAY_PORT}`, 'iot.v1.PipelineService'), 'SERVING');
});
