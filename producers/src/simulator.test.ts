import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { Message, Producer, ProducerRecord } from 'kafkajs';
import type { SensorReading } from '@iot/contracts';
import { defaultFleet, scaleIntervals } from './fleet.ts';
import { seededRandom } from './signal.ts';
import { checkTimingRatios, LATE_AFTER_MS, readingTime, simulate, type ReadingKind } from './simulator.ts';
import { Tally } from './tally.ts';
import { checkTransportRatio, MALFORMED_HEADER, malformedValue } from './transport-faults.ts';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 30);

function draw(n: number, elapsedMs: number, ratios: { outOfOrderRatio: number; lateRatio: number }, seed = 42) {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => readingTime(NOW, elapsedMs, ratios, random));
}

test('with both ratios 0 every reading is on time', () => {
  assert.ok(draw(1000, 60_000, { outOfOrderRatio: 0, lateRatio: 0 }).every((r) => r.kind === 'on-time' && r.timestamp === NOW));
});

test('out-of-order timestamps are 1-4 s in the past, late ones exactly 5 minutes', () => {
  const times = draw(10_000, 60_000, { outOfOrderRatio: 0.5, lateRatio: 0.5 });
  const outOfOrder = times.filter((r) => r.kind === 'out-of-order').map((r) => NOW - r.timestamp);
  assert.ok(outOfOrder.every((delay) => Number.isInteger(delay) && delay >= 1_000 && delay <= 4_000));
  // Uniform over the range: both ends are reached and each second gets about a third.
  assert.ok(Math.min(...outOfOrder) < 1_050 && Math.max(...outOfOrder) > 3_950);
  const firstSecond = outOfOrder.filter((delay) => delay < 2_000).length / outOfOrder.length;
  assert.ok(Math.abs(firstSecond - 1 / 3) < 0.03, `share of delays under 2 s: ${firstSecond}`);
  assert.ok(times.filter((r) => r.kind === 'late').every((r) => r.timestamp === NOW - 5 * 60_000));
  assert.ok(times.every((r) => r.kind !== 'on-time'));
});

test('no late readings in the first 3 s of a run', () => {
  for (const elapsedMs of [0, 1_500, LATE_AFTER_MS - 1]) {
    const times = draw(1000, elapsedMs, { outOfOrderRatio: 0.2, lateRatio: 0.8 });
    assert.ok(times.every((r) => r.kind !== 'late' && r.timestamp > NOW - 5_000), `elapsed ${elapsedMs} ms`);
  }
  assert.ok(draw(1000, LATE_AFTER_MS, { outOfOrderRatio: 0, lateRatio: 1 }).every((r) => r.kind === 'late'));
});

test('over 10,000 draws with a fixed seed the observed ratios are within 2 points of the requested ones', () => {
  for (const [outOfOrderRatio, lateRatio] of [[0.1, 0.05], [0.3, 0.2], [0.02, 0.5], [0.7, 0.3]] as const) {
    for (const seed of [1, 42, 2026]) {
      const times = draw(10_000, 10_000, { outOfOrderRatio, lateRatio }, seed);
      const share = (kind: ReadingKind) => times.filter((r) => r.kind === kind).length / times.length;
      assert.ok(Math.abs(share('out-of-order') - outOfOrderRatio) <= 0.02, `out-of-order ${share('out-of-order')} vs ${outOfOrderRatio} (seed ${seed})`);
      assert.ok(Math.abs(share('late') - lateRatio) <= 0.02, `late ${share('late')} vs ${lateRatio} (seed ${seed})`);
    }
  }
});

test('the same seed gives the same timestamps', () => {
  const ratios = { outOfOrderRatio: 0.3, lateRatio: 0.1 };
  assert.deepEqual(draw(500, 5_000, ratios, 7), draw(500, 5_000, ratios, 7));
  assert.notDeepEqual(draw(500, 5_000, ratios, 7), draw(500, 5_000, ratios, 8));
});

test('ratios outside [0, 1] or adding up to more than 1 are rejected with the flag name', () => {
  assert.doesNotThrow(() => checkTimingRatios({ outOfOrderRatio: 0, lateRatio: 0 }));
  assert.doesNotThrow(() => checkTimingRatios({ outOfOrderRatio: 0.7, lateRatio: 0.3 }));
  assert.throws(() => checkTimingRatios({ outOfOrderRatio: -0.1, lateRatio: 0 }), /^Error: --out-of-order-ratio: expected a number from 0 to 1/);
  assert.throws(() => checkTimingRatios({ outOfOrderRatio: 0, lateRatio: 1.5 }), /^Error: --late-ratio: expected a number from 0 to 1/);
  assert.throws(() => checkTimingRatios({ outOfOrderRatio: Number.NaN, lateRatio: 0 }), /--out-of-order-ratio/);
  assert.throws(() => checkTimingRatios({ outOfOrderRatio: 0.6, lateRatio: 0.5 }), /--out-of-order-ratio \+ --late-ratio: must add up to at most 1/);
});

