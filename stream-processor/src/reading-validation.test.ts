import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SensorReading } from '@iot/contracts';
import { invalidReadingReason } from './reading-validation.ts';

const NOW = Date.UTC(2026, 5, 1);
const good: SensorReading = { sensorId: 's1', sensorType: 'power', siteId: 'x', timestamp: NOW, value: 3.5, unit: 'W' };

test('accepts a well-formed reading', () => {
  assert.equal(invalidReadingReason(good, NOW), undefined);
});

test('names the field that makes a reading unusable', () => {
  assert.match(invalidReadingReason({ ...good, sensorId: '' }, NOW)!, /sensorId/);
  assert.match(invalidReadingReason({ ...good, value: Number.NaN }, NOW)!, /value/);
  assert.match(invalidReadingReason({ ...good, value: Number.POSITIVE_INFINITY }, NOW)!, /finite/);
  assert.match(invalidReadingReason({ ...good, timestamp: 5 }, NOW)!, /timestamp/);
  assert.match(invalidReadingReason({ ...good, timestamp: NOW + 2 * 86_400_000 }, NOW)!, /future/);
});
