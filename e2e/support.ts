// Shared helpers for the integration tests: they run against the real local stack that
// scripts/run-tests.mjs brings up (npm test), never against stand-ins.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { Kafka, logLevel } from 'kafkajs';
import * as grpc from '@grpc/grpc-js';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import assert from 'node:assert/strict';
import { AVRO_SCHEMAS, SENSOR_READINGS_TOPIC, WINDOW_COUNTS_TOPIC, type SensorReading, type TallyEntry, type TallyFile, type WindowCount, type WindowCountKey } from '@iot/contracts';
import { registerSchema } from '@iot/runtime';
import { LOCAL_GATEWAY_TOKEN, loadPipelineProto, type IngestReadingsResponse__Output, type SensorReadingMessage } from '@iot/contracts/grpc';
import { loadStackConfig, serviceEnv } from '@iot/stack';

export const stack = loadStackConfig();
export const REPO_ROOT = join(import.meta.dirname, '..');
const run = promisify(execFile);

/** A prefix that makes this run's sensor ids unique, so tests never see each other's data. */
export function uniquePrefix(label: string): string {
  return `${label}-${randomBytes(3).toString('hex')}-`;
}

export async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: stack.databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Polls until `check` returns a value (not undefined) or the time is up; the error says what was awaited. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 1000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(intervalMs);
  }
}

/**
 * Runs the simulator CLI exactly as a user would, and returns its ground-truth tally: `windows`
 * (on-time and out-of-order readings, per sensor per minute) and `late` (counted apart).
 */
export async function produceReadings(options: {
  prefix: string;
  rate: number;
  durationS: number;
  tallyFile: string;
  /** --out-of-order-ratio: fraction stamped 1-4 s in the past (inside the grace period). */
  outOfOrderRatio?: number;
  /** --late-ratio: fraction stamped 5 minutes in the past (late), from 3 s into the run on. */
  lateRatio?: number;
  /** --malformed-ratio: fraction replaced by malformed records (header sim.malformed=<kind>), counted in `malformed`. */
  malformedRatio?: number;
  /** --scenario: a fault scenario file (sensor faults that raise alerts). */
  scenario?: string;
  /** Ends the run early, as Ctrl-C would (the tally is still written); `durationS` is then an upper bound. */
  stop?: AbortSignal;
}): Promise<SimulatorTally> {
  const flags = [
    ...(options.outOfOrderRatio === undefined ? [] : ['--out-of-order-ratio', String(options.outOfOrderRatio)]),
    ...(options.lateRatio === undefined ? [] : ['--late-ratio', String(options.lateRatio)]),
    ...(options.malformedRatio === undefined ? [] : ['--malformed-ratio', String(options.malformedRatio)]),
    ...(options.scenario === undefined ? [] : ['--scenario', options.scenario]),
  ];
  const running = run(
    process.execPath,
    ['--import', 'tsx', 'src/cli.ts', 'run', '--prefix', options.prefix, '--rate', String(options.rate), '--duration', `${options.durationS}s`, ...flags, '--tally', options.tallyFile, '--quiet'],
    { cwd: join(REPO_ROOT, 'producers'), env: { ...process.env, ...serviceEnv(stack) }, timeout: (options.durationS + 60) * 1000 },
  );
  // SIGTERM: the simulator stops sending, waits for what is in flight and writes its tally.
  const stop = () => running.child.kill('SIGTERM');
  options.stop?.addEventListener('abort', stop, { once: true });
  try {
    await running;
  } finally {
    options.stop?.removeEventListener('abort', stop);
  }
  return JSON.parse(readFileSync(options.tallyFile, 'utf8')) as SimulatorTally;
}

/** The simulator's tally file: TallyFile plus what its transport faults added (producers/src/tally.ts). */
export interface SimulatorTally extends TallyFile {
  duplicates: { count: number; bySensor: Record<string, number> };
  malformed: { count: number; byKind: Record<string, number> };
}

export const kafka = new Kafka({ clientId: 'e2e', brokers: [stack.kafkaBootstrap], logLevel: logLevel.NOTHING });
export const registry = new SchemaRegistry({ host: stack.registryCcompatUrl });

export interface TopicRecord<K, V> {
  key: K;
  value: V | null;
  headers: Record<string, string>;
  partition: number;
  offset: string;
}

/**
 * Follows a topic from its beginning (read_committed, a throwaway group) and keeps the records
 * `select` returns a value for, until `done(records)` holds or the time is up. Keys and values
 * are schema-registry Avro unless `raw` is set. `sinceMs`: start at the first records of that
 * time (epoch ms) instead, for a busy topic whose older records the test does not need.
 */
