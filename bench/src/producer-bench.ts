import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, Kafka } from 'kafkajs';
import { SENSOR_READINGS_TOPIC } from '@iot/contracts';
import { createTopicLike, runChild, runProducerPerformance, type PerfResult } from './kafka-tools.ts';
import type { Resources } from './support.ts';

export { PERF_DEFAULT_PROPS, type PerfResult } from './kafka-tools.ts';

export interface ProducerBenchOptions {
  readonly runId: string;
  /** Rates asked of the producer CLI, in order; the ramp stops at the first it cannot keep up with. */
  readonly rates: readonly number[];
  /** How long each step runs (the CLI's --duration). */
  readonly stepSeconds: number;
  /** Records ProducerPerformance sends. */
  readonly perfRecords: number;
  /** Producer configs for ProducerPerformance that override the defaults below. */
  readonly perfProps: Readonly<Record<string, string>>;
  /** The pipeline's stream processor group: each step waits (bounded) until it has caught up. */
  readonly pipelineGroup: string;
  readonly brokers: readonly string[];
  readonly registryUrl: string;
  readonly outDir: string;
  readonly signal: AbortSignal;
  readonly progress: (line: string) => void;
}

export interface ProducerStep {
  requestedRate: number;
  /** The CLI's own summary: readings the broker acknowledged, and its elapsed time. */
  sent: number | null;
  errors: number | null;
  seconds: number | null;
  readingsPerSecond: number | null;
  sensors: number | null;
  /** Achieved at least 90% of the requested rate and ended within 10% (+0.5 s) of its duration. */
  keptUp: boolean;
  /** The child had to be stopped: it ran long past its duration (SIGTERM, then SIGKILL). */
  stopped: 'no' | 'SIGTERM' | 'SIGKILL';
  /** CPU of the whole child tree (npm, tsx, the CLI), start-up included, in CPU seconds; null if it was killed. */
  childCpuSeconds: number | null;
  /** Cores busy on the whole machine while the child ran. */
  machineCores: number | null;
  /** Waiting for the pipeline's processor to catch up with the previous step (not measured). */
  pipelineWaitSeconds: number;
  /** The pipeline processor's lag on the readings topic when the step started. */
  pipelineLagAtStart: number | null;
  stderrTail: string[];
}

export interface RecordSize {
  /** Records of this run read back from the topic. */
  sampled: number;
  keyBytes: number;
  valueBytes: number;
  /** Average key + value bytes of one reading, as the producer encodes it (registry framing + Avro). */
  recordBytes: number;
  /** gzip size / raw size of the sampled records' keys and values, in chunks of 500 records (about one record batch). */
  gzipRatio: number;
  /** The same for ProducerPerformance's payloads (random upper-case letters) of the same size. */
  perfPayloadGzipRatio: number;
  schemaIds: { key: number[]; value: number[] };
}

export interface ProducerResult {
  topic: string;
  prefix: string;
  stepSeconds: number;
  steps: ProducerStep[];
  /** The step with the most readings/s, kept up or not: our figure. */
  best: { requestedRate: number; readingsPerSecond: number; keptUp: boolean } | null;
  /** The fastest step the CLI kept up with (a rate-limited step: a lower bound). */
  bestKeptUp: { requestedRate: number; readingsPerSecond: number } | null;
  /** The first step it could not keep up with, if any. */
  fellBehind: { requestedRate: number; readingsPerSecond: number | null } | null;
  recordSize: RecordSize | null;
  perf: PerfResult;
  /** best.readingsPerSecond / perf.recordsPerSecond */
  ratio: number | null;
  verified: { noSendErrors: boolean; perfSentAll: boolean };
}

const STOP_GRACE_S = 10;
const PIPELINE_WAIT_MS = 90_000;
const PIPELINE_IDLE_LAG = 2_000;
/** At most this many of the first step's records are read back (all of them at the default rates). */
const SIZE_SAMPLE = 500_000;
/** gzip is estimated over at most this many chunks. */
const GZIP_CHUNKS = 50;
/** Keys and values per gzip chunk (500 records). */
const GZIP_CHUNK = 1_000;

function gzipRatio(buffers: Buffer[]): number {
  const raw = buffers.reduce((total, buffer) => total + buffer.length, 0);
  return buffers.reduce((total, buffer) => total + gzipSync(buffer).length, 0) / raw;
}

