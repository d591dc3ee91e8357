import type { Logger } from '@iot/runtime';
import { runProbe, type KafkaProbes, type OffsetSample } from '../unary/pipeline-health.ts';

export interface OffsetSamplerOptions {
  readonly openKafka: () => KafkaProbes;
  readonly groupId: string;
  /** The gateway's feed topics, sampled beside the group's input topics. */
  readonly feedTopics: readonly string[];
  readonly intervalMs: number;
  /** Samples older than this (before the newest) are dropped. */
  readonly keepMs: number;
  readonly timeoutMs: number;
  readonly logger: Logger;
}

export interface OffsetSampler {
  /** Oldest first. */
  samples(): readonly OffsetSample[];
  stop(): void;
}

/**
 * Samples the processor group's committed offsets and the end offsets of its input topics and
 * of the gateway's feeds every `intervalMs`, keeping the last `keepMs`: throughput and stalls
 * come from these deltas, so GetPipelineHealth answers at once instead of waiting to measure.
 * A failed sample is skipped (logged once per outage).
 */
export function startOffsetSampler(options: OffsetSamplerOptions): OffsetSampler {
  const samples: OffsetSample[] = [];
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let failing = false;

  const sampleOnce = async (): Promise<void> => {
    const kafka = options.openKafka();
    try {
      const outcome = await runProbe(options.timeoutMs, async () => {
        const committed = await kafka.committedOffsets(options.groupId);
        const { ends } = await kafka.offsetRanges([...new Set([...committed.keys(), ...options.feedTopics])]);
        return { atMs: Date.now(), committed, ends };
      });
      if (outcome.ok) {
        samples.push(outcome.value);
        const oldestKept = outcome.value.atMs - options.keepMs;
        while (samples.length > 1 && samples[0]!.atMs < oldestKept) samples.shift();
        if (failing) options.logger.info({ groupId: options.groupId }, 'offset sampling works again');
        failing = false;
      } else if (!failing) {
        failing = true;
        options.logger.warn({ groupId: options.groupId, reason: outcome.reason }, 'offset sampling failed (throughput unknown until it works again)');
      }
    } finally {
      await kafka.close().catch(() => undefined);
    }
  };

  // One after the other (never overlapping), `intervalMs` apart.
  const loop = () => {
    void sampleOnce().finally(() => {
      if (!stopped) timer = setTimeout(loop, options.intervalMs);
    });
  };
  loop();
  return {
    samples: () => samples,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
