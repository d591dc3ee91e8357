import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { createKafka, createMetrics, createRegistry } from '@iot/runtime';
import { DEFAULT_ALERT_RULES } from '@iot/stream-processor/alert-rules';
import { changelogTopicOf, createProcessorConsumer, StreamProcessor, type ProcessorTopics } from '@iot/stream-processor/processor';
import { createOutputTopics, processorTopics, type BenchInput, type InputFill } from './bench-input.ts';
import {
  captureLogs,
  CpuMeter,
  histogramSummary,
  metricByLabel,
  metricTotal,
  RssSampler,
  type HistogramSummary,
  type Resources,
} from './support.ts';

export { benchFleet } from './bench-input.ts';

/** The window rules of every bench processor (production's defaults). */
export const WINDOW_RULES = { graceMs: 10_000, idleMs: 5_000, updateIntervalMs: 1_000 } as const;

export interface ThroughputOptions {
  readonly runId: string;
  readonly commitIntervalMs: number;
  /** Timed runs, each in a fresh group with fresh output topics (after one untimed warm-up). */
  readonly repeats: number;
  /** The warm-up run stops once it has consumed this many readings (0: no warm-up). */
  readonly warmUpReadings: number;
  readonly brokers: readonly string[];
  readonly registryUrl: string;
  /** `processor-<runid>-<name>.log` files go here. */
  readonly outDir: string;
  readonly signal: AbortSignal;
  readonly progress: (line: string) => void;
}

/** The processor's own counters after a run (prom-client, this instance only). */
export interface ProcessorMetrics {
  consumed: number;
  processed: number;
  deadLettered: Record<string, number>;
  late: number;
  windowRecords: Record<string, number>;
  alertRecords: Record<string, number>;
  transactions: HistogramSummary;
}

/** One timed run of one StreamProcessor over the whole input. */
export interface ThroughputRun {
  applicationId: string;
  /** processor.start() until the group's committed offsets reached the end of every input partition. */
  seconds: number;
  readingsPerSecond: number;
  /** processor.start() until the first batch was handed to the processor (schemas, changelog topic, group join). */
  startupSeconds: number;
  /** First batch until everything committed: the steady-state rate. */
  processingSeconds: number;
  processingReadingsPerSecond: number;
  metrics: ProcessorMetrics;
  /** Every reading was consumed, and processed, exactly once by this run. */
  verified: { consumedEqualsReadings: boolean; processedEqualsReadings: boolean };
  /** RSS of the benchmark's process (the processor runs in it). */
  rss: { beforeStartMiB: number; peakMiB: number };
  /** Cores busy on average from start() to the committed end offsets: this process, and the whole machine. */
  cpu: { processCores: number; machineCores: number | null };
  processorLog: { file: string; counts: Record<string, number>; messages: Array<{ message: string; count: number }> };
}

/**
 * The top-level run fields (seconds, readingsPerSecond, metrics, rss, cpu, processorLog, ...)
 * are those of the MEDIAN run (by readings/s; the lower middle one for an even count), so a
 * reader of one figure gets a real run; `runs` has all of them and `median` the medians of each.
 */
export interface ThroughputResult extends Omit<ThroughputRun, 'verified'> {
  readings: number;
  sensors: number;
  partitions: number;
  commitIntervalMs: number;
  /** Pre-filling the shared input (not part of the measurement); the details are in `input`. */
  fill: { seconds: number; readingsPerSecond: number; eventTimeSpanSeconds: number };
  input: InputFill;
  /** The untimed warm-up (JIT, module loading, broker page cache), or null when there was none. */
  warmUp: { applicationId: string; consumed: number; seconds: number; readingsPerSecond: number } | null;
  repeats: number;
  /** In the order they ran (interleaved with the ceiling's tools when both ran). */
  runs: ThroughputRun[];
  /** Index in `runs` of the median run, whose fields are at the top level. */
  medianRun: number;
  /** Medians over `runs`, each field on its own. */
  median: { readingsPerSecond: number; processingReadingsPerSecond: number; seconds: number; startupSeconds: number; rssPeakMiB: number; processCores: number };
  /** Every run passed its checks. */
  verified: { consumedEqualsReadings: boolean; processedEqualsReadings: boolean };
}

