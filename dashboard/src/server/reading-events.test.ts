import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toReadingPayload } from '../lib/reading.ts';
import { parseReadingFilters, readingFiltersQuery, readingRecordEvent, streamReadingsRequest } from './reading-events.ts';

const reading = { sensorId: 's1', sensorType: 'temperature', siteId: 'plant-a', timestampMs: 1_000, value: 21.5, unit: '°C' };

test('a reading message becomes a `reading` event that the page reads back unchanged; other messages send nothing', () => {
  const event = readingRecordEvent({ reading, position: null, snapshot: true, cursor: '' });
  assert.deepEqual(event, { event: 'reading', data: { ...reading, snapshot: true } });
  assert.deepEqual(toReadingPayload(JSON.parse(JSON.stringify(event!.data)) as Record<string, unknown>), { ...reading, snapshot: true });
  assert.equal(readingRecordEvent({ heartbeat: { serverTimeMs: 1 }, position: null, snapshot: false, cursor: 'c' }), null);
});

test('the page refuses a reading payload without a sensor or a time; a null value (NaN on the wire) is NaN', () => {
  assert.equal(toReadingPayload({ ...reading, sensorId: '' }), null);
  assert.equal(toReadingPayload({ ...reading, timestampMs: 'soon' }), null);
  assert.ok(Number.isNaN(toReadingPayload({ ...reading, value: null })!.value));
});

test('filters: site, type and sensor, repeated or comma-separated, become the StreamReadings request and round-trip as a query', () => {
  const parsed = parseReadingFilters(new URLSearchParams('site=plant-a,plant-b&type=co2&type=temperature&sensor=s1'));
  assert.ok(parsed.ok);
  assert.deepEqual(streamReadingsRequest(parsed.filters), { siteIds: ['plant-a', 'plant-b'], sensorTypes: ['co2', 'temperature'], sensorIds: ['s1'] });
  assert.deepEqual(parseReadingFilters(new URLSearchParams(readingFiltersQuery(parsed.filters).slice(1))), parsed);
  const none = parseReadingFilters(new URLSearchParams(''));
  assert.ok(none.ok);
  assert.deepEqual(streamReadingsRequest(none.filters), { siteIds: [], sensorTypes: [], sensorIds: [] });
});

test('bad reading filters are refused with every problem named', () => {
  const parsed = parseReadingFilters(new URLSearchParams(`sensor=${'x'.repeat(200)}&severity=CRITICAL&${Array.from({ length: 101 }, (_, i) => `site=s${i}`).join('&')}`));
  assert.ok(!parsed.ok);
  assert.match(parsed.message, /sensor.*at most 128 characters/);
  assert.match(parsed.message, /unknown query parameter severity/);
  assert.match(parsed.message, /site: at most 100 values/);
});
