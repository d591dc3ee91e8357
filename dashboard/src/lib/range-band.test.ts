import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bandText, rangeBand, thresholdLines } from './range-band.ts';

test('the device thresholds win; a missing side, or no device, falls back to the type default', () => {
  assert.deepEqual(rangeBand('temperature', { minThreshold: 5, maxThreshold: 30 }), { min: 5, max: 30, minSource: 'device', maxSource: 'device' });
  assert.deepEqual(rangeBand('temperature', { minThreshold: null, maxThreshold: 30 }), { min: -10, max: 30, minSource: 'type default', maxSource: 'device' });
  assert.deepEqual(rangeBand('temperature', null), { min: -10, max: 45, minSource: 'type default', maxSource: 'type default' });
  assert.deepEqual(rangeBand('toString', null), { min: null, max: null, minSource: null, maxSource: null }, 'an unknown type (even a prototype name) has no band');
});

test('lines and text name each side and where it comes from', () => {
  const band = rangeBand('temperature', { minThreshold: null, maxThreshold: 30 });
  assert.deepEqual(thresholdLines(band, '°C'), [{ value: 30, label: 'max 30 °C (device)' }, { value: -10, label: 'min -10 °C (type default)' }]);
  assert.equal(bandText(band, '°C'), 'min -10 °C (type default), max 30 °C (device)');
  assert.equal(bandText(rangeBand('unknown', null), 'x'), 'no min, no max');
  assert.deepEqual(thresholdLines(rangeBand('unknown', null), 'x'), []);
});