/** What ProducerPerformance sends without a payload file: `records` payloads of random letters A-Z. */
function randomLetters(size: number, records: number): Buffer {
  const buffer = Buffer.alloc(size * records);
  for (let i = 0; i < buffer.length; i += 1) buffer[i] = 65 + Math.floor(Math.random() * 26);
  return buffer;
}

/** The pipeline processor's total lag on the readings topic (null when the group has no offsets). */
async function pipelineLag(admin: Admin, group: string): Promise<number | null> {
  const ends = await admin.fetchTopicOffsets(SENSOR_READINGS_TOPIC);
  const [committed] = await admin.fetchOffsets({ groupId: group, topics: [SENSOR_READINGS_TOPIC] });
  const offsets = new Map((committed?.partitions ?? []).map(({ partition, offset }) => [partition, Number(offset)]));
  if ([...offsets.values()].every((offset) => offset < 0)) return null;
  return ends.reduce((lag, { partition, high }) => lag + Math.max(0, Number(high) - Math.max(0, offsets.get(partition) ?? 0)), 0);
}

/** Waits (at most PIPELINE_WAIT_MS) until the running pipeline has consumed the readings of the previous step. */
async function waitForPipeline(admin: Admin, options: ProducerBenchOptions): Promise<{ waited: number; lag: number | null }> {
  const started = performance.now();
  let lag = await pipelineLag(admin, options.pipelineGroup);
  let reported = false;
  while (lag !== null && lag > PIPELINE_IDLE_LAG && performance.now() - started < PIPELINE_WAIT_MS) {
    options.signal.throwIfAborted();
    if (!reported) {
      options.progress(`  waiting for the pipeline's ${options.pipelineGroup} to catch up (lag ${lag.toLocaleString('en-US')})`);
      reported = true;
    }
    await sleep(1000);
    lag = await pipelineLag(admin, options.pipelineGroup);
  }
  return { waited: (performance.now() - started) / 1000, lag };
}

/** The CLI's summary: the last stdout line that is a JSON object with `sent`. */
function parseSummary(stdout: string): { sent: number; errors: number; seconds: number; sensors: number | null } | undefined {
  for (const line of stdout.trim().split('\n').reverse()) {
    try {
      const parsed = JSON.parse(line) as { sent?: unknown; errors?: unknown; seconds?: unknown; sensors?: unknown };
      if (typeof parsed.sent === 'number' && typeof parsed.seconds === 'number') {
        return { sent: parsed.sent, errors: typeof parsed.errors === 'number' ? parsed.errors : 0, seconds: parsed.seconds, sensors: typeof parsed.sensors === 'number' ? parsed.sensors : null };
      }
    } catch {
      // not the summary
    }
  }
  return undefined;
}

async function runStep(admin: Admin, options: ProducerBenchOptions, rate: number, prefix: string): Promise<ProducerStep> {
  const { waited, lag } = await waitForPipeline(admin, options);
  options.progress(`producer: --rate ${rate.toLocaleString('en-US')} for ${options.stepSeconds} s`);
  const run = await runChild(
    'npm',
    ['run', '--silent', 'producers', '--', 'run', '--rate', String(rate), '--duration', `${options.stepSeconds}s`, '--quiet', '--prefix', prefix],
    {
      stopAfterS: options.stepSeconds * 1.5 + STOP_GRACE_S,
      signal: options.signal,
      env: { ...process.env, KAFKA_BROKERS: options.brokers.join(','), SCHEMA_REGISTRY_URL: options.registryUrl },
    },
  );
  options.signal.throwIfAborted();
  const summary = parseSummary(run.stdout);
  const stderrTail = run.stderr.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('npm warn')).slice(-10);
  if (!summary && run.stopped === 'no') {
    throw new Error(`the producer CLI exited with code ${run.code} and printed no summary:\n${[...run.stdout.trim().split('\n').slice(-5), ...stderrTail].join('\n')}`);
  }
  const readingsPerSecond = summary ? summary.sent / summary.seconds : null;
  const keptUp =
    summary !== undefined &&
    run.stopped === 'no' &&
    readingsPerSecond! >= 0.9 * rate &&
    summary.seconds <= options.stepSeconds * 1.1 + 0.5;
  const step: ProducerStep = {
    requestedRate: rate,
    sent: summary?.sent ?? null,
    errors: summary?.errors ?? null,
    seconds: summary?.seconds ?? null,
    readingsPerSecond,
    sensors: summary?.sensors ?? null,
    keptUp,
    stopped: run.stopped,
    childCpuSeconds: run.childCpuSeconds,
    machineCores: run.machineCores,
    pipelineWaitSeconds: waited,
    pipelineLagAtStart: lag,
    stderrTail,
  };
  options.progress(
    `  ${summary ? `sent ${summary.sent.toLocaleString('en-US')} in ${summary.seconds.toFixed(1)} s = ${Math.round(readingsPerSecond!).toLocaleString('en-US')} readings/s, errors ${summary.errors}` : 'no summary'}` +
      `${run.stopped === 'no' ? '' : `, stopped with ${run.stopped}`}: ${keptUp ? 'kept up' : 'fell behind'}`,
  );
  return step;
}