export async function collectFromTopic<K, V>(
  topic: string,
  options: {
    select: (key: K, value: V | null) => boolean;
    done: (records: Array<TopicRecord<K, V>>) => boolean;
    timeoutMs: number;
    raw?: boolean;
    sinceMs?: number;
    /**
     * Also read up to the end offsets the topic had when the call began (`done` must hold too),
     * transaction markers and aborted records included: they are never delivered as messages, so
     * the position is taken from kafkajs' batch events.
     */
    untilEnd?: boolean;
  },
): Promise<Array<TopicRecord<K, V>>> {
  const groupId = uniquePrefix('e2e-reader');
  const ends = new Map<number, number>();
  const reached = new Map<number, number>(); // partition → next offset after the last record read
  if (options.untilEnd) {
    const admin = kafka.admin();
    await admin.connect();
    try {
      for (const { partition, high } of await admin.fetchTopicOffsets(topic)) ends.set(partition, Number(high));
    } finally {
      await admin.disconnect();
    }
  }
  const atEnd = () => [...ends].every(([partition, end]) => (reached.get(partition) ?? 0) >= end);
  if (options.sinceMs !== undefined) {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsetsByTimestamp(topic, options.sinceMs);
      await admin.setOffsets({ groupId, topic, partitions: offsets.map(({ partition, offset }) => ({ partition, offset })) });
    } finally {
      await admin.disconnect();
    }
  }
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 250 });
  const records: Array<TopicRecord<K, V>> = [];
  // The reader is at-least-once: after a rejoin (a slow heartbeat on a loaded machine) kafkajs
  // redelivers from the last auto-commit, which must not look like a duplicate on the topic.
  const seen = new Set<string>();
  const decode = async (bytes: Buffer | null): Promise<unknown> => {
    if (bytes === null) return null;
    if (options.raw) return bytes;
    try {
      return await registry.decode(bytes);
    } catch {
      return undefined; // not Avro (another test's garbage): never selected
    }
  };
  // Every batch, also one of only control records or aborted records, ends at its last offset.
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    if (payload.topic === topic) reached.set(payload.partition, Math.max(reached.get(payload.partition) ?? 0, Number(payload.lastOffset) + 1));
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        const position = `${partition}:${message.offset}`;
        if (seen.has(position)) return;
        seen.add(position);
        reached.set(partition, Math.max(reached.get(partition) ?? 0, Number(message.offset) + 1));
        const key = (await decode(message.key)) as K;
        const value = (await decode(message.value)) as V | null;
        if (key === undefined || value === undefined || !options.select(key, value)) return;
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, header]) => [name, String(header)]));
        records.push({ key, value, headers, partition, offset: message.offset });
      },
    });
    await waitFor(`records on ${topic}${options.untilEnd ? ` up to ${[...ends].map(([p, o]) => `${p}:${o}`).join(' ')}` : ''}`, async () => (atEnd() && options.done(records) ? true : undefined), options.timeoutMs, 250);
    return records;
  } finally {
    await consumer.disconnect();
    await deleteGroup(groupId);
  }
}

/** Deletes a throwaway consumer group (best effort: it may be gone already). */
export async function deleteGroup(groupId: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteGroups([groupId]).catch(() => undefined);
  await admin.disconnect();
}

/**
 * Streams readings into the gateway's IngestReadings, as a device that cannot speak Kafka would
 * (an undefined entry is sent without a reading: a bad one), and answers with its counts.
 */
