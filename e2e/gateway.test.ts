import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { SENSOR_READINGS_TOPIC, WINDOW_COUNTS_TOPIC, type SensorReading, type WindowCount, type WindowCountKey } from '@iot/contracts';
import { LOCAL_GATEWAY_TOKEN, loadPipelineProto, type WindowCountEvent__Output } from '@iot/contracts/grpc';
import { grpcHealthStatus } from '@iot/stack';
import { collectFromTopic, produceReadings, stack, uniquePrefix, waitFor } from './support.ts';

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

type StreamEvent = { position?: { partition: number; offset: number } | null; snapshot: boolean; snapshotComplete?: { count: number } | null; cursor: string };

/** Keeps every event of a server stream; the call ends with CANCELLED when the test cancels it. */
function follow<E extends StreamEvent>(call: grpc.ClientReadableStream<E>) {
  const events: E[] = [];
  call.on('data', (event: E) => events.push(event));
  call.on('error', () => undefined);
  return { events, call, lastCursor: () => events.filter((event) => event.cursor !== '').at(-1)?.cursor ?? '' };
}

/** `topic@p:o,p:o,…` → partition → the offset the stream has come to. */
function cursorOffsets(cursor: string): Map<number, number> {
  return new Map(cursor.slice(cursor.indexOf('@') + 1).split(',').map((part) => part.split(':').map(Number) as [number, number]));
}

/** Per partition, the offsets in the order they arrived. */
function offsetsByPartition(positions: Array<{ partition: number; offset: number | string }>): Map<number, number[]> {
  const byPartition = new Map<number, number[]>();
  for (const { partition, offset } of positions) byPartition.set(partition, [...(byPartition.get(partition) ?? []), Number(offset)]);
  return byPartition;
}

const tallyFile = () => join(mkdtempSync(join(tmpdir(), 'tally-')), 'tally.json');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('StreamReadings: each sensor\'s latest reading as snapshot, then every live reading of the site; a reconnect mid-stream with the last cursor resumes exactly against the topic', { timeout: 180_000 }, async () => {
  const prefix = uniquePrefix('e2e-readings');
  const siteId = `${prefix}plant-a`;
  const ofSite = (sensorId: string) => sensorId.startsWith(`${siteId}-`);
  const startedAt = Date.now();
  const before = await produceReadings({ prefix, rate: 38, durationS: 3, tallyFile: tallyFile() });

  const first = follow(client().StreamReadings({ siteIds: [siteId] }, auth()));
  const complete = await waitFor('the snapshot', async () => first.events.find((event) => event.snapshotComplete), 30_000, 100);
  const snapshot = first.events.filter((event) => event.snapshot);
  const snapshotEnd = cursorOffsets(complete.cursor);

  // Reconnect while readings flow: cancel after some live ones, wait, resume from the last cursor.
  const during = produceReadings({ prefix, rate: 38, durationS: 8, tallyFile: tallyFile() });
  await waitFor('live readings on the first connection', async () => (first.events.filter((event) => event.reading && !event.snapshot).length >= 10 ? true : undefined), 60_000, 50);
  const resumeCursor = first.lastCursor();
  first.call.cancel();
  const firstLive = first.events.filter((event) => event.reading && !event.snapshot);
  await sleep(1000);
  const second = follow(client().StreamReadings({ siteIds: [siteId], resumeCursor }, auth()));
  const after = await during;

  const siteTotal = [before, after].flatMap((tally) => tally.windows).filter((entry) => ofSite(entry.sensorId)).reduce((sum, entry) => sum + entry.count, 0);
  const topic = await collectFromTopic<string, SensorReading>(SENSOR_READINGS_TOPIC, {
    select: (_key, value) => value?.siteId === siteId,
    done: (records) => records.length >= siteTotal,
    timeoutMs: 60_000,
    sinceMs: startedAt - 60_000, // the site is new: older records of this busy topic are not needed
  });
  assert.equal(topic.length, siteTotal, 'the topic holds what the simulator tallied for the site');
  await waitFor('the resumed stream at the topic\'s end', async () => (firstLive.length + second.events.filter((event) => event.reading).length >= topic.filter((record) => Number(record.offset) > snapshotEnd.get(record.partition)!).length ? true : undefined), 60_000, 250);
  await sleep(500); // anything beyond the topic's records would have arrived by now
  second.call.cancel();

  // The snapshot: the newest reading of each sensor of the site, as of the snapshot's cursor.
  const latest = new Map<string, (typeof topic)[number]>();
  for (const record of topic) if (Number(record.offset) <= snapshotEnd.get(record.partition)!) latest.set(record.value!.sensorId, record);
  assert.equal(complete.snapshotComplete!.count, snapshot.length);
  assert.deepEqual(
    snapshot.map((event) => [event.reading!.sensorId, event.position!.partition, Number(event.position!.offset), event.reading!.value]).sort(),
    [...latest.values()].map((record) => [record.value!.sensorId, record.partition, Number(record.offset), record.value!.value]).sort(),
    'one snapshot reading per sensor: its newest before the cursor',
  );
  // Live: across both connections, exactly the topic's records after the snapshot, in partition order.
  assert.ok(second.events.every((event) => !event.snapshot && !event.snapshotComplete), 'a resumed stream has no snapshot');
  const received = [...firstLive, ...second.events.filter((event) => event.reading)];
  assert.ok(received.every((event) => event.reading!.siteId === siteId), 'only the requested site');
  assert.deepEqual(
    offsetsByPartition(received.map((event) => event.position!)),
    offsetsByPartition(topic.filter((record) => Number(record.offset) > snapshotEnd.get(record.partition)!)),
    'no gap, no duplicate across the snapshot boundary and the reconnect',
  );
});

