import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHistoryRange, toUtcMinuteInput } from './history-range.ts';

const NOW = Date.UTC(2026, 11, 1, 20, 30, 15);
const parse = (query: string) => parseHistoryRange(new URLSearchParams(query), NOW);

test('a preset ends at the next whole minute after now', () => {
  assert.deepEqual(parse(''), { ok: true, range: { preset: '1h', fromMs: Date.UTC(2026, 11, 1, 19, 31), toMs: Date.UTC(2026, 11, 1, 20, 31) } });
  const week = parse('range=7d');
  assert.ok(week.ok);
  assert.equal(week.range.toMs - week.range.fromMs, 7 * 24 * 3_600_000);
});

test('a custom range is read as UTC minutes', () => {
  assert.deepEqual(parse('range=custom&from=2026-11-30T08:00&to=2026-11-30T09:15'), {
    ok: true,
    range: { preset: 'custom', fromMs: Date.UTC(2026, 10, 30, 8, 0), toMs: Date.UTC(2026, 10, 30, 9, 15) },
  });
  assert.equal(toUtcMinuteInput(Date.UTC(2026, 10, 30, 8, 5, 59)), '2026-11-30T08:05');
});

test('bad ranges say what is wrong', () => {
  assert.deepEqual(parse('range=2h'), { ok: false, message: 'range must be one of 1h, 6h, 24h, 7d, custom, got "2h"' });
  assert.deepEqual(parse('range=custom&to=2026-11-30T09:15'), { ok: false, message: 'from is required for a custom range (YYYY-MM-DDTHH:MM, UTC)' });
  assert.deepEqual(parse('range=custom&from=yesterday&to=2026-11-30T09:15'), { ok: false, message: 'from must be YYYY-MM-DDTHH:MM (UTC), got "yesterday"' });
  assert.deepEqual(parse('range=custom&from=2026-02-31T00:00&to=2026-03-05T00:00'), { ok: false, message: 'from "2026-02-31T00:00" is not a real date and time' });
  assert.deepEqual(parse('range=custom&from=2026-11-30T10:00&to=2026-11-30T09:00'), { ok: false, message: 'from must be before to' });
  assert.deepEqual(parse('range=custom&from=2026-10-01T00:00&to=2026-11-30T00:00'), { ok: false, message: 'a custom range is at most 31 days' });
});
