import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { LATE_READINGS_TOPIC } from '@iot/contracts';
import { killComponent, upWithApps } from '@iot/stack';
import { assertFinalWindowsMatchTally, collectFromTopic, produceReadings, stack, uniquePrefix } from './support.ts';

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

  await assertFinalWindowsMatchTally(prefix, tally, diagnostics);

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
