import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { CompressionTypes, type Admin, type Kafka } from 'kafkajs';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { AVRO_SCHEMAS, TOPICS, type Alert, type AlertKey, type SensorReading, type WindowCount, type WindowCountKey } from '@iot/contracts';
import type { Sensor } from '@iot/producers/src/fleet.ts';
import { seededRandom, sensorValue } from '@iot/producers/src/signal.ts';
import { CatchUp, connectIdempotentProducer, createKafka, createMetrics, createRegistry, registerSchema } from '@iot/runtime';
import { DEFAULT_ALERT_RULES } from '@iot/stream-processor/alert-rules';
import { changelogTopicOf, createProcessorConsumer, StreamProcessor, type ProcessorTopics } from '@iot/stream-processor/processor';
import { ensureKafkaStreamsJar, runKafkaStreams, type KafkaStreamsResult } from './kafka-streams.ts';
import { captureLogs, CpuMeter, metricByLabel, metricTotal, RssSampler, type Resources } from './support.ts';
import { benchFleet, benchTopics } from './throughput.ts';

/**
 * 5. Kafka Streams baseline: our StreamProcessor and a Kafka Streams 3.9.1 application
 * (bench/kafka-streams) computing the same windows and RANGE alerts, one after the other on the
 * same pre-filled input, each timed from its start to its committed end offsets, then their
 * outputs compared.
 */

export interface KafkaStreamsBenchOptions {
  readonly runId: string;
  readonly readings: number;
  readonly sensors: number;
  /** Event time between consecutive readings of the fleet. */
  readonly spacingMs: number;
  readonly commitIntervalMs: number;
  /** Kafka Streams: stream threads, store type, JVM heap. */
  readonly threads: number;
  readonly store: 'memory' | 'rocksdb';
  readonly heapMiB: number;
  readonly brokers: readonly string[];
  readonly registryUrl: string;
  readonly outDir: string;
  readonly signal: AbortSignal;
  readonly progress: (line: string) => void;
}

export interface OursResult {
  applicationId: string;
  /** processor.start() until the group's committed offsets reached the end of every input partition. */
  seconds: number;
  readingsPerSecond: number;
  startupSeconds: number;
  processingReadingsPerSecond: number;
  consumed: number;
  processed: number;
  late: number;
  deadLettered: Record<string, number>;
  windowRecords: Record<string, number>;
  alertRecords: Record<string, number>;
  rssPeakMiB: number;
  cpu: { processCores: number; machineCores: number | null };
  log: { file: string; counts: Record<string, number> };
}

export interface Agreement {
  windows: {
    /** Final window records of ours, and window records of Kafka Streams (finals only). */
    ours: number;
    kafkaStreams: number;
    /** Windows ours had not closed when the input ended (updates only): no final on either side. */
    oursStillOpen: number;
    matching: number;
    missingInKafkaStreams: number;
    extraInKafkaStreams: number;
    /** Same window, different count/min/max/sum/mean/first/last event time. */
    differing: number;
    examples: string[];
  };
  alerts: {
    /** RANGE alert occurrences (alertIds) on each side; ours also raises ZSCORE, RATE_OF_CHANGE and SILENCE, not compared. */
    ours: number;
    kafkaStreams: number;
    matching: number;
    missingInKafkaStreams: number;
    extraInKafkaStreams: number;
    /** Same alertId, a different opening (trigger, threshold, severity) or clearing (time, peak, severity). */
    differing: number;
    /** RANGE records per state on each side (refreshes by the wall clock exist on ours only, so these may differ). */
    oursRecords: Record<string, number>;
    kafkaStreamsRecords: Record<string, number>;
    examples: string[];
  };
  agree: boolean;
}

export interface KafkaStreamsBenchResult {
  readings: number;
  sensors: number;
  partitions: number;
  commitIntervalMs: number;
  topics: { input: string; ours: { windowCounts: string; alerts: string }; kafkaStreams: { windowCounts: string; alerts: string } };
  /** Readings outside their type's band, in runs of FAULT_LENGTH, so that both sides raise and clear RANGE alerts. */
  faultReadings: number;
  fill: { seconds: number; eventTimeSpanSeconds: number };
  jar: { built: boolean; buildSeconds: number | null };
  ours: OursResult;
  kafkaStreams: KafkaStreamsResult & { applicationId: string; threads: number; store: string; heapMiB: number };
  /** ours.readingsPerSecond / kafkaStreams.caughtUp.readingsPerSecond */
  ratio: number;
  agreement: Agreement;
}