test('StreamWindowCounts: a reconnect mid-stream with the last cursor resumes exactly: both connections together got every record of the topic once', { timeout: 180_000 }, async () => {
  const prefix = uniquePrefix('e2e-windows-resume');
  const sensorIds = [`${prefix}plant-a-power-1`, `${prefix}plant-b-temperature-1`, `${prefix}plant-a-vibration-1`];
  const first = follow(client().StreamWindowCounts({ sensorIds }, auth()));
  await waitFor('the empty snapshot', async () => (first.events.some((event) => event.snapshotComplete) ? true : undefined), 30_000, 100);

  const producing = produceReadings({ prefix, rate: 76, durationS: 8, tallyFile: tallyFile() });
  await waitFor('live window updates', async () => (first.events.filter((event) => event.windowCount).length >= 5 ? true : undefined), 60_000, 50);
  const resumeCursor = first.lastCursor();
  first.call.cancel();
  await sleep(1500); // the processor sends an update per window per second: some are missed meanwhile
  const second = follow(client().StreamWindowCounts({ sensorIds, resumeCursor }, auth()));
  await producing;

  const topic = await collectFromTopic<WindowCountKey, WindowCount>(WINDOW_COUNTS_TOPIC, {
    select: (key) => sensorIds.includes(key.sensorId),
    done: (records) => new Set(records.filter((record) => record.value?.final).map((record) => record.key.sensorId)).size === sensorIds.length,
    timeoutMs: 120_000,
  });
  const received = () => [...first.events, ...second.events].filter((event) => event.windowCount);
  await waitFor('every final on the resumed stream', async () => (second.events.filter((event) => event.windowCount?.final).length >= topic.filter((record) => record.value?.final).length ? true : undefined), 60_000, 250);
  await sleep(500);
  second.call.cancel();

  assert.ok(second.events.length > 0 && second.events.every((event) => !event.snapshot && !event.snapshotComplete), 'a resumed stream has no snapshot');
  assert.ok(first.events.filter((event) => event.windowCount).length < topic.length, 'the first connection ended before the topic did');
  assert.deepEqual(
    offsetsByPartition(received().map((event) => event.position!)),
    offsetsByPartition(topic),
    'no gap, no duplicate across the reconnect',
  );
  assert.deepEqual(
    received().filter((event) => event.windowCount!.final).map((event) => `${event.windowCount!.sensorId}@${event.windowCount!.windowStartMs}:${event.windowCount!.count}`).sort(),
    topic.filter((record) => record.value?.final).map((record) => `${record.key.sensorId}@${record.key.windowStart}:${record.value!.count}`).sort(),
    'the finals, with their counts',
  );
});
