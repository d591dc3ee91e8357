import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { AssignerProtocol } from 'kafkajs';
import { SENSOR_READINGS_TOPIC } from '@iot/contracts';
import { serviceEnv } from '@iot/stack';
import { kafka, produceReadings, query, REPO_ROOT, stack, uniquePrefix, waitFor } from './support.ts';

const GROUP = 'iot-stream-processor';

/** The processor group's members and the readings partitions each one owns. */
async function groupAssignment(): Promise<number[][]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([GROUP]);
    const group = groups[0];
    if (!group || group.state !== 'Stable') return [];
    return group.members.map((member) => AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.assignment[SENSOR_READINGS_TOPIC] ?? []);
  } finally {
    await admin.disconnect();
  }
}

test('two processor instances split the partitions; when one is SIGKILLed the other restores its partitions and results stay exact', { timeout: 420_000 }, async () => {
  const logDir = mkdtempSync(join(tmpdir(), 'second-processor-'));
  const second = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: join(REPO_ROOT, 'stream-processor'),
    env: { ...process.env, ...serviceEnv(stack), METRICS_PORT: '0', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(join(logDir, 'stream-processor-2.log'));
  second.stdout.pipe(log);
  second.stderr.pipe(log);
  try {
    const split = await waitFor(
      'two processor instances sharing the six partitions',
      async () => {
        const members = await groupAssignment();
        return members.length === 2 && members.every((partitions) => partitions.length > 0) ? members : undefined;
      },
      90_000,
      1000,
    );
    assert.deepEqual(split.flat().sort(), [0, 1, 2, 3, 4, 5], 'every partition owned by exactly one instance');

    const prefix = uniquePrefix('e2e-scale');
    const producing = produceReadings({ prefix, rate: 60, durationS: 45, outOfOrderRatio: 0.1, tallyFile: join(logDir, 'tally.json') });
    await sleep(15_000);
    second.kill('SIGKILL');
    await once(second, 'exit');
    // The group notices the dead member after its session timeout (30 s) and rebalances.
    const after = await waitFor('the surviving instance owning all six partitions', async () => {
      const members = await groupAssignment();
      return members.length === 1 && members[0]!.length === 6 ? members : undefined;
    }, 120_000, 1000);
    assert.equal(after[0]!.length, 6);
    const { windows: tally } = await producing;

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
    assert.equal(rows.length, tally.length);
    const byKey = new Map(rows.map((row) => [`${row.sensor_id}@${row.window_start.getTime()}`, row]));
    for (const expected of tally) {
      const row = byKey.get(`${expected.sensorId}@${expected.windowStart}`);
      assert.ok(row, `missing ${expected.sensorId} at ${new Date(expected.windowStart).toISOString()}`);
      assert.equal(Number(row.count), expected.count, `${expected.sensorId}: nothing lost and nothing counted twice across the failover`);
      assert.ok(Math.abs(row.sum - expected.sum) < 1e-6);
    }
  } finally {
    if (second.exitCode === null) second.kill('SIGKILL');
    log.end();
  }
});