const PRODUCE_BATCH = 1000;
const POLL_MS = 100;
const FUTURE_MARGIN_MS = 10 * 60_000;
const PROGRESS_EVERY_MS = 5000;
const MAX_PROCESSING_MS = 20 * 60_000;
const READ_BACK_TIMEOUT_MS = 120_000;
const WINDOW_RULES = { graceMs: 10_000, idleMs: 5_000, updateIntervalMs: 1_000 } as const;
/** Every FAULT_SENSOR_STRIDE-th sensor of the fleet has a fault every FAULT_PERIOD of its readings, FAULT_LENGTH readings long. */
const FAULT_SENSOR_STRIDE = 20;
const FAULT_PERIOD = 30;
const FAULT_LENGTH = 4;
/**
 * How far outside the band a fault starts, as a fraction of the band, by episode: a WARNING, one
 * that escalates to CRITICAL while open (past `criticalBeyond` 0.1 at its 4th reading), a CRITICAL.
 * Each reading of an episode goes 0.015 further, so the peak moves too.
 */
const FAULT_EXCESS = [0.03, 0.07, 0.2] as const;

/**
 * A fault value for the k-th reading of the sensor at `index`, or undefined for a normal one:
 * above the band, then below, then above... by episode. Starts are staggered across sensors.
 */
function faultValue(sensor: Sensor, index: number, k: number): number | undefined {
  if (index % FAULT_SENSOR_STRIDE !== 0) return undefined;
  const position = k + index;
  const phase = position % FAULT_PERIOD;
  if (phase >= FAULT_LENGTH) return undefined;
  const episode = Math.floor(position / FAULT_PERIOD);
  const band = DEFAULT_ALERT_RULES.types[sensor.type]!;
  const excess = (FAULT_EXCESS[episode % FAULT_EXCESS.length]! + phase * 0.015) * (band.max - band.min);
  const value = Math.floor(episode / FAULT_EXCESS.length) % 2 === 0 ? band.max + excess : band.min - excess;
  return Math.round(value * 1000) / 1000;
}

/** The contract topics' partitions and configs for bench topics that stand in for them. */
async function createTopicsLike(admin: Admin, topics: ReadonlyArray<[name: string, contract: string]>, resources: Resources): Promise<void> {
  await admin.createTopics({
    waitForLeaders: true,
    topics: topics.map(([name, contract]) => {
      const spec = TOPICS.find((topic) => topic.name === contract);
      if (!spec) throw new Error(`contract topic ${contract} not found in TOPICS`);
      resources.topics.add(name);
      return { topic: name, numPartitions: spec.partitions, replicationFactor: 1, configEntries: Object.entries(spec.configs).map(([key, value]) => ({ name: key, value })) };
    }),
  });
}

/**
 * Fills the input as the throughput benchmark does (bench/src/throughput.ts: the same fleet, signal,
 * spacing, future stamp, registry framing, gzip batches of 1,000, acks=all, idempotent murmur2
 * producer), plus RANGE faults (faultValue).
 */
