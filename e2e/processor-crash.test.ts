import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { killComponent, upWithApps } from '@iot/stack';
import { produceReadings, query, stack, uniquePrefix, waitFor } from './support.ts';

test('after the stream processor is SIGKILLed twice mid-stream, every window still equals the tally exactly', { timeout: 360_000 }, async () => {
  const prefix = uniquePrefix('e2e-crash');
  const producing = produceReadings({ prefix, rate: 60, durationS: 45, tallyFile: join(mkdtempSync(join(tmpdir(), 'tally-')), 'tally.json') });
  for (const delayMs of [12_000, 12_000]) {
    await sleep(delayMs);
    assert.ok(await killComponent(stack, 'stream-processor'), 'the processor was running and got killed');
    await upWithApps(stack, () => undefined); // restarts it; state comes back from the changelog
  }
  const tally = (await producing).windows;

  const rows = await waitFor(
    `final rows for all ${tally.length} sensor-minutes of ${prefix}*`,
    async () => {
      const found = await query<{ sensor_id: string; window_start: Date; count: string; sum: number }>(
        'SELECT sensor_id, window_start, count, sum FROM window_counts_1m WHERE sensor_id LIKE $1 AND final',
        [`${prefix}%`],
      );
      return found.length >= tally.length ? found : undefined;
    },
    180_000,
    2000,
  );
  const byKey = new Map(rows.map((row) => [`${row.sensor_id}@${row.window_start.getTime()}`, row]));
  assert.equal(rows.length, tally.length);
  for (const expected of tally) {
    const row = byKey.get(`${expected.sensorId}@${expected.windowStart}`);
    assert.ok(row, `missing ${expected.sensorId} at ${new Date(expected.windowStart).toISOString()}`);
    assert.equal(Number(row.count), expected.count, `${expected.sensorId}: nothing lost and nothing counted twice`);
    assert.ok(Math.abs(row.sum - expected.sum) < 1e-6);
  }
});