const POLL_MS = 100;
const PROGRESS_EVERY_MS = 5000;
const MAX_PROCESSING_MS = 20 * 60_000;
const STOP_TIMEOUT_MS = 60_000;

/** The index of the median value (for an even count the lower of the middle two): a real run to report, not an average. */
export function medianIndex(values: readonly number[]): number {
  const byValue = values.map((value, index) => ({ index, value })).sort((a, b) => a.value - b.value);
  return byValue[Math.floor((byValue.length - 1) / 2)]!.index;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export interface BenchProcessor {
  readonly processor: StreamProcessor;
  readonly consumer: Consumer;
  readonly kafka: Kafka;
  readonly metrics: Registry;
  /** When the consumer handed over its first batch (performance.now()), if it has. */
  firstBatchAt(): number | undefined;
  /** GROUP_JOIN events seen: 1 without a rebalance. */
  groupJoins(): number;
}

/**
 * A StreamProcessor wired as stream-processor/src/main.ts wires it, on bench topics: its own
 * Kafka client and consumer (connected), registry client (cold cache), prom-client registry and
 * logger; production's window rules and DEFAULT_ALERT_RULES. Used in this process and by the
 * scaling benchmark's child processes (scaling-instance.ts).
 */
export async function createBenchProcessor(options: { topics: ProcessorTopics; applicationId: string; clientId: string; brokers: readonly string[]; registryUrl: string; commitIntervalMs: number; logger: Logger }): Promise<BenchProcessor> {
  const kafka = createKafka(options.clientId, options.brokers, options.logger);
  const metrics = createMetrics('bench-stream-processor');
  const consumer = createProcessorConsumer(kafka, options.applicationId);
  let firstBatchAt: number | undefined;
  let joins = 0;
  consumer.on(consumer.events.START_BATCH_PROCESS, () => {
    firstBatchAt ??= performance.now();
  });
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joins += 1;
  });
  await consumer.connect();
  const processor = new StreamProcessor({
    topics: options.topics,
    kafka,
    consumer,
    registry: createRegistry(options.registryUrl),
    registryUrl: options.registryUrl,
    applicationId: options.applicationId,
    rules: WINDOW_RULES,
    alertRules: DEFAULT_ALERT_RULES,
    commitIntervalMs: options.commitIntervalMs,
    logger: options.logger,
    metrics,
  });
  return { processor, consumer, kafka, metrics, firstBatchAt: () => firstBatchAt, groupJoins: () => joins };
}

export async function processorMetrics(metrics: Registry): Promise<ProcessorMetrics> {
  return {
    consumed: await metricTotal(metrics, 'processor_records_consumed_total'),
    processed: await metricTotal(metrics, 'processor_readings_processed_total'),
    deadLettered: await metricByLabel(metrics, 'processor_readings_dead_lettered_total', 'kind'),
    late: await metricTotal(metrics, 'processor_readings_late_total'),
    windowRecords: await metricByLabel(metrics, 'processor_window_records_total', 'kind'),
    alertRecords: await metricByLabel(metrics, 'processor_alert_records_total', 'state'),
    transactions: await histogramSummary(metrics, 'processor_transaction_commit_seconds'),
  };
}

/**
 * Polls (every 100 ms) the group's committed offsets until they reach `ends` on every partition of
 * `topic`, or `until()` says so; `status()` is printed every 5 s.
 */
export async function waitForCommittedEnds(
  admin: Admin,
  groupId: string,
  topic: string,
  ends: ReadonlyMap<number, number>,
  options: { signal: AbortSignal; progress: (line: string) => void; status: () => Promise<string>; until?: () => Promise<boolean> },
): Promise<void> {
  const started = performance.now();
  let lastProgress = started;
  for (;;) {
    options.signal.throwIfAborted();
    if (options.until && (await options.until())) return;
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const offsets = new Map((committed?.partitions ?? []).map(({ partition, offset }) => [partition, Number(offset)]));
    if ([...ends].every(([partition, high]) => high === 0 || (offsets.get(partition) ?? -1) >= high)) return;
    const now = performance.now();
    if (now - started > MAX_PROCESSING_MS) throw new Error(`${groupId} did not commit the end offsets of ${topic} in ${MAX_PROCESSING_MS / 60_000} min`);
    if (now - lastProgress >= PROGRESS_EVERY_MS) {
      lastProgress = now;
      options.progress(`  ${((now - started) / 1000).toFixed(0).padStart(4)} s: ${await options.status()}`);
    }
    await sleep(POLL_MS);
  }
}