async function fill(kafka: Kafka, registry: SchemaRegistry, options: KafkaStreamsBenchOptions, topic: string, resources: Resources): Promise<{ seconds: number; faults: number }> {
  resources.subjectTopics.add(topic);
  const keyId = await registerSchema(options.registryUrl, topic, 'key', AVRO_SCHEMAS.sensorIdKey);
  const valueId = await registerSchema(options.registryUrl, topic, 'value', AVRO_SCHEMAS.sensorReading);
  const fleet = benchFleet(options.sensors);
  const random = seededRandom(42);
  const firstTimestamp = Date.now() + FUTURE_MARGIN_MS - options.readings * options.spacingMs;
  const producer = await connectIdempotentProducer(kafka);
  const started = performance.now();
  let lastProgress = started;
  let faults = 0;
  try {
    let inFlight: Promise<unknown> = Promise.resolve();
    for (let start = 0; start < options.readings; start += PRODUCE_BATCH) {
      options.signal.throwIfAborted();
      const end = Math.min(start + PRODUCE_BATCH, options.readings);
      const messages = [];
      for (let i = start; i < end; i += 1) {
        const index = i % fleet.length;
        const sensor = fleet[index]!;
        const timestamp = firstTimestamp + i * options.spacingMs;
        const normal = sensorValue(sensor, timestamp, random); // drawn for every reading, so the normal values are the throughput bench's
        const fault = faultValue(sensor, index, Math.floor(i / fleet.length));
        if (fault !== undefined) faults += 1;
        const reading: SensorReading = { sensorId: sensor.id, sensorType: sensor.type, siteId: sensor.siteId, timestamp, value: fault ?? normal, unit: sensor.unit };
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
  return { seconds: (performance.now() - started) / 1000, faults };
}

/** Polls the group's committed offsets until they reach `ends` on every partition of `topic`. */
async function waitForCommitted(admin: Admin, groupId: string, topic: string, ends: ReadonlyMap<number, number>, options: KafkaStreamsBenchOptions, status: () => Promise<string>): Promise<void> {
  const started = performance.now();
  let lastProgress = started;
  for (;;) {
    options.signal.throwIfAborted();
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const offsets = new Map((committed?.partitions ?? []).map(({ partition, offset }) => [partition, Number(offset)]));
    if ([...ends].every(([partition, high]) => high === 0 || (offsets.get(partition) ?? -1) >= high)) return;
    const now = performance.now();
    if (now - started > MAX_PROCESSING_MS) throw new Error(`${groupId} did not commit the end offsets of ${topic} in ${MAX_PROCESSING_MS / 60_000} min`);
    if (now - lastProgress >= PROGRESS_EVERY_MS) {
      lastProgress = now;
      options.progress(`  ${((now - started) / 1000).toFixed(0).padStart(4)} s: ${await status()}`);
    }
    await sleep(POLL_MS);
  }
}

/** Our StreamProcessor, wired as the throughput benchmark wires it, on the section's topics. */
async function runOurs(options: KafkaStreamsBenchOptions, topics: ProcessorTopics, applicationId: string, ends: ReadonlyMap<number, number>, admin: Admin): Promise<OursResult> {
  const logs = captureLogs('bench-stream-processor', 'warn', join(options.outDir, `processor-${options.runId}-vs-kafka-streams.log`));
  const kafka = createKafka(`bench-stream-processor-${options.runId}`, options.brokers, logs.logger);
  const metrics = createMetrics('bench-stream-processor');
  const consumer = createProcessorConsumer(kafka, applicationId);
  let firstBatchAt: number | undefined;
  consumer.on(consumer.events.START_BATCH_PROCESS, () => {
    firstBatchAt ??= performance.now();
  });
  await consumer.connect();
  const processor = new StreamProcessor({
    topics, kafka, consumer, applicationId, metrics, logger: logs.logger,
    registry: createRegistry(options.registryUrl), registryUrl: options.registryUrl,
    rules: WINDOW_RULES, alertRules: DEFAULT_ALERT_RULES, commitIntervalMs: options.commitIntervalMs,
  });
  const rss = new RssSampler(250);
  let started = false;
  try {
    options.progress(`kafka-streams section: our StreamProcessor (application id ${applicationId}) on ${topics.readings}`);
    const cpu = new CpuMeter();
    const startedAt = performance.now();
    started = true;
    await processor.start();
    await waitForCommitted(admin, applicationId, topics.readings, ends, options, async () => `ours consumed ${(await metricTotal(metrics, 'processor_records_consumed_total')).toLocaleString('en-US')} / ${options.readings.toLocaleString('en-US')}`);
    const finishedAt = performance.now();
    const cpuUsed = cpu.stop();
    const seconds = (finishedAt - startedAt) / 1000;
    const processingSeconds = (finishedAt - (firstBatchAt ?? startedAt)) / 1000;
    return {
      applicationId,
      seconds,
      readingsPerSecond: options.readings / seconds,
      startupSeconds: ((firstBatchAt ?? finishedAt) - startedAt) / 1000,
      processingReadingsPerSecond: options.readings / processingSeconds,
      consumed: await metricTotal(metrics, 'processor_records_consumed_total'),
      processed: await metricTotal(metrics, 'processor_readings_processed_total'),
      late: await metricTotal(metrics, 'processor_readings_late_total'),
      deadLettered: await metricByLabel(metrics, 'processor_readings_dead_lettered_total', 'kind'),
      windowRecords: await metricByLabel(metrics, 'processor_window_records_total', 'kind'),
      alertRecords: await metricByLabel(metrics, 'processor_alert_records_total', 'state'),
      rssPeakMiB: rss.stop() / 1048576,
      cpu: { processCores: cpuUsed.processCores, machineCores: cpuUsed.machineCores },
      log: { file: logs.file, counts: Object.fromEntries(logs.counts) },
    };
  } finally {
    rss.stop();
    if (started) await processor.stop().catch((error: unknown) => options.progress(`  stopping our processor failed: ${(error as Error).message}`));
    else await consumer.disconnect().catch(() => undefined);
    await logs.close();
  }
}

interface Decoded<K, V> {
  key: K;
  value: V | null;
}

/** Every record of `topic` (read_committed, from the beginning to the end offsets of now), keys and values decoded through the registry. */
async function readTopic<K, V>(kafka: Kafka, registry: SchemaRegistry, topic: string, groupId: string, resources: Resources): Promise<Array<Decoded<K, V>>> {
  resources.groups.add(groupId);
  const admin = kafka.admin();
  await admin.connect();
  const records: Array<Decoded<K, V>> = [];
  try {
    const catchUp = new CatchUp((await admin.fetchTopicOffsets(topic)).map(({ partition, low, high }) => ({ partition, low: Number(low), high: Number(high) })));
    if (catchUp.caughtUp) return records;
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => catchUp.consumed(payload.partition, Number(payload.lastOffset), Number(payload.offsetLag)));
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) {
            if (!message.key) continue;
            records.push({ key: (await registry.decode(message.key)) as K, value: message.value ? ((await registry.decode(message.value)) as V) : null });
          }
        },
      });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`reading ${topic} back did not reach its end offsets in ${READ_BACK_TIMEOUT_MS / 1000} s (partitions ${catchUp.pendingPartitions.join(', ')})`)), READ_BACK_TIMEOUT_MS);
      });
      await Promise.race([catchUp.ready, timeout]).finally(() => clearTimeout(timer));
    } finally {
      await consumer.disconnect();
    }
    return records;
  } finally {
    await admin.disconnect();
  }
}

