import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { KAFKA_BROKER, kafkaUnreachable, silentLogger } from './test-support.ts';
import { followTopic, type FeedRecord } from './topic-feed.ts';

test('a record that cannot be decoded yet (registry down) is retried until it can, in order; an unusable one is skipped and counted', { skip: kafkaUnreachable, timeout: 60_000 }, async (t) => {
  const kafka = new Kafka({ clientId: 'gateway-feed-test', brokers: [KAFKA_BROKER], logLevel: logLevel.NOTHING });
  const topic = `gateway-feed-test-${randomUUID()}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  const producer = kafka.producer();
  await producer.connect();
  t.after(async () => {
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });
  await producer.send({ topic, messages: ['a', 'flaky', 'not-mine', 'c'].map((value) => ({ key: value, value })) });

  let flakyAttempts = 0;
  const skipped: string[] = [];
  const feed = await followTopic<string>({
    kafka, topic, from: 'beginning', resumeBuffer: 10, logger: silentLogger,
    onSkipped: (skippedTopic) => skipped.push(skippedTopic),
    decode: async (message): Promise<FeedRecord<string>> => {
      const value = message.value!.toString();
      if (value === 'flaky' && ++flakyAttempts < 3) throw new Error('connect ECONNREFUSED 127.0.0.1:8081');
      if (value === 'not-mine') return { ok: false, reason: 'not Avro' };
      return { ok: true, key: value, value };
    },
  });
  t.after(() => feed.stop());
  await feed.ready;

  assert.equal(flakyAttempts, 3, 'tried until it decoded');
  assert.deepEqual([...feed.state.values()].map((record) => [record.value, record.position.offset]), [['a', 0], ['flaky', 1], ['c', 3]], 'nothing lost, in order');
  assert.deepEqual(skipped, [topic]);
});