/**
 * The average size of the run's readings as the producer wrote them: reads back the records with
 * the run's sensor-id prefix between the offsets the step started and ended at, on every partition
 * (every sensor: the ids differ in length), up to SIZE_SAMPLE.
 */
async function measureRecordSize(harness: { kafka: Kafka; admin: Admin }, options: ProducerBenchOptions, resources: Resources, prefix: string, from: Map<number, number>, to: Map<number, number>): Promise<RecordSize | null> {
  const { kafka, admin } = harness;
  const groupId = `bench-${options.runId}-record-size`;
  resources.groups.add(groupId);
  // The fresh group starts where the step started: its offsets are set before it has a member.
  await admin.setOffsets({ groupId, topic: SENSOR_READINGS_TOPIC, partitions: [...from].map(([partition, offset]) => ({ partition, offset: String(offset) })) });
  const consumer = kafka.consumer({ groupId, sessionTimeout: 30_000, heartbeatInterval: 3_000 });
  const marker = Buffer.from(prefix);
  let sampled = 0;
  let keyBytes = 0;
  let valueBytes = 0;
  const chunks: Buffer[][] = [[]];
  const keyIds = new Set<number>();
  const valueIds = new Set<number>();
  const done = new Set<number>([...to].filter(([partition, end]) => (from.get(partition) ?? end) >= end).map(([partition]) => partition));
  await consumer.connect();
  try {
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolvePromise) => (finish = resolvePromise));
    await consumer.subscribe({ topic: SENSOR_READINGS_TOPIC, fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const end = to.get(batch.partition) ?? 0;
        for (const message of batch.messages) {
          if (Number(message.offset) >= end) {
            done.add(batch.partition);
            break;
          }
          if (!message.key || !message.value || !message.key.includes(marker)) continue;
          sampled += 1;
          keyBytes += message.key.length;
          valueBytes += message.value.length;
          if (chunks.at(-1)!.length >= GZIP_CHUNK && chunks.length < GZIP_CHUNKS) chunks.push([]);
          if (chunks.at(-1)!.length < GZIP_CHUNK) chunks.at(-1)!.push(message.key, message.value);
          if (message.key.length >= 5) keyIds.add(message.key.readInt32BE(1));
          if (message.value.length >= 5) valueIds.add(message.value.readInt32BE(1));
          if (sampled >= SIZE_SAMPLE) break;
        }
        if (Number(batch.lastOffset()) + 1 >= end) done.add(batch.partition);
        if (sampled >= SIZE_SAMPLE || done.size >= to.size) finish();
      },
    });
    await Promise.race([finished, sleep(60_000)]);
  } finally {
    await consumer.disconnect();
  }
  if (sampled === 0) return null;
  return {
    sampled,
    keyBytes: keyBytes / sampled,
    valueBytes: valueBytes / sampled,
    recordBytes: (keyBytes + valueBytes) / sampled,
    gzipRatio: gzipRatio(chunks.map((chunk) => Buffer.concat(chunk))),
    perfPayloadGzipRatio: gzipRatio([randomLetters(Math.round((keyBytes + valueBytes) / sampled), GZIP_CHUNK / 2)]),
    schemaIds: { key: [...keyIds], value: [...valueIds] },
  };
}

