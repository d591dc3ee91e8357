import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Logger } from '@iot/runtime';

/** How recently a topic got a record, as the gateway's consumer of it saw it. */
export interface RecencyView {
  readonly topic: string;
  /** Kafka timestamp of the newest record read (epoch ms); undefined: none read yet. */
  readonly newestTimestampMs: number | undefined;
  /** When the gateway last received a record of it (epoch ms); undefined: none yet. */
  readonly lastReceivedAtMs: number | undefined;
}

/** Kept by whoever consumes the topic: `saw` for every record read, tombstones and unusable ones too. */
export class TopicRecency implements RecencyView {
  newestTimestampMs: number | undefined;
  lastReceivedAtMs: number | undefined;

  constructor(readonly topic: string) {}

  saw(timestampMs: number, receivedAtMs: number): void {
    // Newest by timestamp: a record stamped in the past (a late reading) does not make the topic look older.
    if (Number.isFinite(timestampMs) && (this.newestTimestampMs === undefined || timestampMs > this.newestTimestampMs)) this.newestTimestampMs = timestampMs;
    this.lastReceivedAtMs = receivedAtMs;
  }
}

export interface TopicWatch {
  readonly recency: RecencyView;
  stop(): Promise<void>;
}

/**
 * Watches a topic the gateway does not serve (the devices CDC topic) only for its recency:
 * a throwaway consumer group that starts at each partition's last record and decodes nothing.
 */
export async function watchTopicRecency(kafka: Kafka, topic: string, logger: Logger): Promise<TopicWatch> {
  const groupId = `iot-grpc-gateway-recency-${topic}-${randomUUID()}`;
  const recency = new TopicRecency(topic);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    // The last record of each partition (not a marker: the topic is written without transactions).
    const partitions = ends.map(({ partition, low, high }) => ({ partition, offset: String(Math.max(Number(low), Number(high) - 1)) }));
    await admin.setOffsets({ groupId, topic, partitions });
  } finally {
    await admin.disconnect();
  }
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 1000 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommitInterval: 5000,
    eachBatch: async ({ batch }) => {
      const now = Date.now();
      for (const message of batch.messages) recency.saw(Number(message.timestamp), now);
    },
  });
  logger.debug({ topic, groupId }, 'watching the topic for its newest record');
  return {
    recency,
    async stop() {
      await consumer.disconnect();
      const cleanup = kafka.admin();
      await cleanup.connect();
      await cleanup.deleteGroups([groupId]).catch(() => undefined);
      await cleanup.disconnect();
    },
  };
}
