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
import type { TallyFile } from '@iot/contracts';
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
}): Promise<TallyFile> {
  const ratios = [
    ...(options.outOfOrderRatio === undefined ? [] : ['--out-of-order-ratio', String(options.outOfOrderRatio)]),
    ...(options.lateRatio === undefined ? [] : ['--late-ratio', String(options.lateRatio)]),
  ];
  await run(
    process.execPath,
    ['--import', 'tsx', 'src/cli.ts', 'run', '--prefix', options.prefix, '--rate', String(options.rate), '--duration', `${options.durationS}s`, ...ratios, '--tally', options.tallyFile, '--quiet'],
    { cwd: join(REPO_ROOT, 'producers'), env: { ...process.env, ...serviceEnv(stack) }, timeout: (options.durationS + 60) * 1000 },
  );
  return JSON.parse(readFileSync(options.tallyFile, 'utf8')) as TallyFile;
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
  options: { select: (key: K, value: V | null) => boolean; done: (records: Array<TopicRecord<K, V>>) => boolean; timeoutMs: number; raw?: boolean; sinceMs?: number },
): Promise<Array<TopicRecord<K, V>>> {
  const groupId = uniquePrefix('e2e-reader');
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
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        const position = `${partition}:${message.offset}`;
        if (seen.has(position)) return;
        seen.add(position);
        const key = (await decode(message.key)) as K;
        const value = (await decode(message.value)) as V | null;
        if (key === undefined || value === undefined || !options.select(key, value)) return;
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, header]) => [name, String(header)]));
        records.push({ key, value, headers, partition, offset: message.offset });
      },
    });
    await waitFor(`records on ${topic}`, async () => (options.done(records) ? true : undefined), options.timeoutMs, 250);
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
