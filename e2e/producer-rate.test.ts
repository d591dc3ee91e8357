import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { SENSOR_READINGS_TOPIC, type SensorReading, type TallyFile } from '@iot/contracts';
import { serviceEnv } from '@iot/stack';
import { deleteGroup, kafka, registry, REPO_ROOT, stack, uniquePrefix, waitFor } from './support.ts';

const run = promisify(execFile);
const RATE = 200;
const DURATION_S = 20;

test(`the simulator holds ${RATE} readings/s within 5 %, every reading lands decodable, and the tally equals what a consumer counts`, { timeout: 120_000 }, async () => {
  const prefix = uniquePrefix('e2e-rate');
  const tallyFile = join(mkdtempSync(join(tmpdir(), 'tally-')), 'tally.json');
  // A consumer that joins before the run starts, at the latest offsets: it sees exactly this run's records.
  const groupId = uniquePrefix('e2e-rate-reader');
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 250 });
  const seen = new Map<string, number>();
  const keyMismatches: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: SENSOR_READINGS_TOPIC, fromBeginning: false });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({
      eachMessage: async ({ message }) => {
        try {
          const reading = (await registry.decode(message.value!)) as SensorReading;
          const key = await registry.decode(message.key!);
          if (!reading.sensorId.startsWith(prefix)) return;
          if (key !== reading.sensorId) keyMismatches.push(`${String(key)} ≠ ${reading.sensorId}`);
          seen.set(reading.sensorId, (seen.get(reading.sensorId) ?? 0) + 1);
        } catch {
          // another test's garbage (DLQ tests): not ours
        }
      },
    });
    await joined;
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', 'run', '--prefix', prefix, '--rate', String(RATE), '--duration', `${DURATION_S}s`, '--tally', tallyFile, '--quiet'],
      { cwd: join(REPO_ROOT, 'producers'), env: { ...process.env, ...serviceEnv(stack) }, timeout: 90_000 },
    );
    const summary = JSON.parse(stdout.trim().split('\n').at(-1)!) as { sent: number; errors: number; seconds: number };
    const tally = JSON.parse(readFileSync(tallyFile, 'utf8')) as TallyFile;
    const tallied = tally.windows.reduce((total, entry) => total + entry.count, 0);

    assert.equal(summary.errors, 0);
    assert.equal(tallied, summary.sent, 'the tally holds every acknowledged reading');
    const achieved = summary.sent / summary.seconds;
    assert.ok(Math.abs(achieved - RATE) / RATE < 0.05, `achieved ${achieved.toFixed(1)} readings/s for a target of ${RATE}`);

    await waitFor(`all ${summary.sent} readings of ${prefix}* consumed`, async () => ([...seen.values()].reduce((a, b) => a + b, 0) >= summary.sent ? true : undefined), 30_000, 250);
    const consumed = [...seen.values()].reduce((a, b) => a + b, 0);
    assert.equal(consumed, summary.sent, 'a consumer counts exactly what the producer sent');
    const bySensor = new Map<string, number>();
    for (const entry of tally.windows) bySensor.set(entry.sensorId, (bySensor.get(entry.sensorId) ?? 0) + entry.count);
    assert.deepEqual(new Map([...seen].sort()), new Map([...bySensor].sort()), 'per sensor too');
    assert.deepEqual(keyMismatches, [], 'every key is its reading\'s sensorId');
  } finally {
    await consumer.disconnect();
    await deleteGroup(groupId);
  }
});
