import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { CompressionTypes, type Admin, type Kafka } from 'kafkajs';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { AVRO_SCHEMAS, TOPICS, type SensorReading } from '@iot/contracts';
import { SENSOR_TYPES, type Sensor, type SensorType } from '@iot/producers/src/fleet.ts';
import { seededRandom, sensorValue } from '@iot/producers/src/signal.ts';
import { connectIdempotentProducer, createKafka, createMetrics, createRegistry, registerSchema } from '@iot/runtime';
import { DEFAULT_ALERT_RULES } from '@iot/stream-processor/alert-rules';
import { changelogTopicOf, createProcessorConsumer, StreamProcessor, type ProcessorTopics } from '@iot/stream-processor/processor';
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

export interface ThroughputOptions {
  readonly runId: string;
  readonly readings: number;
  readonly sensors: number;
  /** Event time between consecutive readings of the fleet. */
  readonly spacingMs: number;
  readonly commitIntervalMs: number;
  readonly brokers: readonly string[];
  readonly registryUrl: string;
  readonly logFile: string;
  readonly signal: AbortSignal;
  readonly progress: (line: string) => void;
}

export interface ThroughputResult {
  readings: number;
  sensors: number;
  partitions: number;
  commitIntervalMs: number;
  /** Pre-filling the input topic (not part of the measurement). */
  fill: { seconds: number; readingsPerSecond: number; eventTimeSpanSeconds: number };
  /** processor.start() until the group's committed offsets reached the end of every input partition. */
  seconds: number;
  readingsPerSecond: number;
  /** processor.start() until the first batch was handed to the processor (schemas, changelog topic, group join). */
  startupSeconds: number;
  /** First batch until everything committed: the steady-state rate. */
  processingSeconds: number;
  processingReadingsPerSecond: number;
  metrics: {
    consumed: number;
    processed: number;
    deadLettered: Record<string, number>;
    late: number;
    windowRecords: Record<string, number>;
    alertRecords: Record<string, number>;
    transactions: HistogramSummary;
  };
  /** Committed offsets equal the end offsets and every reading was consumed exactly once. */
  verified: { consumedEqualsReadings: boolean; processedEqualsReadings: boolean };
  rss: { beforeStartMiB: number; peakMiB: number };
  /** Cores busy on average from start() to the committed end offsets: this process, and the whole machine. */
  cpu: { processCores: number; machineCores: number | null };
  processorLog: { file: string; counts: Record<string, number>; messages: Array<{ message: string; count: number }> };
}

const PRODUCE_BATCH = 1000;
const POLL_MS = 100;
const FUTURE_MARGIN_MS = 10 * 60_000;
const PROGRESS_EVERY_MS = 5000;
const MAX_PROCESSING_MS = 20 * 60_000;

export function benchTopics(runId: string): ProcessorTopics {
  const prefix = `bench.${runId}`;
  return {
    readings: `${prefix}.sensor-readings`,
    alertAcks: `${prefix}.alert-acks`,
    windowCounts: `${prefix}.window-counts`,
    alerts: `${prefix}.alerts`,
    deadLetters: `${prefix}.dlq`,
    lateReadings: `${prefix}.late`,
    devices: `${prefix}.devices`,
  };
}

/** A fleet like the demo's (every type at every site), `count` sensors over 10 sites. */
export function benchFleet(count: number): Sensor[] {
  const types = Object.keys(SENSOR_TYPES) as SensorType[];
  return Array.from({ length: count }, (_, i) => {
    const type = types[i % types.length]!;
    return { id: `bench-sensor-${String(i).padStart(5, '0')}`, type, siteId: `bench-site-${i % 10}`, unit: SENSOR_TYPES[type].unit };
  });
}

/** Creates the bench topics with the partitions and configs of the contract topics they stand in for. */
async function createBenchTopics(admin: Admin, topics: ProcessorTopics, resources: Resources): Promise<void> {
  const contractOf = {
    readings: 'iot.sensor-readings',
    alertAcks: 'iot.alert-acks',
    windowCounts: 'iot.window-counts-1m',
    alerts: 'iot.alerts',
    deadLetters: 'iot.sensor-readings.dlq',
    lateReadings: 'iot.late-readings',
    devices: 'iot.devices',
  } as const;
  const specs = (Object.keys(contractOf) as Array<keyof ProcessorTopics>).map((role) => {
    const spec = TOPICS.find((topic) => topic.name === contractOf[role]);
    if (!spec) throw new Error(`contract topic ${contractOf[role]} not found in TOPICS`);
    resources.topics.add(topics[role]);
    return {
      topic: topics[role],
      numPartitions: spec.partitions,
      replicationFactor: 1,
      configEntries: Object.entries(spec.configs).map(([name, value]) => ({ name, value })),
    };
  });
  await admin.createTopics({ waitForLeaders: true, topics: specs });
}