export function ingestReadings(readings: ReadonlyArray<SensorReadingMessage | undefined>): Promise<IngestReadingsResponse__Output> {
  const client = new (loadPipelineProto(grpc)).iot.v1.PipelineService(`127.0.0.1:${stack.GATEWAY_PORT}`, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${LOCAL_GATEWAY_TOKEN}`);
  return new Promise<IngestReadingsResponse__Output>((resolve, reject) => {
    const call = client.IngestReadings(metadata, { deadline: Date.now() + 30_000 }, (error, response) => (error ? reject(error) : resolve(response!)));
    for (const reading of readings) call.write(reading ? { reading } : {});
    call.end();
  }).finally(() => client.close());
}

/** Windows as the topic or the table holds them, to compare with a tally. */
export interface CountedWindow {
  sensorId: string;
  windowStart: number;
  count: number;
  sum: number;
}

/** Fails unless `actual` has exactly the tally's windows, each with its count and sum. */
export function assertMatchesTally(actual: CountedWindow[], tally: TallyEntry[], where: string): void {
  const byKey = new Map(actual.map((window) => [`${window.sensorId}@${window.windowStart}`, window]));
  assert.equal(actual.length, tally.length, `${where}: as many windows as the tally`);
  for (const expected of tally) {
    const window = byKey.get(`${expected.sensorId}@${expected.windowStart}`);
    assert.ok(window, `${where}: missing ${expected.sensorId} at ${new Date(expected.windowStart).toISOString()}`);
    assert.equal(window.count, expected.count, `${where}: ${expected.sensorId} at ${new Date(expected.windowStart).toISOString()}: nothing lost, nothing counted twice`);
    assert.ok(Math.abs(window.sum - expected.sum) < 1e-6, `${where}: sum of ${expected.sensorId}`);
  }
}

/**
 * The end state of a run's windows, checked against its tally: in Postgres (`window_counts_1m`,
 * finals only) every sensor-minute with the tally's count and sum, and on the compacted topic
 * per key exactly one final record, the last for its key, equal to the tally too.
 */
export async function assertFinalWindowsMatchTally(prefix: string, tally: TallyEntry[], diagnostics: string, timeoutMs = 180_000): Promise<void> {
  // Postgres keeps only finals (the sink filters updates out).
  const rows = await waitFor(
    `final rows for all ${tally.length} sensor-minutes of ${prefix}*`,
    async () => {
      const found = await query<{ sensor_id: string; window_start: Date; count: string; sum: number; final: boolean }>(
        'SELECT sensor_id, window_start, count, sum, final FROM window_counts_1m WHERE sensor_id LIKE $1',
        [`${prefix}%`],
      );
      return found.length >= tally.length && found.every((row) => row.final) ? found : undefined;
    },
    timeoutMs,
    2000,
  );
  assertMatchesTally(rows.map((row) => ({ sensorId: row.sensor_id, windowStart: row.window_start.getTime(), count: Number(row.count), sum: row.sum })), tally, `Postgres (${diagnostics})`);

  // The compacted topic: per key, exactly one final, and it is the last record.
  const records = await collectFromTopic<WindowCountKey, WindowCount>(WINDOW_COUNTS_TOPIC, {
    select: (key) => key.sensorId.startsWith(prefix),
    done: (found) => new Set(found.filter((r) => r.value?.final).map((r) => `${r.key.sensorId}@${r.key.windowStart}`)).size >= tally.length,
    timeoutMs: 60_000,
  });
  const byKey = new Map<string, typeof records>();
  for (const record of records) {
    const key = `${record.key.sensorId}@${record.key.windowStart}`;
    byKey.set(key, [...(byKey.get(key) ?? []), record]);
  }
  const finals = [];
  for (const [key, list] of byKey) {
    const finalsForKey = list.filter((record) => record.value?.final);
    assert.equal(finalsForKey.length, 1, `${key}: exactly one final record (${diagnostics})`);
    assert.equal(list.at(-1), finalsForKey[0], `${key}: the final is the last record for its key`);
    finals.push(finalsForKey[0]!.value!);
  }
  assertMatchesTally(finals, tally, `final records on ${WINDOW_COUNTS_TOPIC} (${diagnostics})`);
}

/** One record the processor must dead-letter: `kind` and `reason` are what the DLQ must say. */
export interface BadInput {
  kind: string;
  reason: RegExp;
  key: Buffer | null;
  value: Buffer | null;
}

/**
 * Every kind of bad input the processor's reading decoder rejects (stream-processor/src/
 * reading-decoder.ts), for sensor ids under `prefix`: no framing, a wrong magic byte, an unknown
 * schema id, bytes that do not decode, no key, no value, a key that differs from sensorId, NaN and
 * infinite values, timestamps out of range, an empty field. `good(i)` is a valid reading's record.
 */
export async function badInputCatalog(prefix: string, now = Date.now()): Promise<{ bad: BadInput[]; good: (sensorId: string, value: number) => Promise<{ key: Buffer; value: Buffer }> }> {
  const keyId = await registerSchema(stack.registryCcompatUrl, SENSOR_READINGS_TOPIC, 'key', AVRO_SCHEMAS.sensorIdKey);
  const valueId = await registerSchema(stack.registryCcompatUrl, SENSOR_READINGS_TOPIC, 'value', AVRO_SCHEMAS.sensorReading);
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
  const validKey = await registry.encode(keyId, `${prefix}bad`);
  const validValue = (await encoded(reading(`${prefix}bad`))).value;
  const bad: BadInput[] = [
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
  return { bad, good: (sensorId, value) => encoded(reading(sensorId, { value })) };
}