test('the tally keeps late readings out of the windows and counts them by sensor', () => {
  const tally = new Tally();
  const reading = (sensorId: string, timestamp: number, value: number): SensorReading => ({ sensorId, sensorType: 'co2', siteId: 'x', timestamp, value, unit: 'ppm' });
  const minute = Math.floor(NOW / 60_000) * 60_000;
  tally.add(reading('a', NOW, 10));
  tally.add(reading('a', NOW - 3_000, 4)); // out of order, same minute
  tally.add(reading('b', minute - 2_000, 7)); // out of order, previous minute
  tally.addLate(reading('a', NOW - 5 * 60_000, 1));
  tally.addLate(reading('b', NOW - 5 * 60_000, 2));
  tally.addLate(reading('a', NOW - 5 * 60_000 + 100, 3));
  assert.deepEqual(tally.toJSON(), {
    windows: [
      { sensorId: 'a', windowStart: minute, count: 2, min: 4, max: 10, sum: 14 },
      { sensorId: 'b', windowStart: minute - 60_000, count: 1, min: 7, max: 7, sum: 7 },
    ],
    late: { count: 3, bySensor: { a: 2, b: 1 } },
    duplicates: { count: 0, bySensor: {} },
    malformed: { count: 0, byKind: {} },
  });
  // The file format is the same object.
  assert.deepEqual(JSON.parse(JSON.stringify(tally)), tally.toJSON());
});

test('an empty tally has no windows and no late readings', () => {
  assert.deepEqual(new Tally().toJSON(), { windows: [], late: { count: 0, bySensor: {} }, duplicates: { count: 0, bySensor: {} }, malformed: { count: 0, byKind: {} } });
});

test('the tally counts a duplicate in its window like the processor does, notes it apart, and keeps malformed records out of windows', () => {
  const tally = new Tally();
  const reading: SensorReading = { sensorId: 'a', sensorType: 'co2', siteId: 'x', timestamp: NOW, value: 500, unit: 'ppm' };
  tally.add(reading);
  tally.add(reading);
  tally.addDuplicate(reading);
  tally.addMalformed('invalid-value');
  tally.addMalformed('bad-magic-byte');
  tally.addMalformed('invalid-value');
  const file = tally.toJSON();
  assert.deepEqual(file.windows, [{ sensorId: 'a', windowStart: Math.floor(NOW / 60_000) * 60_000, count: 2, min: 500, max: 500, sum: 1000 }]);
  assert.deepEqual(file.duplicates, { count: 1, bySensor: { a: 1 } });
  assert.deepEqual(file.malformed, { count: 3, byKind: { 'bad-magic-byte': 1, 'invalid-value': 2 } });
});

test('malformed values: JSON text (bad magic byte), a frame that does not decode, a NaN reading', async () => {
  const reading: SensorReading = { sensorId: 's', sensorType: 'co2', siteId: 'x', timestamp: NOW, value: 500, unit: 'ppm' };
  const encode = async (r: SensorReading) => Buffer.from(`avro:${r.value}`);
  const json = await malformedValue('bad-magic-byte', reading, 7, encode);
  assert.equal(json[0], 0x7b);
  const undecodable = await malformedValue('undecodable', reading, 7, encode);
  assert.deepEqual([...undecodable], [0, 0, 0, 0, 7, 2]);
  assert.equal(String(await malformedValue('invalid-value', reading, 7, encode)), 'avro:NaN');
  assert.throws(() => checkTransportRatio('--malformed-ratio', 1.5), /^Error: --malformed-ratio: expected a number from 0 to 1/);
});

test('a send Kafka did not acknowledge is in no tally: neither its readings nor its malformed records', async (t) => {
  // registerSchema's POST to the registry.
  t.mock.method(globalThis, 'fetch', async () => new Response(JSON.stringify({ id: 1 })));
  const registry = { getSchema: async () => ({}), encode: async (_id: number, value: unknown) => Buffer.from(JSON.stringify(value)) } as unknown as SchemaRegistry;
  // Every other send fails, as during a broker outage that outlasts the producer's retries.
  const acknowledged: Message[] = [];
  let sends = 0;
  const producer = {
    send: async (record: ProducerRecord) => {
      sends += 1;
      if (sends % 2 === 0) throw new Error('broker unavailable');
      acknowledged.push(...record.messages);
      return [];
    },
  } as unknown as Producer;
  const tally = new Tally();
  const stats = await simulate(producer, registry, 'http://registry.invalid', scaleIntervals(defaultFleet(), 400), { seed: 7, durationMs: 1500, malformedRatio: 0.3, tally });

  const malformedKinds = acknowledged.map((message) => message.headers?.[MALFORMED_HEADER]).filter((kind) => kind !== undefined).map(String);
  const acknowledgedByKind: Record<string, number> = {};
  for (const kind of malformedKinds) acknowledgedByKind[kind] = (acknowledgedByKind[kind] ?? 0) + 1;
  const file = tally.toJSON();
  assert.ok(sends >= 4 && stats.errors > 0, `some sends failed (${sends} sends, ${stats.errors} records not acknowledged)`);
  assert.deepEqual(file.malformed, { count: malformedKinds.length, byKind: Object.fromEntries(Object.entries(acknowledgedByKind).sort()) });
  assert.equal(stats.malformed, malformedKinds.length);
  assert.equal(file.windows.reduce((sum, window) => sum + window.count, 0), acknowledged.length - malformedKinds.length);
});
