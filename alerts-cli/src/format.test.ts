import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Alert } from '@iot/contracts';
import { OPENED_AT, testAlert } from './test-alert.ts';
import { formatHuman, formatJson, formatNumber, formatRecord } from './format.ts';
import { decodeAlertRecord, UndecodableRecord, type AlertRecord, type Decode } from './record.ts';

const opened = OPENED_AT;
const alert: Alert = testAlert();
const key = { sensorId: alert.sensorId, rule: alert.rule };
const at = { key, partition: 3, offset: 42, timestamp: opened + 5 };
const record = (changes: Partial<Alert> = {}): AlertRecord => ({ ...at, kind: 'alert', alert: { ...alert, ...changes } });
const tombstone: AlertRecord = { ...at, kind: 'tombstone' };

test('a new alert: open time, padded state/severity/rule, sensor (site), condition, message', () => {
  assert.equal(
    formatHuman(record()),
    '2026-11-23T10:15:02.120Z OPEN         CRITICAL RANGE          plant-a-temperature-1 (plant-a) value 51.2 > 45 — temperature 51.2 °C above the 45 °C limit',
  );
  assert.match(formatHuman(record({ triggerValue: -3.5, peakValue: -3.5, threshold: -2, severity: 'WARNING' })), / WARNING  RANGE .* value -3\.5 < -2 — /);
});

test('a refreshed alert shows its peak and when it was last seen', () => {
  const line = formatHuman(record({ state: 'ACKNOWLEDGED', peakValue: 53.125, lastSeenAt: opened + 60_000 }));
  assert.match(line, /^2026-11-23T10:15:02\.120Z ACKNOWLEDGED CRITICAL RANGE {10}plant-a-temperature-1 \(plant-a\) value 51\.2 > 45, peak 53\.125, last seen 2026-11-23T10:16:02\.120Z — /);
});

test('a cleared alert shows when it cleared', () => {
  const line = formatHuman(record({ state: 'CLEARED', peakValue: 53, lastSeenAt: opened + 60_000, clearedAt: opened + 90_000 }));
  assert.match(line, / CLEARED {6}CRITICAL .* value 51\.2 > 45, peak 53, cleared 2026-11-23T10:16:32\.120Z — /);
  assert.doesNotMatch(line, /last seen/);
});

test('SILENCE reads in seconds', () => {
  const line = formatHuman(record({ rule: 'SILENCE', severity: 'WARNING', triggerValue: 320, peakValue: 600, threshold: 300, lastSeenAt: opened + 280_000 }));
  assert.match(line, / SILENCE {8}plant-a-temperature-1 \(plant-a\) no reading for 320s \(limit 300s\), longest 600s, last seen /);
});

test('the human line stays one line whatever the message holds', () => {
  const line = formatHuman(record({ message: 'line one\nline two\u001b[31m red' }));
  assert.ok(!/[\n\u001b]/.test(line));
  assert.match(line, /— line one line two \[31m red$/);
});

test('numbers: at most three decimals, tiny values keep significant digits', () => {
  assert.deepEqual([45, 51.2, 53.1254, -0.5, 0.000123456, Number.NaN].map(formatNumber), ['45', '51.2', '53.125', '-0.5', '0.000123', 'NaN']);
});

test('tombstones: "<key> expired" and {"key", "tombstone": true}', () => {
  assert.equal(formatHuman(tombstone), 'plant-a-temperature-1/RANGE expired');
  assert.deepEqual(JSON.parse(formatJson(tombstone)), { key, tombstone: true, partition: 3, offset: 42, timestamp: opened + 5 });
});

test('--json: one object per line with the key, partition, offset and the alert as in the contract', () => {
  const line = formatRecord(record(), true);
  assert.ok(!line.includes('\n'));
  assert.deepEqual(JSON.parse(line), { key, tombstone: false, partition: 3, offset: 42, timestamp: opened + 5, alert });
  assert.equal(formatRecord(record(), false), formatHuman(record()));
});

// A stand-in for the registry: the "framed" payload is the JSON text itself.
const fakeDecode: Decode = async (payload) => JSON.parse(payload.toString());
const framed = (value: unknown) => Buffer.from(JSON.stringify(value));
const source = (keyValue: unknown, value: unknown) => ({ partition: 3, offset: '42', timestamp: String(opened + 5), key: framed(keyValue), value: value === null ? null : framed(value) });

test('decoding: an alert, a tombstone, and what is not one', async () => {
  assert.deepEqual(await decodeAlertRecord(fakeDecode, source(key, alert)), record());
  assert.deepEqual(await decodeAlertRecord(fakeDecode, source(key, null)), tombstone);
  const rejects = (input: Parameters<typeof decodeAlertRecord>[1], pattern: RegExp) =>
    assert.rejects(decodeAlertRecord(fakeDecode, input), (error: unknown) => error instanceof UndecodableRecord && pattern.test(error.message));
  await rejects({ ...source(key, alert), key: null }, /no key/);
  await rejects({ ...source(key, alert), value: Buffer.from('\u0000garbage') }, /cannot decode the value/);
  await rejects(source({ sensorId: 's', rule: 'LASER' }, null), /key rule "LASER"/);
  await rejects(source(key, { ...alert, state: 'CLOSED', threshold: '45' }), /bad or missing: threshold, state/);
});