/**
 * One StreamProcessor in this process, in the fresh group `bench-<name>`, over the whole input
 * into fresh output topics `bench.<name>.*`: timed from processor.start() until the group's
 * committed offsets (committed inside its transactions) reach the end of every input partition.
 * With `stopAfterConsumed` it stops once it has consumed that many readings instead (the warm-up).
 */
export async function runProcessorOnce(
  input: BenchInput,
  name: string,
  options: Pick<ThroughputOptions, 'commitIntervalMs' | 'brokers' | 'registryUrl' | 'outDir' | 'signal' | 'progress'> & { runId: string; stopAfterConsumed?: number },
  resources: Resources,
  admin: Admin,
): Promise<ThroughputRun> {
  const readings = input.fill.readings;
  const topics = processorTopics(input, name);
  const applicationId = `bench-${name}`;
  resources.groups.add(applicationId);
  resources.topics.add(changelogTopicOf(applicationId));
  await createOutputTopics(admin, topics, resources);

  const logs = captureLogs('bench-stream-processor', 'warn', `${options.outDir}/processor-${name}.log`);
  const bench = await createBenchProcessor({ topics, applicationId, clientId: `bench-stream-processor-${options.runId}`, brokers: options.brokers, registryUrl: options.registryUrl, commitIntervalMs: options.commitIntervalMs, logger: logs.logger });
  const { processor, metrics } = bench;
  const rssBefore = process.memoryUsage().rss;
  const rss = new RssSampler(250);
  let started = false;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (!started) {
      await bench.consumer.disconnect();
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`processor.stop() did not finish in ${STOP_TIMEOUT_MS / 1000} s`)), STOP_TIMEOUT_MS);
    });
    await Promise.race([processor.stop(), timeout]).finally(() => clearTimeout(timer));
  };
  try {
    options.progress(`throughput: one StreamProcessor (application id ${applicationId}, commit interval ${options.commitIntervalMs} ms) on ${input.topics.readings}${options.stopAfterConsumed === undefined ? '' : `, stopping after ${options.stopAfterConsumed.toLocaleString('en-US')} readings (warm-up, not timed)`}`);
    const cpu = new CpuMeter();
    const startedAt = performance.now();
    started = true;
    await processor.start();
    let lastConsumed = 0;
    let lastAt = startedAt;
    await waitForCommittedEnds(admin, applicationId, input.topics.readings, input.ends, {
      signal: options.signal,
      progress: options.progress,
      until: options.stopAfterConsumed === undefined ? undefined : async () => (await metricTotal(metrics, 'processor_records_consumed_total')) >= options.stopAfterConsumed!,
      status: async () => {
        const consumed = await metricTotal(metrics, 'processor_records_consumed_total');
        const now = performance.now();
        const rate = ((consumed - lastConsumed) * 1000) / (now - lastAt);
        lastConsumed = consumed;
        lastAt = now;
        return `consumed ${consumed.toLocaleString('en-US')} / ${readings.toLocaleString('en-US')} (${Math.round(rate).toLocaleString('en-US')}/s), RSS ${Math.round(process.memoryUsage().rss / 1048576)} MiB`;
      },
    });
    const finishedAt = performance.now();
    const peak = rss.stop();
    const cpuUsed = cpu.stop();
    const firstBatchAt = bench.firstBatchAt() ?? startedAt;
    const measured = await processorMetrics(metrics);
    const done = options.stopAfterConsumed === undefined ? readings : measured.consumed;
    const run: ThroughputRun = {
      applicationId,
      seconds: (finishedAt - startedAt) / 1000,
      readingsPerSecond: done / ((finishedAt - startedAt) / 1000),
      startupSeconds: (firstBatchAt - startedAt) / 1000,
      processingSeconds: (finishedAt - firstBatchAt) / 1000,
      processingReadingsPerSecond: done / ((finishedAt - firstBatchAt) / 1000),
      metrics: measured,
      verified: { consumedEqualsReadings: measured.consumed === readings, processedEqualsReadings: measured.processed === readings },
      rss: { beforeStartMiB: rssBefore / 1048576, peakMiB: peak / 1048576 },
      cpu: { processCores: cpuUsed.processCores, machineCores: cpuUsed.machineCores },
      processorLog: { file: logs.file, counts: {}, messages: [] },
    };
    await stop();
    await logs.close();
    run.processorLog.counts = Object.fromEntries(logs.counts);
    run.processorLog.messages = [...logs.messages].sort(([, a], [, b]) => b - a).map(([message, count]) => ({ message, count }));
    return run;
  } finally {
    rss.stop();
    await stop().catch((error: unknown) => options.progress(`  stopping the processor failed: ${(error as Error).message}`));
    await logs.close().catch(() => undefined);
  }
}

