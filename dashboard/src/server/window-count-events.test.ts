import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseWindowCountFilters } from './window-count-events.ts';

test('window-counts stream filters: sensors repeated or comma-separated; anything else is refused', () => {
  assert.deepEqual(parseWindowCountFilters(new URLSearchParams('')), { ok: true, filters: { sensor: [] } });
  assert.deepEqual(parseWindowCountFilters(new URLSearchParams('sensor=a,b&sensor=c')), { ok: true, filters: { sensor: ['a', 'b', 'c'] } });
  assert.deepEqual(parseWindowCountFilters(new URLSearchParams('site=x')), { ok: false, message: 'unknown query parameter site' });
  const long = parseWindowCountFilters(new URLSearchParams(`sensor=${'x'.repeat(129)}`));
  assert.equal(long.ok, false);
  assert.match(long.ok ? '' : long.message, /sensor\.0: at most 128 characters/);
});