const windowId = (sensorId: string, windowStart: number): string => `${sensorId}@${new Date(windowStart).toISOString()}`;

/** What both sides must agree on for a window (the record's `final` flag aside). */
function windowFacts(window: WindowCount): string {
  return JSON.stringify([window.windowEnd, window.count, window.min, window.max, window.sum, window.mean, window.firstEventTime, window.lastEventTime]);
}

/** An alert occurrence's opening and clearing, the parts fixed by the readings (no wall clock). */
function alertFacts(records: readonly Alert[]): string {
  const opened = records.find((alert) => alert.state === 'OPEN');
  const cleared = records.find((alert) => alert.state === 'CLEARED');
  return JSON.stringify({
    opened: opened && [opened.sensorType, opened.siteId, opened.openedAt, opened.triggerValue, opened.threshold, opened.severity],
    cleared: cleared && [cleared.clearedAt, cleared.peakValue, cleared.severity, cleared.lastSeenAt],
  });
}

function compareMaps(ours: ReadonlyMap<string, string>, theirs: ReadonlyMap<string, string>, examples: string[]): { matching: number; missing: number; extra: number; differing: number } {
  let matching = 0;
  let missing = 0;
  let differing = 0;
  for (const [id, facts] of ours) {
    const other = theirs.get(id);
    if (other === undefined) {
      missing += 1;
      if (examples.length < 8) examples.push(`${id}: only in ours ${facts}`);
    } else if (other !== facts) {
      differing += 1;
      if (examples.length < 8) examples.push(`${id}: ours ${facts}, Kafka Streams ${other}`);
    } else {
      matching += 1;
    }
  }
  const extra = [...theirs.keys()].filter((id) => !ours.has(id));
  for (const id of extra.slice(0, Math.max(0, 8 - examples.length))) examples.push(`${id}: only in Kafka Streams ${theirs.get(id)}`);
  return { matching, missing, extra: extra.length, differing };
}

