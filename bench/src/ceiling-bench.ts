import type { Admin } from 'kafkajs';
import type { BenchInput } from './bench-input.ts';
import { createTopicLike, runConsumerPerformance, runProducerPerformance, type ConsumerPerfResult, type PerfResult } from './kafka-tools.ts';
import { grouped, round, type Resources } from './support.ts';
import { median, type ThroughputResult } from './throughput.ts';

/**
 * Ceiling: the raw read and write rates of this broker on this machine, with Kafka's own tools, on
 * the run's shared input: ConsumerPerformance reads all of it (the same records our processor
 * reads), ProducerPerformance writes as many records of the same average size into a scratch
 * topic with the same partitions. One round of each follows each timed throughput run, so ours
 * and theirs are measured side by side, and the medians are compared.
 */

export interface CeilingOptions {
  readonly runId: string;
  /**
   * read_committed, as our processor's consumer reads. The input was written by an idempotent,
   * non-transactional producer, so both levels return the same records at the same cost here.
   */
  readonly isolationLevel: 'read_committed' | 'read_uncommitted';
  /** ProducerPerformance configs over PERF_DEFAULT_PROPS (--perf-prop). */
  readonly perfProps: Readonly<Record<string, string>>;
  readonly brokers: readonly string[];
  readonly outDir: string;
  readonly signal: AbortSignal;
  readonly progress: (line: string) => void;
}

export interface CeilingResult {
  topic: string;
  records: number;
  partitions: number;
  /** Average key + value bytes of the input's records: ProducerPerformance's --record-size (rounded), and the MB of ours. */
  recordBytes: number;
  isolationLevel: 'read_committed' | 'read_uncommitted';
  rounds: number;
  /** One per round, in order. */
  consumerPerformance: ConsumerPerfResult[];
  producerPerformance: PerfResult[];
  /** Our processor's readings/s in the throughput runs these rounds followed (start() to committed end offsets). */
  oursReadingsPerSecond: number[];
  median: {
    /** ConsumerPerformance over its whole run (group join included), and over its fetches only. */
    consumerRecordsPerSecond: number;
    consumerMbPerSecond: number;
    consumerFetchRecordsPerSecond: number;
    producerRecordsPerSecond: number;
    producerMbPerSecond: number;
    oursReadingsPerSecond: number;
    /** oursReadingsPerSecond × recordBytes, in MB (1,048,576 bytes, as Kafka's tools count them) per second. */
    oursMbPerSecond: number;
  };
  /** median ours / median ConsumerPerformance records/s: our processor as a fraction of the raw read rate. */
  oursOverConsumer: number;
  /** The same against ConsumerPerformance's fetch rate (its group join left out). */
  oursOverConsumerFetch: number;
  /** median ours / median ProducerPerformance records/s. */
  oursOverProducer: number;
  /** Each round's own ratio ours / ConsumerPerformance (ours run just before it). */
  roundRatios: number[];
  verified: { consumerReadAll: boolean; producerSentAll: boolean };
}

export class CeilingBench {
  private readonly consumers: ConsumerPerfResult[] = [];
  private readonly producers: PerfResult[] = [];

  constructor(
    private readonly input: BenchInput,
    private readonly options: CeilingOptions,
    private readonly resources: Resources,
    private readonly admin: Admin,
  ) {}

  /** One ConsumerPerformance over the whole input, then one ProducerPerformance into a fresh scratch topic. */
  async round(index: number): Promise<void> {
    const { options, input } = this;
    const groupId = `bench-${options.runId}-consumer-perf${index + 1}`;
    this.resources.groups.add(groupId);
    this.consumers.push(await runConsumerPerformance({
      topic: input.topics.readings,
      records: input.fill.readings,
      groupId,
      isolationLevel: options.isolationLevel,
      clientId: groupId,
      brokers: options.brokers,
      outDir: options.outDir,
      signal: options.signal,
      progress: options.progress,
    }));
    const topic = `bench.${options.runId}.producer-perf${index + 1}`;
    await createTopicLike(this.admin, topic, 'iot.sensor-readings', this.resources);
    this.producers.push(await runProducerPerformance({
      topic,
      records: input.fill.readings,
      recordSize: Math.round(input.fill.recordBytes),
      props: options.perfProps,
      clientId: `bench-${options.runId}-producer-perf${index + 1}`,
      brokers: options.brokers,
      outDir: options.outDir,
      signal: options.signal,
      progress: options.progress,
    }));
  }

