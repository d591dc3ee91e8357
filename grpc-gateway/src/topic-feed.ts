import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { CatchUp, type Logger } from '@iot/runtime';
import { TopicState } from './streams/topic-state.ts';
import { TopicRecency, type RecencyView } from './topic-recency.ts';

/** A record as the gateway holds it (value null: a tombstone), or why it cannot be used. */
export type FeedRecord<V> = { ok: true; key: string; value: V | null } | { ok: false; reason: string };

export interface TopicFeedOptions<V> {
  readonly kafka: Kafka;
  readonly topic: string;
  /** 'beginning' (a compacted topic: its whole state), or only records newer than this many ms. */
  readonly from: 'beginning' | { readonly lastMs: number };
  /** Records kept per partition for resuming clients. */
  readonly resumeBuffer: number;
  /**
   * The record's key on the gateway and its value, or why the record is unusable (it is then
   * skipped, logged and counted). Throws when that cannot be known now (the schema registry is
   * unreachable): the record is tried again until it can, so the held state never has a gap.
   */
  readonly decode: (message: KafkaMessage) => Promise<FeedRecord<V>>;
  readonly onSkipped: (topic: string) => void;
  readonly logger: Logger;
}

export interface TopicFeed<V> {
  readonly state: TopicState<V>;
  /** Resolves once the records present at start are applied. */
  readonly ready: Promise<void>;
  /** Whether `ready` has resolved. */
  readonly loaded: boolean;
  /**
   * Per partition, the offset the consumer reads next: past every record it has been through,
   * transaction markers and aborted records included (so it equals the end offset when caught up).
   */
  readonly positions: ReadonlyMap<number, number>;
  /** The newest record read (any: tombstones and skipped ones too). */
  readonly recency: RecencyView;
  stop(): Promise<void>;
}

/**
 * Follows a topic into a TopicState with a throwaway consumer group of its own (a new one each
 * start, so every start rebuilds the same state), read_committed.
 */
export async function followTopic<V>(options: TopicFeedOptions<V>): Promise<TopicFeed<V>> {
  const { kafka, topic, logger } = options;
  const groupId = `iot-grpc-gateway-${topic}-${randomUUID()}`;
  const admin = kafka.admin();
  await admin.connect();
  let state: TopicState<V>;
  let catchUp: CatchUp;
  let positions: Map<number, number>;
  const recency = new TopicRecency(topic);
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
    positions = new Map(first);
    catchUp = new CatchUp(ends.map(({ partition, high }) => ({ partition, low: first.get(partition) ?? 0, high: Number(high) })));
  } finally {
    await admin.disconnect();
  }
  const consumer: Consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 250 });
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    catchUp.consumed(payload.partition, Number(payload.lastOffset), Number(payload.offsetLag));
    positions.set(payload.partition, Math.max(positions.get(payload.partition) ?? 0, Number(payload.lastOffset) + 1));
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let stopping = false;
  await consumer.run({
    // Committed (to this group only), so a re-join after a lost membership goes on from about
    // where it was, not from the beginning; TopicState ignores the records it already has.
    autoCommitInterval: 5000,
    eachMessage: async ({ partition, message, heartbeat }) => {
      recency.saw(Number(message.timestamp), Date.now());
      for (let attempt = 1; !stopping; attempt++) {
        let decoded: FeedRecord<V>;
        try {
          decoded = await options.decode(message);
        } catch (error) {
          logger.warn({ err: error, topic, partition, offset: message.offset, attempt }, 'cannot decode the record now (schema registry unavailable?); retrying it');
          await sleep(Math.min(10_000, 100 * 2 ** attempt));
          await heartbeat();
          continue;
        }
        if (decoded.ok) {
          state.apply(decoded.key, decoded.value, partition, Number(message.offset));
          // Applying a record writes to every subscriber: with many, a batch takes long enough to
          // miss the group's session timeout. heartbeat() sends only when one is due.
          await heartbeat();
        } else {
          options.onSkipped(topic);
          logger.warn({ topic, partition, offset: message.offset, reason: decoded.reason }, 'skipping a record the gateway cannot use');
        }
        return;
      }
    },
  });
  return {
    state,
    ready: catchUp.ready,
    get loaded() {
      return catchUp.caughtUp;
    },
    positions,
    recency,
    async stop() {
      stopping = true;
      await consumer.disconnect();
      const cleanup = kafka.admin();
      await cleanup.connect();
      await cleanup.deleteGroups([groupId]).catch(() => undefined);
      await cleanup.disconnect();
    },
  };
}