/**
 * Fills the input topic with `readings` readings of the fleet, round-robin, `spacingMs` apart in
 * event time and ending FUTURE_MARGIN_MS from now, encoded as the simulator encodes them
 * (registry framing, subjects `<topic>-key|value`, gzip batches, acks=all, idempotent
 * murmur2-partitioned producer).
 */
async function fill(kafka: Kafka, registry: SchemaRegistry, options: ThroughputOptions, topic: string, resources: Resources): Promise<{ seconds: number; span: number }> {
  resources.subjectTopics.add(topic);
  const keyId = await registerSchema(options.registryUrl, topic, 'key', AVRO_SCHEMAS.sensorIdKey);
  const valueId = await registerSchema(options.registryUrl, topic, 'value', AVRO_SCHEMAS.sensorReading);
  const fleet = benchFleet(options.sensors);
  const random = seededRandom(42);
  // The last readings are stamped up to FUTURE_MARGIN_MS ahead of the wall clock: a run ending in
  // the past would have every sensor go SILENT (30 s without a reading, by the wall clock) once the
  // processor catches up, adding one alert per sensor that the data did not cause.
  const firstTimestamp = Date.now() + FUTURE_MARGIN_MS - options.readings * options.spacingMs;
  const producer = await connectIdempotentProducer(kafka);
  const started = performance.now();
  let lastProgress = started;
  try {
    // Encode the next batch while the previous one is on the wire (sends stay one at a time:
    // the idempotent producer keeps one request in flight).
    let inFlight: Promise<unknown> = Promise.resolve();
    for (let start = 0; start < options.readings; start += PRODUCE_BATCH) {
      options.signal.throwIfAborted();
      const end = Math.min(start + PRODUCE_BATCH, options.readings);
      const messages = [];
      for (let i = start; i < end; i += 1) {
        const sensor = fleet[i % fleet.length]!;
        const timestamp = firstTimestamp + i * options.spacingMs;
        const reading: SensorReading = { sensorId: sensor.id, sensorType: sensor.type, siteId: sensor.siteId, timestamp, value: sensorValue(sensor, timestamp, random), unit: sensor.unit };
        messages.push({ key: await registry.encode(keyId, reading.sensorId), value: await registry.encode(valueId, reading), timestamp: String(timestamp) });
      }
      await inFlight;
      inFlight = producer.send({ topic, acks: -1, compression: CompressionTypes.GZIP, messages });
      if (performance.now() - lastProgress >= PROGRESS_EVERY_MS) {
        lastProgress = performance.now();
        options.progress(`  filling: ${end.toLocaleString('en-US')} / ${options.readings.toLocaleString('en-US')} readings sent`);
      }
    }
    await inFlight;
  } finally {
    await producer.disconnect();
  }
  return { seconds: (performance.now() - started) / 1000, span: (options.readings * options.spacingMs) / 1000 };
}

/**
 * Sustained throughput of ONE StreamProcessor with exactly-once on: fills unique bench topics,
 * starts the processor on them in this process, and times it until the group's committed offsets
 * (committed inside its transactions) reach the end of every input partition.
 */