  /** The rounds so far, next to the throughput runs they followed. */
  result(throughput: ThroughputResult): CeilingResult {
    const { input } = this;
    const ours = throughput.runs.slice(0, this.consumers.length).map((run) => run.readingsPerSecond);
    const oursMedian = median(ours);
    const consumerMedian = median(this.consumers.map((run) => run.recordsPerSecond));
    const fetchMedian = median(this.consumers.map((run) => run.fetchRecordsPerSecond));
    const producerMedian = median(this.producers.map((run) => run.recordsPerSecond));
    return {
      topic: input.topics.readings,
      records: input.fill.readings,
      partitions: input.fill.partitions,
      recordBytes: input.fill.recordBytes,
      isolationLevel: this.options.isolationLevel,
      rounds: this.consumers.length,
      consumerPerformance: this.consumers,
      producerPerformance: this.producers,
      oursReadingsPerSecond: ours,
      median: {
        consumerRecordsPerSecond: consumerMedian,
        consumerMbPerSecond: median(this.consumers.map((run) => run.mbPerSecond)),
        consumerFetchRecordsPerSecond: fetchMedian,
        producerRecordsPerSecond: producerMedian,
        producerMbPerSecond: median(this.producers.map((run) => run.mbPerSecond)),
        oursReadingsPerSecond: oursMedian,
        oursMbPerSecond: (oursMedian * input.fill.recordBytes) / 1048576,
      },
      oursOverConsumer: oursMedian / consumerMedian,
      oursOverConsumerFetch: oursMedian / fetchMedian,
      oursOverProducer: oursMedian / producerMedian,
      roundRatios: this.consumers.map((run, i) => (ours[i] ?? Number.NaN) / run.recordsPerSecond),
      verified: {
        consumerReadAll: this.consumers.length > 0 && this.consumers.every((run) => run.records === input.fill.readings),
        producerSentAll: this.producers.length > 0 && this.producers.every((run) => run.records === input.fill.readings),
      },
    };
  }
}

export function printCeiling(result: CeilingResult): string[] {
  const { median: m } = result;
  const list = (values: readonly number[]): string => values.map((value) => grouped(value)).join(', ');
  return [
    `Ceiling: Kafka's own tools on the same input (${grouped(result.records)} records of ${result.recordBytes.toFixed(1)} bytes on average, ${result.partitions} partitions), ${result.rounds} round(s), each right after a throughput run`,
    `  ConsumerPerformance   ${grouped(m.consumerRecordsPerSecond)} records/s, ${m.consumerMbPerSecond.toFixed(2)} MB/s (median; runs ${list(result.consumerPerformance.map((run) => run.recordsPerSecond))}); fetch only ${grouped(m.consumerFetchRecordsPerSecond)}/s; ${result.isolationLevel}, one consumer, default fetch sizes`,
    `  ProducerPerformance   ${grouped(m.producerRecordsPerSecond)} records/s, ${m.producerMbPerSecond.toFixed(2)} MB/s (median; runs ${list(result.producerPerformance.map((run) => run.recordsPerSecond))}); ${Math.round(result.recordBytes)}-byte records into a fresh ${result.partitions}-partition topic, ${Object.entries(result.producerPerformance[0]?.props ?? {}).filter(([name]) => !['bootstrap.servers', 'client.id'].includes(name)).map(([name, value]) => `${name}=${value}`).join(' ')}`,
    `  ours                  ${grouped(m.oursReadingsPerSecond)} readings/s, ${m.oursMbPerSecond.toFixed(2)} MB/s (median of the throughput runs: ${list(result.oursReadingsPerSecond)})`,
    `  ours / consumer       ${round(result.oursOverConsumer, 3)} of the raw read rate (per round ${result.roundRatios.map((ratio) => round(ratio, 3)).join(', ')}); ${round(result.oursOverConsumerFetch, 3)} of its fetch-only rate; ours / producer ${round(result.oursOverProducer, 3)}`,
    `  check                 ConsumerPerformance read all ${grouped(result.records)}: ${result.verified.consumerReadAll ? 'OK' : 'MISMATCH'}; ProducerPerformance sent all: ${result.verified.producerSentAll ? 'OK' : 'MISMATCH'}`,
  ];
}
