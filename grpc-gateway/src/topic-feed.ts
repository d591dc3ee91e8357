import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { CatchUp, type Logger } from '@iot/runtime';
import { TopicState } from './streams/topic-state.ts';

export interface TopicFeedOptions<V> {
  readonly kafka: Kafka;
  readonly topic: string;
  /** 'beginning' (a compacted topic: its whole state), or only records newer than this many ms. */
  readonly from: 'beginning' | { readonly lastMs: number };
  /** Records kept per partition for resuming clients. */
  readonly resumeBuffer: number;
  /** The record's key on the gateway and its value (null: tombstone); undefined skips the record. */
  readonly decode: (message: KafkaMessage) => Promise<{ key: string; value: V | null } | undefined>;
  readonly logger: Logger;
}

export interface TopicFeed<V> {
  readonly state: TopicState<V>;
  /** Resolves once the records present at start are applied. */
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Follows a topic into a TopicState with a throwaway consumer group of its own (nothing is
 * committed, so every start rebuilds the same state), read_committed.
 */
export async function followTopic<V>(options: TopicFeedOptions<V>): Promise<TopicFeed<V>> {
  const { kafka, topic, logger } = options;
  const groupId = `iot-grpc-gateway-${topic}-${randomUUID()}`;
  const admin = kafka.admin();
  await admin.connect();
  let state: TopicState<V>;
  let catchUp: CatchUp;
  try {
    const ends = await admin.fetchTopicOffsets(topic).catch((error: unknown) => {
      throw new Error(`cannot read the end offsets of ${topic} (was the stack provisioned?): ${(error as Error).message}`);
    });
    let first = new Map(ends.map(({ partition, low }) => [partition, Number(low)]));
    if (options.from !== 'beginning') {
      const since = await admin.fetchTopicOffsetsByTimestamp(topic, Date.now() - options.from.lastMs);
      first = new Map(since.map(({ partition, offset }) => [partition, Number(offset)]));
      // Start the group there: the consumer reads from its committed offsets.
      await admin.setOffsets({ groupId, topic, partitions: [...first].map(([partition, offset]) => ({ partition, offset: String(offset) })) });
    }
    state = new TopicState<V>(topic, first, options.resumeBuffer);
    catchUp = new CatchUp(ends.map(({ partition, high }) => ({ partition, low: first.get(partition) ?? 0, high: Number(high) })));
  } finally {
    await admin.disconnect();
  }
  const consumer: Consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 250 });
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => catchUp.consumed(payload.partition, Number(payload.lastOffset), Number(payload.offsetLag)));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      let decoded: Awaited<ReturnType<typeof options.decode>>;
      try {
        decoded = await options.decode(message);
      } catch (error) {
        logger.warn({ err: error, topic, partition, offset: message.offset }, 'skipping a record the gateway cannot decode');
        return;
      }
      if (decoded) state.apply(decoded.key, decoded.value, partition, Number(message.offset));
    },
  });
  return {
    state,
    ready: catchUp.ready,
    async stop() {
      await consumer.disconnect();
      const cleanup = kafka.admin();
      await cleanup.connect();
      await cleanup.deleteGroups([groupId]).catch(() => undefined);
      await cleanup.disconnect();
    },
  };
}
