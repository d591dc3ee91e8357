import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TallyEntry } from '@iot/contracts';
import { produceReadings, query, uniquePrefix, waitFor } from './support.ts';

interface Row {
  sensor_id: string;
  window_start: Date;
  window_end: Date;
  count: string;
  min: number;
  max: number;
  sum: number;
  mean: number;
  final: boolean;
}

test('window_counts_1m in Postgres equals what the simulator sent, per sensor per minute, once windows close', { timeout: 300_000 }, async () => {
  const prefix = uniquePrefix('e2e-pipeline');
  const tally = (await produceReadings({ prefix, rate: 60, durationS: 25, tallyFile: join(mkdtempSync(join(tmpdir(), 'tally-')), 'tally.json') })).windows;
  assert.ok(tally.length >= 18, `the simulator tallied ${tally.length} sensor-minutes`);
  const sent = tally.reduce((total, entry) => total + entry.count, 0);
  assert.ok(sent >= 60 * 20, `the simulator sent ${sent} readings`);

  // Windows close 10 s (grace) after their minute ends, then the sink upserts the final row.
  const rows = await waitFor(
    `final rows for all ${tally.length} sensor-minutes of ${prefix}*`,
    async () => {
      const found = await query<Row>(`SELECT * FROM window_counts_1m WHERE sensor_id LIKE $1 AND final`, [`${prefix}%`]);
      return found.length >= tally.length ? found : undefined;
    },
    180_000,
    2000,
  );

  const byKey = new Map(rows.map((row) => [`${row.sensor_id}@${row.window_start.getTime()}`, row]));
  assert.equal(rows.length, tally.length, 'no window in Postgres that the simulator did not send');
  for (const expected of tally as TallyEntry[]) {
    const row = byKey.get(`${expected.sensorId}@${expected.windowStart}`);
    assert.ok(row, `missing row for ${expected.sensorId} at ${new Date(expected.windowStart).toISOString()}`);
    assert.equal(Number(row.count), expected.count, `count of ${expected.sensorId}`);
    assert.equal(row.min, expected.min);
    assert.equal(row.max, expected.max);
    assert.ok(Math.abs(row.sum - expected.sum) < 1e-6, `sum of ${expected.sensorId}: ${row.sum} vs ${expected.sum}`);
    assert.ok(Math.abs(row.mean - expected.sum / expected.count) < 1e-9);
    assert.equal(row.window_end.getTime() - row.window_start.getTime(), 60_000);
  }
});
