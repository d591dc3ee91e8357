import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { ALERTS_TOPIC, SENSOR_READINGS_DLQ_TOPIC, type Alert, type AlertKey, type AlertRule } from '@iot/contracts';
import { serviceEnv } from '@iot/stack';
import { collectFromTopic, REPO_ROOT, stack, uniquePrefix } from './support.ts';

const run = promisify(execFile);

test('a scripted spike raises the alerts the scenario promises, and malformed records land in the DLQ as the tally says', { timeout: 180_000 }, async () => {
  const prefix = uniquePrefix('e2e-scenario');
  const dir = mkdtempSync(join(tmpdir(), 'scenario-'));
  const scenarioFile = join(dir, 'spike.yaml');
  writeFileSync(scenarioFile, 'name: e2e-spike\nfaults:\n  - { sensor: plant-a-vibration-1, fault: spike, startS: 8, endS: 14 }\n');
  const cli = (args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: join(REPO_ROOT, 'producers'), env: { ...process.env, ...serviceEnv(stack) }, timeout: 120_000 });

  const expected = JSON.parse((await cli(['expect', '--scenario', scenarioFile, '--prefix', prefix])).stdout) as { faults: Array<{ sensorId: string; raises: AlertRule[] }> };
  const [spike] = expected.faults;
  assert.ok(spike && spike.raises.includes('RANGE'), `the scenario promises RANGE: ${JSON.stringify(spike)}`);

  const tallyFile = join(dir, 'tally.json');
  await cli(['run', '--prefix', prefix, '--scenario', scenarioFile, '--duration', '20s', '--malformed-ratio', '0.05', '--tally', tallyFile, '--quiet']);
  const tally = JSON.parse(readFileSync(tallyFile, 'utf8')) as { malformed: { count: number; byKind: Record<string, number> } };
  assert.ok(tally.malformed.count > 0, 'the run sent malformed records');

  const alerts = await collectFromTopic<AlertKey, Alert>(ALERTS_TOPIC, {
    select: (key) => key.sensorId === spike.sensorId,
    done: (found) => spike.raises.every((rule) => found.some((r) => r.key.rule === rule && r.value?.state === 'OPEN')),
    timeoutMs: 60_000,
  });
  const occurrences = (rule: AlertRule) => new Set(alerts.filter((r) => r.key.rule === rule && r.value?.state === 'OPEN').map((r) => r.value!.alertId));
  for (const rule of spike.raises) assert.ok(occurrences(rule).size >= 1, `${rule} opened`);
  // One excursion above the range is one RANGE alert; RATE_OF_CHANGE may open for the jump up and again for the jump back.
  assert.equal(occurrences('RANGE').size, 1, 'RANGE: one alert for the whole spike, refreshed, not repeated');

  // Keys are Avro strings: the sensorId's UTF-8 bytes follow the frame, so the prefix is found raw.
  const ours = (key: Buffer | null) => key !== null && key.includes(Buffer.from(prefix));
  const dead = await collectFromTopic<Buffer, Buffer>(SENSOR_READINGS_DLQ_TOPIC, {
    raw: true,
    select: (key) => ours(key),
    done: (found) => found.length >= tally.malformed.count,
    timeoutMs: 60_000,
  });
  assert.equal(dead.length, tally.malformed.count, 'each malformed record dead-lettered once, and nothing else of this run');
  const byKind: Record<string, number> = {};
  for (const record of dead) {
    assert.equal(record.headers['dlq.kind'], record.headers['sim.malformed'], `the DLQ names the fault the simulator injected (${record.headers['dlq.reason']})`);
    byKind[record.headers['dlq.kind']!] = (byKind[record.headers['dlq.kind']!] ?? 0) + 1;
  }
  assert.deepEqual(byKind, tally.malformed.byKind);
});
