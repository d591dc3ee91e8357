import assert from 'node:assert/strict';
import { test } from 'node:test';
import { invalidReading, type SensorReading } from './index.ts';

const NOW = Date.UTC(2026, 5, 1);
const good: SensorReading = { sensorId: 's1', sensorType: 'power', siteId: 'x', timestamp: NOW, value: 3.5, unit: 'W' };

test('accepts a well-formed reading', () => {
  assert.equal(invalidReading(good, NOW), undefined);
  assert.equal(invalidReading({ ...good, unit: '' }, NOW), undefined, 'an empty unit is allowed here (the gateway is stricter)');
});

test('names the kind and the field that make a reading unusable', () => {
  const check = (reading: unknown) => invalidReading(reading as SensorReading, NOW);
  assert.deepEqual(check(null), { kind: 'invalid-field', reason: 'value is not a SensorReading record' });
  assert.deepEqual(check({ ...good, sensorId: '' }), { kind: 'invalid-field', reason: 'sensorId is empty' });
  assert.deepEqual(check({ ...good, siteId: '  ' }), { kind: 'invalid-field', reason: 'siteId is empty' });
  assert.equal(check({ sensorId: 's1', windowStart: NOW, count: 3 })?.kind, 'invalid-field', 'a record of another schema');
  assert.match(check({ ...good, value: Number.NaN })!.reason, /value is not a finite number \(NaN\)/);
  assert.equal(check({ ...good, value: Number.NEGATIVE_INFINITY })?.kind, 'invalid-value');
  assert.equal(check({ ...good, timestamp: NOW + 0.5 })?.kind, 'invalid-timestamp');
  assert.deepEqual(check({ ...good, timestamp: Date.UTC(1999, 11, 31) })?.kind, 'invalid-timestamp');
  assert.match(check({ ...good, timestamp: NOW + 2 * 86_400_000 })!.reason, /more than a day in the future/);
  assert.equal(check({ ...good, timestamp: NOW + 3_600_000 }), undefined, 'an hour of clock skew is tolerated');
});
