import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countText, formatValue, minuteTooltip, numberText, utcDateMinute, utcMinute, utcTime } from './format.ts';

test('numbers: grouped with at most 2 decimals, counts grouped, rounding for charts; non-finite as an em dash', () => {
  assert.equal(numberText(1234.5678), '1,234.57');
  assert.equal(numberText(Number.NaN), '—');
  assert.equal(countText(1234567.4), '1,234,567');
  assert.equal(formatValue(21.456), '21.46');
  assert.equal(formatValue(Number.POSITIVE_INFINITY), '—');
});

test('times in UTC, and the per-minute tooltip lines', () => {
  const at = Date.UTC(2026, 11, 1, 20, 31, 9);
  assert.equal(utcTime(at), '20:31:09');
  assert.equal(utcMinute(at), '20:31');
  assert.equal(utcDateMinute(at), '2026-12-01 20:31');
  const tooltip = minuteTooltip('°C');
  assert.deepEqual(tooltip([19, 23.456], 'min–max'), ['19 – 23.46 °C', 'min–max']);
  assert.deepEqual(tooltip(42, 'readings'), ['42', 'readings']);
  assert.deepEqual(tooltip(21.5, 'mean'), ['21.5 °C', 'mean']);
});
