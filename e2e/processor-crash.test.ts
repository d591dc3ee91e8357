import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { LATE_READINGS_TOPIC, WINDOW_COUNTS_TOPIC, type TallyEntry, type WindowCount, type WindowCountKey } from '@iot/contracts';
import { killComponent, upWithApps } from '@iot/stack';
import { collectFromTopic, produceReadings, query, stack, uniquePrefix, waitFor } from './support.ts';

const KILLS = 5;

test(`after ${KILLS} SIGKILLs of the stream processor at random points, every final record and row equals the tally`, { timeout: 480_000 }, async () => {
  const prefix = uniquePrefix('e2e-crash');
  const producing = produceReadings({
    prefix, rate: 60, durationS: 60, outOfOrderRatio: 0.1, lateRatio: 0.02,
    tallyFile: join(mkdtempSync(join(tmpdir(), 'tally-')), 'tally.json'),
  });
  const delays: number[] = [];
  for (let kill = 0; kill < KILLS; kill += 1) {
    const delayMs = 2000 + Math.floor(Math.random() * 6000);
    delays.push(delayMs);
    await sleep(delayMs);
    assert.ok(await killComponent(stack, 'stream-processor'), `kill ${kill + 1}: the processor was running and got killed`);
    await upWithApps(stack, () => undefined); // restarts it; state comes back from the changelog
  }
  const { windows: tally, late } = await producing;
  assert.ok(late.count > 0, 'the run included late readings');
  const diagnostics = `kills after ${delays.join(', ')} ms`;

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
    180_000,
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

  const lateRecords = await collectFromTopic<string, unknown>(LATE_READINGS_TOPIC, {
    select: (key) => typeof key === 'string' && key.startsWith(prefix),
    done: (found) => found.length >= late.count,
    timeoutMs: 60_000,
  });
  const sources = lateRecords.map((record) => `${record.headers['late.source.partition']}:${record.headers['late.source.offset']}`);
  const repeated = sources.filter((source, i) => sources.indexOf(source) !== i);
  assert.deepEqual(repeated, [], `no reading is on the late topic twice (source partition:offset; ${diagnostics})`);
  assert.equal(lateRecords.length, late.count, `every late reading is on the late topic, once (${diagnostics})`);
  assert.match(lateRecords[0]!.headers['late.reason'] ?? '', /closed: stream time .* passed its end \+ grace 10000 ms/);
});

function assertMatchesTally(actual: Array<{ sensorId: string; windowStart: number; count: number; sum: number }>, tally: TallyEntry[], where: string): void {
  const byKey = new Map(actual.map((window) => [`${window.sensorId}@${window.windowStart}`, window]));
  assert.equal(actual.length, tally.length, `${where}: as many windows as the tally`);
  for (const expected of tally) {
    const window = byKey.get(`${expected.sensorId}@${expected.windowStart}`);
    assert.ok(window, `${where}: missing ${expected.sensorId} at ${new Date(expected.windowStart).toISOString()}`);
    assert.equal(window.count, expected.count, `${where}: ${expected.sensorId} at ${new Date(expected.windowStart).toISOString()}: nothing lost, nothing counted twice`);
    assert.ok(Math.abs(window.sum - expected.sum) < 1e-6, `${where}: sum of ${expected.sensorId}`);
  }
}