async function compareOutputs(kafka: Kafka, registry: SchemaRegistry, runId: string, topics: KafkaStreamsBenchResult['topics'], resources: Resources): Promise<Agreement> {
  const read = <K, V>(topic: string, name: string) => readTopic<K, V>(kafka, registry, topic, `bench-${runId}-read-${name}`, resources);
  const [oursWindows, theirWindows, oursAlerts, theirAlerts] = await Promise.all([
    read<WindowCountKey, WindowCount>(topics.ours.windowCounts, 'ours-windows'),
    read<WindowCountKey, WindowCount>(topics.kafkaStreams.windowCounts, 'ks-windows'),
    read<AlertKey, Alert>(topics.ours.alerts, 'ours-alerts'),
    read<AlertKey, Alert>(topics.kafkaStreams.alerts, 'ks-alerts'),
  ]);

  const finals = new Map<string, string>();
  const open = new Set<string>();
  for (const { value } of oursWindows) {
    if (!value) continue;
    const id = windowId(value.sensorId, value.windowStart);
    if (value.final) {
      finals.set(id, windowFacts(value));
      open.delete(id);
    } else if (!finals.has(id)) {
      open.add(id);
    }
  }
  const theirFinals = new Map(theirWindows.flatMap(({ value }) => (value ? [[windowId(value.sensorId, value.windowStart), windowFacts(value)] as const] : [])));
  const windowExamples: string[] = [];
  const windows = compareMaps(finals, theirFinals, windowExamples);

  const occurrences = (records: Array<Decoded<AlertKey, Alert>>) => {
    const byId = new Map<string, Alert[]>();
    const byState: Record<string, number> = {};
    for (const { key, value } of records) {
      if (key.rule !== 'RANGE') continue;
      byState[value?.state ?? 'tombstone'] = (byState[value?.state ?? 'tombstone'] ?? 0) + 1;
      if (!value) continue;
      const list = byId.get(value.alertId) ?? [];
      list.push(value);
      byId.set(value.alertId, list);
    }
    return { facts: new Map([...byId].map(([id, list]) => [id, alertFacts(list)])), byState };
  };
  const oursRange = occurrences(oursAlerts);
  const theirRange = occurrences(theirAlerts);
  const alertExamples: string[] = [];
  const alerts = compareMaps(oursRange.facts, theirRange.facts, alertExamples);

  const agree = windows.missing === 0 && windows.extra === 0 && windows.differing === 0 && alerts.missing === 0 && alerts.extra === 0 && alerts.differing === 0;
  return {
    windows: {
      ours: finals.size, kafkaStreams: theirFinals.size, oursStillOpen: open.size, matching: windows.matching,
      missingInKafkaStreams: windows.missing, extraInKafkaStreams: windows.extra, differing: windows.differing, examples: windowExamples,
    },
    alerts: {
      ours: oursRange.facts.size, kafkaStreams: theirRange.facts.size, matching: alerts.matching,
      missingInKafkaStreams: alerts.missing, extraInKafkaStreams: alerts.extra, differing: alerts.differing,
      oursRecords: oursRange.byState, kafkaStreamsRecords: theirRange.byState, examples: alertExamples,
    },
    agree,
  };
}

/**
 * Fills one input topic, runs our StreamProcessor on it, then the Kafka Streams baseline on the
 * same topic, and compares their outputs: every final window, and every RANGE alert occurrence.
 */