/**
 * Sustained throughput of ONE StreamProcessor with exactly-once on, over the shared pre-filled
 * input: an untimed warm-up, then `repeats` timed runs, each in a fresh group into fresh outputs.
 * `afterRun` runs after each timed run (the ceiling benchmark interleaves Kafka's tools there).
 */
export async function runThroughput(
  input: BenchInput,
  options: ThroughputOptions,
  resources: Resources,
  admin: Admin,
  hooks: { afterRun?: (index: number) => Promise<void> } = {},
): Promise<ThroughputResult> {
  let warmUp: ThroughputResult['warmUp'] = null;
  if (options.warmUpReadings > 0) {
    const run = await runProcessorOnce(input, `${options.runId}.warm-up`, { ...options, stopAfterConsumed: Math.min(options.warmUpReadings, input.fill.readings) }, resources, admin);
    warmUp = { applicationId: run.applicationId, consumed: run.metrics.consumed, seconds: run.seconds, readingsPerSecond: run.readingsPerSecond };
    options.progress(`  warm-up: ${run.metrics.consumed.toLocaleString('en-US')} readings in ${run.seconds.toFixed(1)} s (not counted)`);
  }
  if (options.repeats < 1) throw new Error('throughput: repeats must be at least 1');
  const runs: ThroughputRun[] = [];
  for (let index = 0; index < options.repeats; index += 1) {
    const run = await runProcessorOnce(input, `${options.runId}.tp${index + 1}`, options, resources, admin);
    runs.push(run);
    options.progress(`  run ${index + 1} of ${options.repeats}: ${Math.round(run.readingsPerSecond).toLocaleString('en-US')} readings/s (${run.seconds.toFixed(1)} s), RSS peak ${Math.round(run.rss.peakMiB)} MiB`);
    await hooks.afterRun?.(index);
  }
  const medianRun = medianIndex(runs.map((run) => run.readingsPerSecond));
  const { verified: _ignored, ...representative } = runs[medianRun]!;
  return {
    ...representative,
    readings: input.fill.readings,
    sensors: input.fill.sensors,
    partitions: input.fill.partitions,
    commitIntervalMs: options.commitIntervalMs,
    fill: { seconds: input.fill.seconds, readingsPerSecond: input.fill.readingsPerSecond, eventTimeSpanSeconds: input.fill.eventTimeSpanSeconds },
    input: input.fill,
    warmUp,
    repeats: options.repeats,
    runs,
    medianRun,
    median: {
      readingsPerSecond: median(runs.map((run) => run.readingsPerSecond)),
      processingReadingsPerSecond: median(runs.map((run) => run.processingReadingsPerSecond)),
      seconds: median(runs.map((run) => run.seconds)),
      startupSeconds: median(runs.map((run) => run.startupSeconds)),
      rssPeakMiB: median(runs.map((run) => run.rss.peakMiB)),
      processCores: median(runs.map((run) => run.cpu.processCores)),
    },
    verified: {
      consumedEqualsReadings: runs.every((run) => run.verified.consumedEqualsReadings),
      processedEqualsReadings: runs.every((run) => run.verified.processedEqualsReadings),
    },
  };
}
