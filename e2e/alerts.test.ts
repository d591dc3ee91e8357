import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { Partitioners } from 'kafkajs';
import { ALERT_RULES, ALERTS_TOPIC, AVRO_SCHEMAS, SENSOR_READINGS_TOPIC, type Alert, type AlertKey, type AlertRule, type SensorReading } from '@iot/contracts';
import { registerSchema } from '@iot/runtime';
import { serviceEnv } from '@iot/stack';
import { collectFromTopic, kafka, query, registry, REPO_ROOT, stack, uniquePrefix, waitFor } from './support.ts';

const run = promisify(execFile);

// The processor's default rules: temperature range −10..45 °C (3 readings to raise, 3 to clear),
// rate limit 2 °C/s, z-score after 30 readings of warm-up, silence after 30 s.
test('a scripted temperature sensor raises, refreshes and clears one alert per detector on iot.alerts; `alerts ack` acknowledges one and `alerts tail` shows them', { timeout: 180_000 }, async () => {
  const prefix = uniquePrefix('e2e-alerts');
  const sensorId = `${prefix}temp`;
  const keyId = await registerSchema(stack.registryCcompatUrl, SENSOR_READINGS_TOPIC, 'key', AVRO_SCHEMAS.sensorIdKey);
  const valueId = await registerSchema(stack.registryCcompatUrl, SENSOR_READINGS_TOPIC, 'value', AVRO_SCHEMAS.sensorReading);
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  // Readings 100 ms apart in event time, ending now: recent enough never to be late.
  const send = async (values: number[]) => {
    const end = Date.now();
    const messages = await Promise.all(values.map(async (value, i) => {
      const reading: SensorReading = { sensorId, sensorType: 'temperature', siteId: `${prefix}site`, timestamp: end - (values.length - 1 - i) * 100, value, unit: '°C' };
      return { key: await registry.encode(keyId, sensorId), value: await registry.encode(valueId, reading) };
    }));
    await producer.send({ topic: SENSOR_READINGS_TOPIC, acks: -1, messages });
  };

  const tail = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'tail', '--sensor', sensorId, '--json', '--from-beginning'], {
    cwd: `${REPO_ROOT}/alerts-cli`,
    env: { ...process.env, ...serviceEnv(stack) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tailed = '';
  tail.stdout.setEncoding('utf8').on('data', (chunk: string) => (tailed += chunk));
  try {
    await send(Array.from({ length: 40 }, (_, i) => 20 + (i % 2 === 0 ? 0.1 : -0.1))); // baseline
    await sleep(1000);
    await send([50, 50, 50]); // out of range, a jump of 30 °C, 300 standard deviations
    await sleep(1000);
    await send(Array.from({ length: 10 }, () => 20)); // back to normal: everything clears
    // Then silence: after 30 s a SILENCE alert opens and refreshes every 5 s while it lasts.
    const silenced = await collectFromTopic<AlertKey, Alert>(ALERTS_TOPIC, {
      select: (key) => key.sensorId === sensorId,
      done: (found) => found.filter((r) => r.key.rule === 'SILENCE' && r.value?.state === 'OPEN').length >= 2,
      timeoutMs: 90_000,
    });
    // Acknowledge the open SILENCE alert the way a user would, then end the silence.
    const silenceId = silenced.find((r) => r.key.rule === 'SILENCE')!.value!.alertId;
    const acked = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'ack', silenceId, '--by', 'e2e'], {
      cwd: `${REPO_ROOT}/alerts-cli`, env: { ...process.env, ...serviceEnv(stack) },
    });
    assert.match(acked.stdout, /acknowledgement for .* by e2e sent \(iot\.alert-acks partition \d offset \d+\)/);
    await collectFromTopic<AlertKey, Alert>(ALERTS_TOPIC, {
      select: (key) => key.sensorId === sensorId && key.rule === 'SILENCE',
      done: (found) => found.some((r) => r.value?.state === 'ACKNOWLEDGED'),
      timeoutMs: 30_000,
    });
    await send([20]);
    const records = await collectFromTopic<AlertKey, Alert>(ALERTS_TOPIC, {
      select: (key) => key.sensorId === sensorId,
      // Every rule: the four keys sit in different partitions, which the reader reaches in any order.
      done: (found) => ALERT_RULES.every((rule) => found.some((r) => r.key.rule === rule && r.value?.state === 'CLEARED')),
      timeoutMs: 30_000,
    });
    assert.ok(records.length >= silenced.length, 'records only grow');

    const byRule = (rule: AlertRule) => records.filter((r) => r.key.rule === rule).map((r) => r.value!);
    for (const rule of ['RANGE', 'RATE_OF_CHANGE', 'ZSCORE', 'SILENCE'] as const) {
      const alerts = byRule(rule);
      assert.ok(alerts.length >= 2, `${rule}: opened and cleared (${JSON.stringify(alerts.map((a) => a.state))})`);
      assert.equal(alerts[0]!.state, 'OPEN', `${rule}: first record`);
      assert.equal(alerts.at(-1)!.state, 'CLEARED', `${rule}: last record`);
      assert.equal(new Set(alerts.map((a) => a.alertId)).size, 1, `${rule}: one alert, refreshed and cleared, never a duplicate OPEN`);
      assert.ok(alerts.every((a) => a.sensorId === sensorId && a.siteId === `${prefix}site` && a.message.length > 0), `${rule}: identity and message`);
    }
    const range = byRule('RANGE');
    assert.equal(range[0]!.triggerValue, 50);
    assert.equal(range[0]!.threshold, 45);
    assert.match(range[0]!.message, /above the maximum 45 °C/);
    const rate = byRule('RATE_OF_CHANGE')[0]!;
    assert.equal(rate.threshold, 2);
    assert.ok(rate.triggerValue > 2, `rate ${rate.triggerValue} °C/s`);
    const silence = byRule('SILENCE');
    const acknowledged = silence.find((a) => a.state === 'ACKNOWLEDGED');
    assert.equal(acknowledged?.acknowledgedBy, 'e2e');
    assert.ok(acknowledged.acknowledgedAt! >= silence[0]!.openedAt, `acknowledged at ${acknowledged.acknowledgedAt}, opened at ${silence[0]!.openedAt}`);
    assert.equal(silence.at(-1)!.acknowledgedBy, 'e2e', 'the cleared record still says who acknowledged it');
    assert.ok(silence.filter((a) => a.state === 'OPEN').length >= 2, 'SILENCE refreshed while silent');
    assert.ok(silence[1]!.peakValue > silence[0]!.peakValue, 'the refresh carries the longer silence as its peak');
    assert.ok(silence[1]!.lastSeenAt > silence[0]!.lastSeenAt, 'the refresh moves last seen');

    // The Connect sink keeps the latest state per {sensor, rule} in Postgres.
    const rows = await waitFor('the four alerts of the sensor, cleared, in the alerts table', async () => {
      const found = await query<{ rule: string; state: string; alert_id: string; acknowledged_by: string | null; cleared_at: Date | null }>(
        'SELECT rule, state, alert_id, acknowledged_by, cleared_at FROM alerts WHERE sensor_id = $1 ORDER BY rule', [sensorId]);
      return found.length === 4 && found.every((row) => row.state === 'CLEARED') ? found : undefined;
    }, 30_000, 500);
    assert.deepEqual(rows.map((row) => row.rule), ['RANGE', 'RATE_OF_CHANGE', 'SILENCE', 'ZSCORE']);
    for (const row of rows) assert.equal(row.alert_id, byRule(row.rule as AlertRule).at(-1)!.alertId, `${row.rule}: the row is the topic's latest value`);
    assert.equal(rows.find((row) => row.rule === 'SILENCE')!.acknowledged_by, 'e2e');
    assert.ok(rows.every((row) => row.cleared_at instanceof Date), 'cleared_at is set');

    // What the processor writes when a cleared alert expires (after an hour): a tombstone, which deletes the row.
    const alertKeyId = await registerSchema(stack.registryCcompatUrl, ALERTS_TOPIC, 'key', AVRO_SCHEMAS.alertKey);
    await producer.send({ topic: ALERTS_TOPIC, acks: -1, messages: [{ key: await registry.encode(alertKeyId, { sensorId, rule: 'RANGE' }), value: null }] });
    await waitFor('the RANGE row deleted by its tombstone', async () => {
      const left = await query<{ rule: string }>('SELECT rule FROM alerts WHERE sensor_id = $1 ORDER BY rule', [sensorId]);
      return left.length === 3 ? left : undefined;
    }, 30_000, 500);

    const lines = await waitFor('alerts tail printing the cleared SILENCE alert', async () => {
      const parsed = tailed.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { key: AlertKey; alert?: Alert });
      return parsed.some((line) => line.key.rule === 'SILENCE' && line.alert?.state === 'CLEARED') ? parsed : undefined;
    }, 30_000, 500);
    assert.ok(lines.every((line) => line.key.sensorId === sensorId), 'the CLI filtered by sensor');
    assert.equal(lines.filter((line) => line.alert?.state === 'OPEN' && line.key.rule === 'RANGE').length, 1);
  } finally {
    tail.kill('SIGINT');
    await producer.disconnect();
  }
});
