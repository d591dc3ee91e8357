import { Partitioners, type Kafka, type Producer } from 'kafkajs';

/**
 * Idempotent, acks=all: retries never duplicate or reorder one sensor's readings. The default
 * partitioner is murmur2, as in the Java client, so a sensor lands on the same partition either way.
 */
export async function connectProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    // kafkajs warns that fewer retries could break idempotence; keep retrying (with backoff) through broker restarts.
    retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 10_000 },
  });
  await producer.connect();
  return producer;
}