/** Kafka's own ProducerPerformance from the stack's jars, on a fresh 6-partition bench topic. */
async function producerPerformance(admin: Admin, options: ProducerBenchOptions, resources: Resources, recordSize: number): Promise<PerfResult> {
  const topic = `bench.${options.runId}.producer-perf`;
  await createTopicLike(admin, topic, SENSOR_READINGS_TOPIC, resources);
  return runProducerPerformance({
    topic,
    records: options.perfRecords,
    recordSize,
    props: options.perfProps,
    clientId: `bench-${options.runId}-producer-perf`,
    brokers: options.brokers,
    outDir: options.outDir,
    signal: options.signal,
    progress: options.progress,
  });
}

async function endOffsets(admin: Admin): Promise<Map<number, number>> {
  return new Map((await admin.fetchTopicOffsets(SENSOR_READINGS_TOPIC)).map(({ partition, high }) => [partition, Number(high)]));
}

/**
 * Readings/s of the producer CLI (one process) into the local broker, next to Kafka's
 * ProducerPerformance at the same record size. The CLI always writes to the pipeline's
 * iot.sensor-readings, so its sensors get a per-run id prefix.
 */
export async function runProducerBench(options: ProducerBenchOptions, resources: Resources, harness: { kafka: Kafka; admin: Admin }): Promise<ProducerResult> {
  const { admin } = harness;
  // Short, because it lengthens every sensor id and site id, so every record (the run id's random part).
  const prefix = `b${options.runId.slice(-4)}-`;
  options.progress(`producer: ramping the producer CLI (${options.rates.map((rate) => rate.toLocaleString('en-US')).join(', ')} readings/s, ${options.stepSeconds} s each) into ${SENSOR_READINGS_TOPIC}, sensor ids prefixed ${prefix}`);
  const steps: ProducerStep[] = [];
  let recordSize: RecordSize | null = null;
  for (const rate of options.rates) {
    options.signal.throwIfAborted();
    const from = await endOffsets(admin);
    const step = await runStep(admin, options, rate, prefix);
    steps.push(step);
    if (!recordSize && step.sent) {
      recordSize = await measureRecordSize(harness, options, resources, prefix, from, await endOffsets(admin));
      if (recordSize) options.progress(`  record size: ${recordSize.recordBytes.toFixed(1)} bytes (key ${recordSize.keyBytes.toFixed(1)} + value ${recordSize.valueBytes.toFixed(1)}) over ${recordSize.sampled.toLocaleString('en-US')} records read back`);
    }
    if (!step.keptUp) break;
  }
  options.signal.throwIfAborted();
  if (!recordSize) throw new Error(`could not read back any reading with the prefix ${prefix} from ${SENSOR_READINGS_TOPIC}`);
  const fastest = (candidates: ProducerStep[]): ProducerStep | undefined =>
    candidates.filter((step) => step.readingsPerSecond !== null).reduce<ProducerStep | undefined>((best, step) => (!best || step.readingsPerSecond! > best.readingsPerSecond! ? step : best), undefined);
  const bestStep = fastest(steps);
  const bestKeptUpStep = fastest(steps.filter((step) => step.keptUp));
  const behind = steps.find((step) => !step.keptUp);
  const perf = await producerPerformance(admin, options, resources, Math.round(recordSize.recordBytes));
  const best = bestStep ? { requestedRate: bestStep.requestedRate, readingsPerSecond: bestStep.readingsPerSecond!, keptUp: bestStep.keptUp } : null;
  return {
    topic: SENSOR_READINGS_TOPIC,
    prefix,
    stepSeconds: options.stepSeconds,
    steps,
    best,
    bestKeptUp: bestKeptUpStep ? { requestedRate: bestKeptUpStep.requestedRate, readingsPerSecond: bestKeptUpStep.readingsPerSecond! } : null,
    fellBehind: behind ? { requestedRate: behind.requestedRate, readingsPerSecond: behind.readingsPerSecond } : null,
    recordSize,
    perf,
    ratio: best ? best.readingsPerSecond / perf.recordsPerSecond : null,
    verified: { noSendErrors: steps.every((step) => (step.errors ?? 0) === 0), perfSentAll: perf.records === options.perfRecords },
  };
}