export async function runKafkaStreamsBench(options: KafkaStreamsBenchOptions, resources: Resources, harness: { kafka: Kafka; admin: Admin; registry: SchemaRegistry }): Promise<KafkaStreamsBenchResult> {
  const { admin } = harness;
  const jar = await ensureKafkaStreamsJar({ logFile: join(options.outDir, `kafka-streams-build-${options.runId}.log`), signal: options.signal, progress: options.progress });

  const ourTopics = benchTopics(`${options.runId}.vs`);
  const topics: KafkaStreamsBenchResult['topics'] = {
    input: ourTopics.readings,
    ours: { windowCounts: ourTopics.windowCounts, alerts: ourTopics.alerts },
    kafkaStreams: { windowCounts: `bench.${options.runId}.vs.ks.window-counts`, alerts: `bench.${options.runId}.vs.ks.alerts` },
  };
  const oursId = `bench-${options.runId}-vs`;
  const kafkaStreamsId = `bench-${options.runId}-vs-ks`;
  resources.groups.add(oursId);
  resources.groups.add(kafkaStreamsId);
  resources.topics.add(changelogTopicOf(oursId));
  for (const topic of [ourTopics.windowCounts, ourTopics.alerts, ourTopics.alertAcks, topics.kafkaStreams.windowCounts, topics.kafkaStreams.alerts]) resources.subjectTopics.add(topic);

  options.progress(`kafka-streams section: creating ${topics.input} (+ outputs), filling it with ${options.readings.toLocaleString('en-US')} readings from ${options.sensors.toLocaleString('en-US')} sensors`);
  await createTopicsLike(admin, [
    [ourTopics.readings, 'iot.sensor-readings'],
    [ourTopics.alertAcks, 'iot.alert-acks'],
    [ourTopics.windowCounts, 'iot.window-counts-1m'],
    [ourTopics.alerts, 'iot.alerts'],
    [ourTopics.deadLetters, 'iot.sensor-readings.dlq'],
    [ourTopics.lateReadings, 'iot.late-readings'],
    [ourTopics.devices, 'iot.devices'],
    [topics.kafkaStreams.windowCounts, 'iot.window-counts-1m'],
    [topics.kafkaStreams.alerts, 'iot.alerts'],
  ], resources);
  const filled = await fill(harness.kafka, harness.registry, options, topics.input, resources);
  const ends = new Map((await admin.fetchTopicOffsets(topics.input)).map(({ partition, high }) => [partition, Number(high)]));
  const total = [...ends.values()].reduce((sum, high) => sum + high, 0);
  if (total !== options.readings) throw new Error(`the input topic holds ${total} records, expected ${options.readings}`);
  options.progress(`  filled in ${filled.seconds.toFixed(1)} s (${filled.faults.toLocaleString('en-US')} of them outside their band)`);

  const ours = await runOurs(options, ourTopics, oursId, ends, admin);
  options.progress(`  ours: ${Math.round(ours.readingsPerSecond).toLocaleString('en-US')} readings/s (${ours.seconds.toFixed(1)} s)`);

  const workDir = join(options.outDir, `kafka-streams-${options.runId}`);
  let kafkaStreams: KafkaStreamsResult;
  try {
    options.progress(`kafka-streams section: Kafka Streams (application id ${kafkaStreamsId}, ${options.threads} stream thread(s), ${options.store} stores, -Xmx${options.heapMiB}m) on ${topics.input}`);
    kafkaStreams = await runKafkaStreams(jar.jar, {
      applicationId: kafkaStreamsId,
      input: topics.input,
      windowCounts: topics.kafkaStreams.windowCounts,
      alerts: topics.kafkaStreams.alerts,
      brokers: options.brokers,
      registryUrl: options.registryUrl,
      graceMs: WINDOW_RULES.graceMs,
      commitIntervalMs: options.commitIntervalMs,
      threads: options.threads,
      store: options.store,
      heapMiB: options.heapMiB,
      workDir,
      logFile: join(options.outDir, `kafka-streams-${options.runId}.log`),
      timeoutMs: MAX_PROCESSING_MS,
      signal: options.signal,
      progress: options.progress,
    });
  } finally {
    // Its internal topics (store changelogs) are named after the application id.
    try {
      for (const topic of await admin.listTopics()) if (topic.startsWith(`${kafkaStreamsId}-`)) resources.topics.add(topic);
    } catch (error) {
      options.progress(`  listing Kafka Streams' internal topics (${kafkaStreamsId}-*) for the cleanup failed: ${(error as Error).message}`);
    }
    rmSync(workDir, { recursive: true, force: true });
  }
  options.progress(`  Kafka Streams: ${Math.round(kafkaStreams.caughtUp.readingsPerSecond).toLocaleString('en-US')} readings/s (${kafkaStreams.caughtUp.seconds.toFixed(1)} s)`);

  options.progress('kafka-streams section: reading both outputs back and comparing them');
  const agreement = await compareOutputs(harness.kafka, harness.registry, options.runId, topics, resources);
  return {
    readings: options.readings,
    sensors: options.sensors,
    partitions: ends.size,
    commitIntervalMs: options.commitIntervalMs,
    topics,
    faultReadings: filled.faults,
    fill: { seconds: filled.seconds, eventTimeSpanSeconds: (options.readings * options.spacingMs) / 1000 },
    jar: { built: jar.built, buildSeconds: jar.buildSeconds },
    ours,
    kafkaStreams: { ...kafkaStreams, applicationId: kafkaStreamsId, threads: options.threads, store: options.store, heapMiB: options.heapMiB },
    ratio: ours.readingsPerSecond / kafkaStreams.caughtUp.readingsPerSecond,
    agreement,
  };
}
