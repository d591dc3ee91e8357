import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { CatchUp } from '@iot/runtime';
import { ChangelogFold } from './state-changelog.ts';

const RESTORE_TIMEOUT_MS = 120_000;

/**
 * Reads the changelog partitions backing `partitions` from the beginning to their current end
 * (read_committed: aborted transactions' records are skipped), folding them into state as they arrive.
 */
export async function restorePartitions(kafka: Kafka, topic: string, partitions: readonly number[]): Promise<Map<number, ChangelogFold>> {
  const wanted = new Set(partitions);
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `restore-${topic}-${randomUUID()}`;
  try {
    const ends = (await admin.fetchTopicOffsets(topic)).filter(({ partition }) => wanted.has(partition));
    const catchUp = new CatchUp(ends.map(({ partition, low, high }) => ({ partition, low: Number(low), high: Number(high) })));
    const folds = new Map<number, ChangelogFold>(partitions.map((partition) => [partition, new ChangelogFold()]));
    if (!catchUp.caughtUp) {
      const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => catchUp.consumed(payload.partition, Number(payload.lastOffset), Number(payload.offsetLag)));
      await consumer.connect();
      try {
        await consumer.subscribe({ topic, fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const fold = folds.get(batch.partition);
            if (!fold) return;
            for (const message of batch.messages) {
              if (message.key) fold.apply({ key: message.key.toString(), value: message.value ? message.value.toString() : null });
            }
          },
        });
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`restoring ${topic} partitions ${catchUp.pendingPartitions.join(', ')} did not finish in ${RESTORE_TIMEOUT_MS / 1000} s`)), RESTORE_TIMEOUT_MS);
        });
        await Promise.race([catchUp.ready, timeout]).finally(() => clearTimeout(timer));
      } finally {
        await consumer.disconnect();
        await admin.deleteGroups([groupId]).catch(() => undefined);
      }
    }
    return folds;
  } finally {
    await admin.disconnect();
  }
}