export async function runThroughput(options: ThroughputOptions, resources: Resources, harness: { kafka: Kafka; admin: Admin; registry: SchemaRegistry }): Promise<ThroughputResult> {
  const { admin } = harness;
  const topics = benchTopics(options.runId);
  const applicationId = `bench-${options.runId}`;
  resources.groups.add(applicationId);
  resources.topics.add(changelogTopicOf(applicationId));
  resources.subjectTopics.add(topics.windowCounts);
  resources.subjectTopics.add(topics.alerts);

  options.progress(`throughput: creating ${topics.readings} (+ outputs), filling it with ${options.readings.toLocaleString('en-US')} readings from ${options.sensors.toLocaleString('en-US')} sensors`);
  await createBenchTopics(admin, topics, resources);
  const filled = await fill(harness.kafka, harness.registry, options, topics.readings, resources);
  const ends = new Map((await admin.fetchTopicOffsets(topics.readings)).map(({ partition, high }) => [partition, Number(high)]));
  const total = [...ends.values()].reduce((sum, high) => sum + high, 0);
  if (total !== options.readings) throw new Error(`the input topic holds ${total} records, expected ${options.readings}`);
  options.progress(`  filled in ${filled.seconds.toFixed(1)} s; per partition: ${[...ends.entries()].sort(([a], [b]) => a - b).map(([p, high]) => `${p}:${high}`).join(' ')}`);

  // The processor under test: its own Kafka client, registry client (cold cache), metrics registry and logger.
  const logs = captureLogs('bench-stream-processor', 'warn', options.logFile);
  const kafka = createKafka(`bench-stream-processor-${options.runId}`, options.brokers, logs.logger);
  const metrics = createMetrics('bench-stream-processor');
  const consumer = createProcessorConsumer(kafka, applicationId);
  let firstBatchAt: number | undefined;
  consumer.on(consumer.events.START_BATCH_PROCESS, () => {
    firstBatchAt ??= performance.now();
  });
  await consumer.connect();
  const processor = new StreamProcessor({
    topics,
    kafka,
    consumer,
    registry: createRegistry(options.registryUrl),
    registryUrl: options.registryUrl,
    applicationId,
    rules: { graceMs: 10_000, idleMs: 5_000, updateIntervalMs: 1_000 },
    alertRules: DEFAULT_ALERT_RULES,
    commitIntervalMs: options.commitIntervalMs,
    logger: logs.logger,
    metrics,
  });

  const rssBefore = process.memoryUsage().rss;
  const rss = new RssSampler(250);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    const timeout = sleep(60_000).then(() => {
      throw new Error('processor.stop() did not finish in 60 s');
    });
    await Promise.race([processor.stop(), timeout]);
  };
  try {
    options.progress(`throughput: starting one StreamProcessor (application id ${applicationId}, commit interval ${options.commitIntervalMs} ms)`);
    const started = performance.now();
    const cpu = new CpuMeter();
    await processor.start();
    let lastProgress = started;
    let lastConsumed = 0;
    for (;;) {
      options.signal.throwIfAborted();
      const [committed] = await admin.fetchOffsets({ groupId: applicationId, topics: [topics.readings] });
      const offsets = new Map((committed?.partitions ?? []).map(({ partition, offset }) => [partition, Number(offset)]));
      if ([...ends].every(([partition, high]) => (offsets.get(partition) ?? -1) >= high)) break;
      const now = performance.now();
      if (now - started > MAX_PROCESSING_MS) throw new Error(`the processor did not commit the end offsets in ${MAX_PROCESSING_MS / 60_000} min`);
      if (now - lastProgress >= PROGRESS_EVERY_MS) {
        const consumed = await metricTotal(metrics, 'processor_records_consumed_total');
        const rate = ((consumed - lastConsumed) * 1000) / (now - lastProgress);
        options.progress(`  ${((now - started) / 1000).toFixed(0).padStart(4)} s: consumed ${consumed.toLocaleString('en-US')} / ${options.readings.toLocaleString('en-US')} (${Math.round(rate).toLocaleString('en-US')}/s), RSS ${Math.round(process.memoryUsage().rss / 1048576)} MiB`);
        lastProgress = now;
        lastConsumed = consumed;
      }
      await sleep(POLL_MS);
    }
    const finished = performance.now();
    const peak = rss.stop();
    const cpuUsed = cpu.stop();

    const consumed = await metricTotal(metrics, 'processor_records_consumed_total');
    const processed = await metricTotal(metrics, 'processor_readings_processed_total');
    const result: ThroughputResult = {
      readings: options.readings,
      sensors: options.sensors,
      partitions: ends.size,
      commitIntervalMs: options.commitIntervalMs,
      fill: { seconds: filled.seconds, readingsPerSecond: options.readings / filled.seconds, eventTimeSpanSeconds: filled.span },
      seconds: (finished - started) / 1000,
      readingsPerSecond: options.readings / ((finished - started) / 1000),
      startupSeconds: ((firstBatchAt ?? finished) - started) / 1000,
      processingSeconds: (finished - (firstBatchAt ?? started)) / 1000,
      processingReadingsPerSecond: options.readings / ((finished - (firstBatchAt ?? started)) / 1000),
      metrics: {
        consumed,
        processed,
        deadLettered: await metricByLabel(metrics, 'processor_readings_dead_lettered_total', 'kind'),
        late: await metricTotal(metrics, 'processor_readings_late_total'),
        windowRecords: await metricByLabel(metrics, 'processor_window_records_total', 'kind'),
        alertRecords: await metricByLabel(metrics, 'processor_alert_records_total', 'state'),
        transactions: await histogramSummary(metrics, 'processor_transaction_commit_seconds'),
      },
      verified: { consumedEqualsReadings: consumed === options.readings, processedEqualsReadings: processed === options.readings },
      rss: { beforeStartMiB: rssBefore / 1048576, peakMiB: peak / 1048576 },
      cpu: { processCores: cpuUsed.processCores, machineCores: cpuUsed.machineCores },
      processorLog: { file: logs.file, counts: {}, messages: [] },
    };
    await stop();
    await logs.close();
    result.processorLog.counts = Object.fromEntries(logs.counts);
    result.processorLog.messages = [...logs.messages].sort(([, a], [, b]) => b - a).map(([message, count]) => ({ message, count }));
    return result;
  } finally {
    rss.stop();
    await stop().catch((error: unknown) => options.progress(`  stopping the processor failed: ${(error as Error).message}`));
    await logs.close().catch(() => undefined);
  }
}
