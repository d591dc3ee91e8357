import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Partitioners } from 'kafkajs';
import { SENSOR_READINGS_DLQ_TOPIC, SENSOR_READINGS_TOPIC, WINDOW_COUNTS_TOPIC, type WindowCount, type WindowCountKey } from '@iot/contracts';
import { badInputCatalog, collectFromTopic, kafka, uniquePrefix } from './support.ts';

test('every kind of bad input lands in the DLQ with its reason and source, while good readings keep counting exactly', { timeout: 120_000 }, async () => {
  const prefix = uniquePrefix('e2e-dlq');
  const { bad, good: goodRecord } = await badInputCatalog(prefix);
  const goodSensor = `${prefix}good`;
  const good = await Promise.all(Array.from({ length: 20 }, (_, i) => goodRecord(goodSensor, i)));

  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    // Interleaved, so good records before and after each bad one must all be counted.
    for (const [i, record] of bad.entries()) {
      await producer.send({ topic: SENSOR_READINGS_TOPIC, messages: [good[i]!, { key: record.key, value: record.value, headers: { 'e2e.case': `${prefix}${i}` } }] });
    }
    await producer.send({ topic: SENSOR_READINGS_TOPIC, messages: good.slice(bad.length) });
  } finally {
    await producer.disconnect();
  }

  const dead = await collectFromTopic<Buffer, Buffer>(SENSOR_READINGS_DLQ_TOPIC, {
    raw: true,
    select: () => true,
    done: (found) => found.filter((r) => r.headers['e2e.case']?.startsWith(prefix)).length >= bad.length,
    timeoutMs: 60_000,
  });
  const mine = dead.filter((r) => r.headers['e2e.case']?.startsWith(prefix));
  assert.equal(mine.length, bad.length, 'each bad record is dead-lettered exactly once');
  for (const [i, expected] of bad.entries()) {
    const record = mine.find((r) => r.headers['e2e.case'] === `${prefix}${i}`);
    assert.ok(record, `case ${i} (${expected.kind}) reached the DLQ`);
    assert.equal(record.headers['dlq.kind'], expected.kind, `case ${i}: ${record.headers['dlq.reason']}`);
    assert.match(record.headers['dlq.reason'] ?? '', expected.reason, `case ${i}`);
    assert.equal(record.headers['dlq.source.topic'], SENSOR_READINGS_TOPIC);
    assert.match(record.headers['dlq.source.partition'] ?? '', /^[0-5]$/);
    assert.match(record.headers['dlq.source.offset'] ?? '', /^\d+$/);
    assert.deepEqual(record.value, expected.value, `case ${i}: the original bytes are kept`);
  }

  const counts = await collectFromTopic<WindowCountKey, WindowCount>(WINDOW_COUNTS_TOPIC, {
    select: (key) => key.sensorId === goodSensor,
    done: (found) => found.some((r) => r.value?.count === good.length),
    timeoutMs: 60_000,
  });
  assert.ok(counts.every((r) => (r.value?.count ?? 0) <= good.length), 'no good reading counted twice');
  assert.equal(counts.at(-1)?.value?.sum, (good.length * (good.length - 1)) / 2, 'the latest count holds exactly the good readings');
});
